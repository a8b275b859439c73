import { describe, expect, it } from "vitest";
import { vaultExtensionEnvironment } from "../../infra/functionEnvironment";
import { collectorPolicy, detectorPolicy, ecsClusterArn, ecsServiceArn, plannerPolicy, sageMakerExecutionPolicy, servicesOfClusterArn, type AwsScope } from "../../infra/iamDocuments";
import { endpointInvocationUrl, rcfEndpointName, requireTrainingSet, trainingJobName } from "../../infra/rcfModel";
import { extensionSecretUrl, readOnlySecretPolicy } from "../../infra/vaultSecrets";
import { vaultExtensionLayerArn } from "../../infra/functions";

const scope: AwsScope = { partition: "aws-cn", region: "cn-north-1", accountId: "111122223333" };
const base = { logGroupArn: "arn:lg", deadLetterQueueArn: "arn:dlq", keyArn: "arn:key" };
/** A training job's resolved inputs, as RcfModel hashes them into the job name. */
const job = {
  roleArn: "arn:aws:iam::111122223333:role/cad-prod-rcf-role-0a1b2c3",
  algorithmSpecification: { trainingImage: "438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1", trainingInputMode: "File" },
  hyperParameters: { feature_dim: "8", num_trees: "100", num_samples_per_tree: "256" },
  inputDataConfigs: [{ channelName: "train", dataSource: { s3DataSource: { s3Uri: "s3://b/training/2026-11-01.1/train/" } } }],
  outputDataConfig: { s3OutputPath: "s3://b/models/", kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/k1" },
  resourceConfig: { instanceType: "ml.m5.large", instanceCount: 1, volumeSizeInGb: 10, volumeKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/k1" },
  stoppingCondition: { maxRuntimeInSeconds: 3600 },
  enableNetworkIsolation: true,
};

describe("policy documents", () => {
  it("use the partition in every ARN they build", () => {
    expect(ecsServiceArn(scope, "c", "s")).toBe("arn:aws-cn:ecs:cn-north-1:111122223333:service/c/s");
    const doc = detectorPolicy({ ...base, scope, bucketArn: "arn:b", topicArn: "arn:t", serviceArns: [] });
    expect(doc.Statement.find((s) => s.Sid === "RaiseMinCapacityOfEcsServices")?.Resource).toEqual(["arn:aws-cn:application-autoscaling:cn-north-1:111122223333:scalable-target/*"]);
    expect(vaultExtensionLayerArn(scope, 7)).toBe("arn:aws-cn:lambda:cn-north-1:634166935893:layer:vault-lambda-extension:7");
  });

  it("grant the detector InvokeEndpoint only when there is an endpoint", () => {
    const without = detectorPolicy({ ...base, scope, bucketArn: "arn:b", topicArn: "arn:t", serviceArns: ["arn:svc"] });
    expect(without.Statement.flatMap((s) => s.Action)).not.toContain("sagemaker:InvokeEndpoint");
    const withEndpoint = detectorPolicy({ ...base, scope, bucketArn: "arn:b", topicArn: "arn:t", serviceArns: ["arn:svc"], endpointArn: "arn:ep" });
    expect(withEndpoint.Statement.find((s) => s.Sid === "ScoreOnEndpoint")).toEqual({ Sid: "ScoreOnEndpoint", Effect: "Allow", Action: ["sagemaker:InvokeEndpoint"], Resource: ["arn:ep"] });
  });

  it("let a planner list and describe the services of exactly the watched clusters, and only with discovery", () => {
    const shop = ecsClusterArn(scope, "shop");
    expect(shop).toBe("arn:aws-cn:ecs:cn-north-1:111122223333:cluster/shop");
    expect(servicesOfClusterArn(shop)).toBe("arn:aws-cn:ecs:cn-north-1:111122223333:service/shop/*");
    const plain = plannerPolicy({ ...base, workQueueArn: "arn:q" });
    expect(plain.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith("ecs:"))).toEqual([]);
    const listing = plannerPolicy({ ...base, workQueueArn: "arn:q", clusterArns: [shop, ecsClusterArn(scope, "batch")] });
    expect(listing.Statement.filter((s) => s.Action.some((a) => a.startsWith("ecs:")))).toEqual([
      {
        Sid: "ListClusterServices",
        Effect: "Allow",
        Action: ["ecs:ListServices"],
        Resource: ["*"],
        Condition: { ArnEquals: { "ecs:cluster": [shop, "arn:aws-cn:ecs:cn-north-1:111122223333:cluster/batch"] } },
      },
      { Sid: "DescribeClusterServices", Effect: "Allow", Action: ["ecs:DescribeServices"], Resource: [servicesOfClusterArn(shop), "arn:aws-cn:ecs:cn-north-1:111122223333:service/batch/*"] },
    ]);
  });

  it("let the detector scale the services of the watched clusters only with discovery", () => {
    const ecsOf = (doc: ReturnType<typeof detectorPolicy>) => doc.Statement.filter((s) => s.Action.includes("ecs:UpdateService"));
    const configured = detectorPolicy({ ...base, scope, bucketArn: "arn:b", topicArn: "arn:t", serviceArns: ["arn:svc"] });
    expect(ecsOf(configured).map((s) => s.Resource)).toEqual([["arn:svc"]]);
    const found = detectorPolicy({ ...base, scope, bucketArn: "arn:b", topicArn: "arn:t", serviceArns: ["arn:svc"], clusterArns: [ecsClusterArn(scope, "shop")] });
    expect(ecsOf(found)).toEqual([
      { Sid: "ScaleConfiguredServices", Effect: "Allow", Action: ["ecs:DescribeServices", "ecs:UpdateService"], Resource: ["arn:svc"] },
      { Sid: "ScaleServicesOfWatchedClusters", Effect: "Allow", Action: ["ecs:DescribeServices", "ecs:UpdateService"], Resource: ["arn:aws-cn:ecs:cn-north-1:111122223333:service/shop/*"] },
    ]);
  });

  it("never let the collector read models or detector state", () => {
    const resources = collectorPolicy({ ...base, bucketArn: "arn:b" }).Statement.flatMap((s) => s.Resource ?? []);
    expect(resources.filter((r) => r.includes("models/") || r.includes("detector"))).toEqual([]);
  });

  it("confine SageMaker to one data version", () => {
    const doc = sageMakerExecutionPolicy({ scope, bucketArn: "arn:b", keyArn: "arn:k", trainingDataVersion: "v7" });
    expect(doc.Statement.find((s) => s.Sid === "ListTrainingData")?.Condition).toEqual({ StringLike: { "s3:prefix": ["training/v7/*"] } });
  });
});

describe("naming and wiring helpers", () => {
  it("derive a valid, deterministic training job name", () => {
    const name = trainingJobName("prod", "2026-11-01.1", job, 1);
    expect(name).toMatch(/^cad-prod-2026-11-01-1-[0-9a-f]{10}$/);
    expect(trainingJobName("prod", "2026-11-01.1", { ...job }, 1)).toBe(name);
    // Key order does not matter: the same inputs always give the same job.
    expect(trainingJobName("prod", "2026-11-01.1", Object.fromEntries(Object.entries(job).reverse()), 1)).toBe(name);
    expect(trainingJobName("environment-name-20", "a-very-long-data-version-label-of-40-chr", job, 1).length).toBeLessThanOrEqual(63);
  });

  // Issue 16, item 2: every input that forces the provider to replace the job is in its name, so a replacement is
  // created under a new name (create before delete) instead of failing on the old one.
  it.each([
    ["the data version", { inputDataConfigs: [{ channelName: "train", dataSource: { s3DataSource: { s3Uri: "s3://b/training/2026-11-02.1/train/" } } }] }],
    ["a hyperparameter", { hyperParameters: { ...job.hyperParameters, num_samples_per_tree: "512" } }],
    ["maxRuntimeSeconds", { stoppingCondition: { maxRuntimeInSeconds: 7200 } }],
    ["the role (replaced: new ARN)", { roleArn: "arn:aws:iam::111122223333:role/cad-prod-rcf-role-9f8e7d6" }],
    ["the key", { outputDataConfig: { ...job.outputDataConfig, kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/k2" }, resourceConfig: { ...job.resourceConfig, volumeKmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/k2" } }],
    ["the volume", { resourceConfig: { ...job.resourceConfig, volumeSizeInGb: 50 } }],
    ["the instance type", { resourceConfig: { ...job.resourceConfig, instanceType: "ml.m5.xlarge" } }],
    ["the image", { algorithmSpecification: { ...job.algorithmSpecification, trainingImage: "x.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:2" } }],
    ["network isolation", { enableNetworkIsolation: false }],
  ])("give a new job name when %s changes", (_what, change) => {
    expect(trainingJobName("prod", "2026-11-01.1", { ...job, ...change }, 1)).not.toBe(trainingJobName("prod", "2026-11-01.1", job, 1));
  });

  it("give a new job name for another training attempt on the same inputs (a failed job keeps its name)", () => {
    expect(trainingJobName("prod", "2026-11-01.1", job, 2)).not.toBe(trainingJobName("prod", "2026-11-01.1", job, 1));
  });

  it("name the endpoint by mode: SageMaker cannot update an endpoint between instance and serverless", () => {
    expect(rcfEndpointName("dev", "instance")).toBe("cad-dev-rcf");
    expect(rcfEndpointName("dev", "serverless")).toBe("cad-dev-rcf-serverless");
  });

  it("accept a training set only with its manifest and its train channel, naming what is missing", () => {
    const complete = { keys: ["training/v1/features.json", "training/v1/manifest.json"], commonPrefixes: ["training/v1/train/"] };
    expect(() => requireTrainingSet(complete, "b", "v1")).not.toThrow();
    expect(() => requireTrainingSet({ keys: [], commonPrefixes: [] }, "b", "v1")).toThrow(
      /config "container-anomaly-detection:trainingDataVersion": expected a training set in s3:\/\/b\/ \(training\/v1\/manifest.json and training\/v1\/train\/ missing\): build one with `cad dataset build --bucket b/,
    );
    // A build that stopped before its manifest (written last) is not a training set.
    expect(() => requireTrainingSet({ keys: ["training/v1/features.json"], commonPrefixes: ["training/v1/train/"] }, "b", "v1")).toThrow(/training\/v1\/manifest.json missing/);
  });

  it("set VAULT_STS_ENDPOINT_REGION for the extension only when the auth method uses a regional STS endpoint", () => {
    const vault = { address: "https://v", kvMount: "kv", secretName: "s", authMount: "aws", authRole: "r", extensionVersion: 18, tokenTtlSeconds: 900 };
    expect(vaultExtensionEnvironment(vault)).not.toHaveProperty("VAULT_STS_ENDPOINT_REGION");
    expect(vaultExtensionEnvironment({ ...vault, stsEndpointRegion: "eu-west-1" })).toMatchObject({ VAULT_STS_ENDPOINT_REGION: "eu-west-1" });
  });

  it("build the endpoint URL and the Vault paths", () => {
    expect(endpointInvocationUrl("eu-west-1", "cad-dev-rcf")).toBe("https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/cad-dev-rcf/invocations");
    expect(extensionSecretUrl("kv", "a/b")).toBe("http://127.0.0.1:8200/v1/kv/data/a/b");
    expect(readOnlySecretPolicy("kv", "a/b")).toContain('path "kv/data/a/b" {\n  capabilities = ["read"]\n}');
  });
});
