/** The program with other stack settings: serverless endpoint, no training set yet, and config that must fail. */
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../infra/iamDocuments";
import { ofType, resource, runProgram, type RecordedResource } from "../helpers/pulumiMocks";
import { DATA_VERSION, SECRET_KEYS, devStackConfig, sageMakerStackConfig, trainingSetKeys } from "../helpers/stackConfig";

describe("the program with the embedded scorer (the dev stack as shipped)", () => {
  it("creates no SageMaker resource, wires no endpoint, and exports no SageMaker output", async () => {
    const r = await runProgram({ config: devStackConfig({ trainingDataVersion: DATA_VERSION, scorer: "embedded" }), secretKeys: SECRET_KEYS });
    expect(r.resources.filter((x) => x.type.startsWith("aws:sagemaker/") || x.type === "cad:model:RcfModel")).toEqual([]);
    expect(r.invokes.map((i) => i.token)).not.toContain("aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage");
    const policy = JSON.parse(String(resource(r, "aws:iam/rolePolicy:RolePolicy", "cad-dev-detect-policy").inputs.policy)) as PolicyDocument;
    expect(policy.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith("sagemaker:"))).toEqual([]);
    const env = (resource(r, "aws:lambda/function:Function", "cad-dev-detect-function").inputs.environment as { variables: Record<string, string> }).variables;
    expect(env.CAD_SCORER).toBe("embedded");
    expect(env).not.toHaveProperty("CAD_ENDPOINT_NAME");
    expect(env).not.toHaveProperty("CAD_TRAINING_DATA_VERSION");
    // No placeholder a script could feed to `cad dataset calibrate --endpoint`: the keys are absent.
    for (const output of ["endpointName", "endpointInvocationUrl", "trainingJobName", "trainingDataVersion"]) expect(r.outputs).not.toHaveProperty(output);
    expect(r.outputs.scorer).toBe("embedded");
  }, 60_000);
});

describe("the program with a serverless endpoint", () => {
  it("provisions the serverless variant under its own endpoint name, still encrypted, the model not isolated (serverless cannot be)", async () => {
    const r = await runProgram({
      config: sageMakerStackConfig({ endpoint: { mode: "serverless", memorySizeMb: 3072, maxConcurrency: 4 } }),
      secretKeys: SECRET_KEYS,
      bucketKeys: trainingSetKeys(),
    });
    const config = resource(r, "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "cad-dev-rcf-endpoint-config").inputs;
    expect(config.kmsKeyArn).toBe(r.outputs.kmsKeyArn);
    expect(config.productionVariants).toEqual([expect.objectContaining({ serverlessConfig: { memorySizeInMb: 3072, maxConcurrency: 4 } }) as unknown]);
    expect(resource(r, "aws:sagemaker/model:Model", "cad-dev-rcf-model").inputs.enableNetworkIsolation).toBe(false);
    expect(resource(r, "aws:sagemaker/trainingJob:TrainingJob", "cad-dev-rcf-training").inputs.enableNetworkIsolation).toBe(true);
    expect(resource(r, "aws:sagemaker/endpoint:Endpoint", "cad-dev-rcf-endpoint").inputs.name).toBe("cad-dev-rcf-serverless");
    const env = (resource(r, "aws:lambda/function:Function", "cad-dev-detect-function").inputs.environment as { variables: Record<string, string> }).variables;
    expect(env.CAD_ENDPOINT_NAME).toBe("cad-dev-rcf-serverless");
  }, 60_000);
});

describe("a training set that is not in the bucket", () => {
  // Issue 16, item 1: a job on a prefix nobody wrote fails after minutes and keeps its name in SageMaker; the
  // program refuses before the job is submitted, naming the key, the bucket and the command that builds the set.
  it("stops the update before any training job, naming the key and how to build the set", async () => {
    const recorded: RecordedResource[] = [];
    await expect(runProgram({ config: sageMakerStackConfig(), secretKeys: SECRET_KEYS, recorded })).rejects.toThrow(
      /config "container-anomaly-detection:trainingDataVersion": expected a training set in s3:\/\/cad-dev-bucket-0a1b2c3\/ \(training\/ds-e06f221f45d66a4c\/manifest.json and training\/ds-e06f221f45d66a4c\/train\/ missing\): build one with `cad dataset build --bucket cad-dev-bucket-0a1b2c3/,
    );
    expect(recorded.filter((r) => r.type === "aws:sagemaker/trainingJob:TrainingJob")).toEqual([]);
  }, 60_000);
});

describe("config errors stop the program before any resource, naming the key", () => {
  it.each([
    ["a missing service list", { services: undefined }, /"container-anomaly-detection:services": expected a value \(the key is required\)/],
    ["a misspelt key", { sevices: "[]" }, /"container-anomaly-detection:sevices": expected one of the known settings \(did you mean "services"\?\)/],
    ["a bad schedule", { detectSchedule: "every 5 minutes" }, /"container-anomaly-detection:detectSchedule": expected an EventBridge schedule/],
    ["min > max", { services: [{ cluster: "c", service: "s", minTasks: 5, maxTasks: 2 }] }, /"container-anomaly-detection:services\[0\]\.maxTasks": expected a value >= minTasks \(5\), got 2/],
    ["an unknown endpoint mode", { endpoint: { mode: "gpu" } }, /"container-anomaly-detection:endpoint\.mode": expected one of "instance", "serverless", got "gpu"/],
    ["a missing region", { "aws:region": undefined }, /"aws:region": expected a value \(the key is required\), but it is not set/],
    ["a region without the Vault extension", { "aws:region": "ap-southeast-3" }, /"aws:region": expected a region HashiCorp publishes vault-lambda-extension to/],
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

describe("the provider-like mocks", () => {
  it("fill in what AWS fills in: a new bucket's SSE-S3 default and versioning off, -1 for unreserved concurrency", async () => {
    const r = await runProgram({ config: devStackConfig({ reserveConcurrency: "false" }), secretKeys: SECRET_KEYS });
    expect(resource(r, "aws:s3/bucket:Bucket", "cad-dev-bucket").outputs).toMatchObject({
      serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } },
      versioning: { enabled: false },
    });
    for (const fn of ofType(r, "aws:lambda/function:Function")) {
      expect(fn.inputs.reservedConcurrentExecutions).toBeUndefined();
      expect(fn.outputs.reservedConcurrentExecutions).toBe(-1);
    }
  }, 60_000);
});
