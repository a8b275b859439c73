import { describe, expect, it } from "vitest";
import { collectorPolicy, detectorPolicy, ecsServiceArn, sageMakerExecutionPolicy, type AwsScope } from "../../infra/iamDocuments";
import { endpointInvocationUrl, trainingJobName } from "../../infra/rcfModel";
import { awsSdkPackages } from "../../infra/scheduledFunction";
import { extensionSecretUrl, readOnlySecretPolicy } from "../../infra/vaultSecrets";
import { vaultExtensionLayerArn } from "../../infra/functions";

const scope: AwsScope = { partition: "aws-cn", region: "cn-north-1", accountId: "111122223333" };
const base = { logGroupArn: "arn:lg", deadLetterQueueArn: "arn:dlq", keyArn: "arn:key" };
const model = { featureDim: 8, numTrees: 100, numSamplesPerTree: 256, trainingInstanceType: "ml.m5.large", trainingInstanceCount: 1, maxRuntimeSeconds: 3600 };

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
  it("derive a valid, deterministic training job name that changes with data and hyperparameters", () => {
    const name = trainingJobName("prod", "2026-11-01.1", model);
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    expect(trainingJobName("prod", "2026-11-01.1", model)).toBe(name);
    expect(trainingJobName("prod", "2026-11-02.1", model)).not.toBe(name);
    expect(trainingJobName("prod", "2026-11-01.1", { ...model, numSamplesPerTree: 512 })).not.toBe(name);
    expect(trainingJobName("environment-name-20", "a-very-long-data-version-label-of-40-chr", model).length).toBeLessThanOrEqual(63);
  });

  it("build the endpoint URL, the Vault paths and the SDK exclusion list", () => {
    expect(endpointInvocationUrl("eu-west-1", "cad-dev-rcf")).toBe("https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/cad-dev-rcf/invocations");
    expect(extensionSecretUrl("kv", "a/b")).toBe("http://127.0.0.1:8200/v1/kv/data/a/b");
    expect(readOnlySecretPolicy("kv", "a/b")).toContain('path "kv/data/a/b" {\n  capabilities = ["read"]\n}');
    expect(awsSdkPackages({ "@aws-sdk/client-s3": "1", "splunk-sdk": "2", "@aws-sdk/client-sns": "3" })).toEqual(["@aws-sdk/client-s3", "@aws-sdk/client-sns"]);
  });
});
