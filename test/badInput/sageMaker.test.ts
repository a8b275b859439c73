/**
 * Bad-input catalogue: what a SageMaker RCF endpoint can answer, through the real SageMakerScorer with the AWS SDK
 * mocked at its edge (aws-sdk-client-mock). Exact outcome per case; docs/errors.md lists them.
 */
import { InvokeEndpointCommand, SageMakerRuntimeClient, type InvokeEndpointCommandOutput } from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { ScoreResponseError } from "../../runtime/adapters/sagemaker/rcfPayload";
import { SageMakerScorer } from "../../runtime/adapters/sagemaker/SageMakerScorer";
import { fakeRetryEnvironment } from "../helpers/fakeRetryEnvironment";
import { SHORT_ERROR_CHARS, TEN_MB } from "./workspace";

const sm = mockClient(SageMakerRuntimeClient);
const WHERE = 'SageMaker endpoint "cad-rcf" batch 1/1 (rows 0..1)';
beforeEach(() => sm.reset());

/** Scores two vectors against an endpoint answering `text`; resolves the error's message (it must be a ScoreResponseError). */
async function answer(text: string): Promise<string> {
  sm.on(InvokeEndpointCommand).resolves({ Body: new TextEncoder().encode(text) as InvokeEndpointCommandOutput["Body"] });
  const scorer = new SageMakerScorer({ client: new SageMakerRuntimeClient({ region: "eu-west-1", maxAttempts: 1 }), endpointName: "cad-rcf", env: fakeRetryEnvironment() });
  const err = await scorer.score([[1], [2]]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ScoreResponseError);
  expect(sm.commandCalls(InvokeEndpointCommand)).toHaveLength(1); // the same request would get the same answer: no retry
  return (err as Error).message;
}

describe("bad-input catalogue: SageMaker RCF answers (SageMakerScorer)", () => {
  it("SM-01 an HTML page instead of JSON", async () => {
    expect(await answer("<html><body>502 Bad Gateway</body></html>")).toBe(`${WHERE}: response is not JSON (starts with "<html><body>502 Bad Gateway</body></html>")`);
  });

  it("SM-02 JSON without scores", async () => {
    expect(await answer('{"predictions":[0.1,0.2]}')).toBe(`${WHERE}: not an RCF answer: scores: missing (expected {"scores":[{"score":x},...]})`);
  });

  it("SM-03 a score that is a string", async () => {
    expect(await answer('{"scores":[{"score":0.2},{"score":"NaN"}]}')).toBe(`${WHERE}: not an RCF answer: scores[1].score: expected a number, got "NaN" (expected {"scores":[{"score":x},...]})`);
  });

  it("SM-04 a score beyond a double (1e999 parses to Infinity)", async () => {
    expect(await answer('{"scores":[{"score":1e999},{"score":0.2}]}')).toBe(`${WHERE}: not an RCF answer: scores[0].score: expected a finite number, got Infinity (expected {"scores":[{"score":x},...]})`);
  });

  it("SM-05 fewer scores than rows", async () => {
    expect(await answer('{"scores":[{"score":0.2}]}')).toBe(`${WHERE}: endpoint returned 1 scores for 2 rows`);
  });

  it("SM-06 a 10 MB body that is not JSON: quoted to 80 characters", async () => {
    const message = await answer(TEN_MB);
    expect(message).toBe(`${WHERE}: response is not JSON (starts with "${"x".repeat(80)}…" (10485680 more characters))`);
    expect(message.length).toBeLessThan(SHORT_ERROR_CHARS);
  });
});
