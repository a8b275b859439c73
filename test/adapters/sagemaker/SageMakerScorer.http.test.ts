import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelInvocationError, SageMakerScorer } from "../../../runtime/adapters/sagemaker/SageMakerScorer";
import { fakeRetryEnvironment } from "../../helpers/fakeRetryEnvironment";
import { SageMakerRuntimeServer } from "../../servers/sageMakerRuntimeServer";

// The real SDK over real HTTP: proves the request goes out as the built-in RCF expects and that the errors
// SageMaker sends (x-amzn-ErrorType) are classified as this scorer assumes.
let server: SageMakerRuntimeServer;
beforeAll(async () => {
  server = await SageMakerRuntimeServer.start();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.script.length = 0;
});

function scorer(): SageMakerScorer {
  const client = new SageMakerRuntimeClient({ region: "eu-west-1", endpoint: server.endpoint, maxAttempts: 1, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  return new SageMakerScorer({ client, endpointName: "cad-rcf", env: fakeRetryEnvironment() });
}

describe("SageMakerScorer over HTTP", () => {
  it("sends the RCF JSON request, retries a throttle and a 503, then returns the scores", async () => {
    server.script.push(
      { status: 400, errorType: "ThrottlingException", body: { message: "Rate exceeded" } },
      { status: 503, errorType: "ServiceUnavailable", body: { message: "Service is unavailable" } },
    );
    expect(await scorer().score([[1, 2], [3, 4.5]])).toEqual([{ score: 3 }, { score: 7.5 }]);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]).toEqual({ endpoint: "cad-rcf", contentType: "application/json", accept: "application/json", body: '{"instances":[{"features":[1,2]},{"features":[3,4.5]}]}' });
  });

  it("turns SageMaker's ModelError (424) into a ModelInvocationError without retrying", async () => {
    server.script.push({
      status: 424,
      errorType: "ModelError",
      body: { message: "Received client error (400) from primary", OriginalStatusCode: 400, OriginalMessage: "feature_dim mismatch", LogStreamArn: "arn:aws:logs:eu-west-1:1:log-group:/aws/sagemaker/Endpoints/cad-rcf" },
    });
    const error = await scorer().score([[1]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelInvocationError);
    expect((error as Error).message).toBe('SageMaker endpoint "cad-rcf": the model returned 400: feature_dim mismatch; container logs: arn:aws:logs:eu-west-1:1:log-group:/aws/sagemaker/Endpoints/cad-rcf');
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a ValidationError (e.g. unknown endpoint)", async () => {
    server.script.push({ status: 400, errorType: "ValidationError", body: { message: "Endpoint cad-rcf of account 1 not found." } });
    await expect(scorer().score([[1]])).rejects.toThrow("Endpoint cad-rcf of account 1 not found.");
    expect(server.requests).toHaveLength(1);
  });
});
