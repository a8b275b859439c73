/** The program with other stack settings: embedded scorer, instance endpoint, and config that must fail. */
import { describe, expect, it } from "vitest";
import { NO_ENDPOINT } from "../../infra/stackOutputs";
import type { PolicyDocument } from "../../infra/iamDocuments";
import { MOCK_ACCOUNT, ofType, resource, runProgram, type RecordedResource } from "../helpers/pulumiMocks";
import { SECRET_KEYS, devStackConfig } from "../helpers/stackConfig";
import { PROGRAM_MS } from "../helpers/timeouts";

const run = (overrides: Record<string, unknown>) => runProgram({ config: devStackConfig(overrides), secretKeys: SECRET_KEYS });

describe("the program with the embedded scorer", () => {
  it("creates no SageMaker resource, wires no endpoint, and says so in its outputs", async () => {
    const r = await run({ scorer: "embedded" });
    expect(r.resources.filter((x) => x.type.startsWith("aws:sagemaker/") || x.type === "cad:model:RcfModel")).toEqual([]);
    expect(r.invokes.map((i) => i.token)).not.toContain("aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage");
    const policy = JSON.parse(String(resource(r, "aws:iam/rolePolicy:RolePolicy", "cad-dev-detect-policy").inputs.policy)) as PolicyDocument;
    expect(policy.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith("sagemaker:"))).toEqual([]);
    const env = (resource(r, "aws:lambda/function:Function", "cad-dev-detect-function").inputs.environment as { variables: Record<string, string> }).variables;
    expect(env.CAD_SCORER).toBe("embedded");
    expect(env).not.toHaveProperty("CAD_ENDPOINT_NAME");
    expect(env).not.toHaveProperty("CAD_TRAINING_DATA_VERSION");
    expect(r.outputs).toMatchObject({ endpointName: NO_ENDPOINT, endpointInvocationUrl: NO_ENDPOINT, trainingJobName: NO_ENDPOINT });
  }, PROGRAM_MS);
});

describe("the program with a serverless endpoint", () => {
  it("provisions the serverless variant, still encrypted, with the model not isolated (serverless cannot be)", async () => {
    const r = await run({ endpoint: { mode: "serverless", memorySizeMb: 3072, maxConcurrency: 4 } });
    const config = resource(r, "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "cad-dev-rcf-endpoint-config").inputs;
    expect(config.kmsKeyArn).toBe(`arn:aws:kms:eu-west-1:${MOCK_ACCOUNT}:key/cad-dev-key-id`);
    expect(config.productionVariants).toEqual([expect.objectContaining({ serverlessConfig: { memorySizeInMb: 3072, maxConcurrency: 4 } }) as unknown]);
    expect(resource(r, "aws:sagemaker/model:Model", "cad-dev-rcf-model").inputs.enableNetworkIsolation).toBe(false);
    expect(resource(r, "aws:sagemaker/trainingJob:TrainingJob", "cad-dev-rcf-training").inputs.enableNetworkIsolation).toBe(true);
  }, PROGRAM_MS);

  it("trains a new, differently named job when a hyperparameter changes", async () => {
    const a = await run({});
    const b = await run({ model: { featureDim: 16, numTrees: 200 } });
    const name = (x: typeof a) => resource(x, "aws:sagemaker/trainingJob:TrainingJob", "cad-dev-rcf-training").inputs.trainingJobName;
    expect(name(a)).not.toBe(name(b));
    expect(ofType(b, "aws:sagemaker/endpoint:Endpoint")[0].inputs.name).toBe("cad-dev-rcf");
  }, PROGRAM_MS);
});

describe("config errors stop the program before any resource, naming the key", () => {
  it.each([
    ["a missing service list", { services: undefined }, /"container-anomaly-detection:services": expected a value/],
    ["a bad schedule", { detectSchedule: "every 5 minutes" }, /"container-anomaly-detection:detectSchedule": expected an EventBridge schedule/],
    ["min > max", { services: [{ cluster: "c", service: "s", minTasks: 5, maxTasks: 2 }] }, /"container-anomaly-detection:services\[0\]\.maxTasks": expected a value >= minTasks \(5\), got 2/],
    ["an unknown endpoint mode", { endpoint: { mode: "gpu" } }, /"container-anomaly-detection:endpoint\.mode": expected one of "instance", "serverless", got "gpu"/],
    ["a missing region", { "aws:region": undefined }, /"aws:region": expected a non-empty string, but it is not set/],
  ])("%s", async (_case, overrides, message) => {
    const recorded: RecordedResource[] = [];
    await expect(runProgram({ config: devStackConfig(overrides), secretKeys: SECRET_KEYS, recorded })).rejects.toThrow(message);
    expect(recorded).toEqual([]);
  });

  it("a missing secret names the key to set with --secret", async () => {
    await expect(
      runProgram({ config: devStackConfig({ splunkToken: undefined }), secretKeys: SECRET_KEYS.filter((k) => !k.endsWith("splunkToken")) }),
    ).rejects.toThrow(/container-anomaly-detection:splunkToken/);
  });
});
