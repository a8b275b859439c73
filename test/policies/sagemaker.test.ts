import * as aws from "@pulumi/aws";
import { type Unwrap } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  hasLocalInstanceStorage,
  sagemakerEndpointConfigKms,
  sagemakerModelNetworkIsolation,
  sagemakerTrainingJobKms,
  sagemakerTrainingJobNetworkIsolation,
} from "../../policies/sagemaker";
import { resourceOf, runResourcePolicy, typeTokenOf } from "../helpers/policyHarness";
import { asPreview, UNKNOWN } from "../helpers/previewValues";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE_ARN = "arn:aws:iam::123456789012:role/sagemaker";
const RCF_IMAGE = "438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1";

describe("hasLocalInstanceStorage", () => {
  it("matches the instance family, not the size", () => {
    const families = ["ml.m5d", "ml.g4dn"];
    expect(hasLocalInstanceStorage("ml.m5d.large", families)).toBe(true);
    expect(hasLocalInstanceStorage("ml.g4dn.xlarge", families)).toBe(true);
    expect(hasLocalInstanceStorage("ml.m5.large", families)).toBe(false);
    expect(hasLocalInstanceStorage(undefined, families)).toBe(false);
  });
});

describe("sagemaker-endpoint-config-kms", () => {
  const endpointConfig = (overrides: Partial<Unwrap<aws.sagemaker.EndpointConfigurationArgs>>) =>
    resourceOf(aws.sagemaker.EndpointConfiguration, {
      kmsKeyArn: KEY_ARN,
      productionVariants: [{ variantName: "rcf", modelName: "rcf-model", instanceType: "ml.m5.large", initialInstanceCount: 1 }],
      ...overrides,
    });

  it("passes an instance endpoint with a KMS key", async () => {
    expect((await runResourcePolicy(sagemakerEndpointConfigKms, endpointConfig({}))).violations).toEqual([]);
  });

  it("flags a missing key, also for serverless variants", async () => {
    const message = "The endpoint configuration has no kmsKeyArn. Remediation: set kmsKeyArn to an aws.kms.Key ARN (the SageMaker execution role needs kms:CreateGrant on it).";
    expect((await runResourcePolicy(sagemakerEndpointConfigKms, endpointConfig({ kmsKeyArn: undefined }))).violations).toEqual([message]);
    const serverless = endpointConfig({ kmsKeyArn: undefined, productionVariants: [{ variantName: "rcf", modelName: "rcf-model", serverlessConfig: { maxConcurrency: 2, memorySizeInMb: 2048 } }] });
    expect((await runResourcePolicy(sagemakerEndpointConfigKms, serverless)).violations).toEqual([message]);
  });

  it("does not apply to local-NVMe instance types (AWS rejects a key there)", async () => {
    const nvme = endpointConfig({ kmsKeyArn: undefined, productionVariants: [{ variantName: "rcf", modelName: "rcf-model", instanceType: "ml.m5d.large", initialInstanceCount: 1 }] });
    expect((await runResourcePolicy(sagemakerEndpointConfigKms, nvme)).notApplicable).toMatch(/local-NVMe/);
  });
});

const trainingJob = (overrides: Partial<Unwrap<aws.sagemaker.TrainingJobArgs>>) =>
  resourceOf(aws.sagemaker.TrainingJob, {
    trainingJobName: "cad-rcf-3f2a9c",
    roleArn: ROLE_ARN,
    enableNetworkIsolation: true,
    algorithmSpecification: { trainingImage: RCF_IMAGE, trainingInputMode: "File" },
    outputDataConfig: { s3OutputPath: "s3://cad-models/", kmsKeyId: KEY_ARN },
    resourceConfig: { instanceType: "ml.m5.large", instanceCount: 1, volumeSizeInGb: 10, volumeKmsKeyId: KEY_ARN },
    ...overrides,
  });

describe("sagemaker-training-job-kms", () => {
  it("passes KMS on outputs and volumes", async () => {
    expect((await runResourcePolicy(sagemakerTrainingJobKms, trainingJob({}))).violations).toEqual([]);
  });

  it("accepts keys created in the same update (unknown during preview)", async () => {
    const props = asPreview({
      trainingJobName: "cad-rcf-3f2a9c",
      roleArn: UNKNOWN,
      outputDataConfig: { s3OutputPath: UNKNOWN, kmsKeyId: UNKNOWN },
      resourceConfig: { instanceType: "ml.m5.large", instanceCount: 1, volumeKmsKeyId: UNKNOWN },
    });
    expect((await runResourcePolicy(sagemakerTrainingJobKms, { type: typeTokenOf(aws.sagemaker.TrainingJob), props })).violations).toEqual([]);
    const endpointConfig = asPreview({ kmsKeyArn: UNKNOWN, productionVariants: [{ variantName: "rcf", modelName: UNKNOWN, instanceType: "ml.m5.large" }] });
    expect((await runResourcePolicy(sagemakerEndpointConfigKms, { type: typeTokenOf(aws.sagemaker.EndpointConfiguration), props: endpointConfig })).violations).toEqual([]);
  });

  it("flags unencrypted model artifacts", async () => {
    expect((await runResourcePolicy(sagemakerTrainingJobKms, trainingJob({ outputDataConfig: { s3OutputPath: "s3://cad-models/" } }))).violations).toEqual([
      "outputDataConfig.kmsKeyId is not set, so model artifacts use the default S3 key. Remediation: set outputDataConfig.kmsKeyId to an aws.kms.Key ARN.",
    ]);
  });

  it("flags an unencrypted training volume, except on local-NVMe instances", async () => {
    const noVolumeKey = trainingJob({ resourceConfig: { instanceType: "ml.m5.large", instanceCount: 1, volumeSizeInGb: 10 } });
    expect((await runResourcePolicy(sagemakerTrainingJobKms, noVolumeKey)).violations).toEqual([
      "resourceConfig.volumeKmsKeyId is not set for ml.m5.large. Remediation: set resourceConfig.volumeKmsKeyId to an aws.kms.Key ARN.",
    ]);
    const nvme = trainingJob({ resourceConfig: { instanceType: "ml.c5d.xlarge", instanceCount: 1 } });
    expect((await runResourcePolicy(sagemakerTrainingJobKms, nvme)).violations).toEqual([]);
  });
});

describe("sagemaker-training-job-network-isolation", () => {
  it("passes an isolated job", async () => {
    expect((await runResourcePolicy(sagemakerTrainingJobNetworkIsolation, trainingJob({}))).violations).toEqual([]);
  });

  it.each([false, undefined])("flags enableNetworkIsolation %s", async (enableNetworkIsolation) => {
    expect((await runResourcePolicy(sagemakerTrainingJobNetworkIsolation, trainingJob({ enableNetworkIsolation }))).violations).toEqual([
      "enableNetworkIsolation is not true. Remediation: set enableNetworkIsolation: true (built-in algorithms such as randomcutforest need no network).",
    ]);
  });
});

describe("sagemaker-model-network-isolation", () => {
  const model = (enableNetworkIsolation: boolean | undefined) =>
    resourceOf(aws.sagemaker.Model, { executionRoleArn: ROLE_ARN, enableNetworkIsolation, primaryContainer: { image: RCF_IMAGE, modelDataUrl: "s3://cad-models/job/output/model.tar.gz" } });

  it("passes an isolated model", async () => {
    expect((await runResourcePolicy(sagemakerModelNetworkIsolation, model(true))).violations).toEqual([]);
  });

  it("flags a model with network access", async () => {
    expect((await runResourcePolicy(sagemakerModelNetworkIsolation, model(undefined))).violations).toEqual([
      "enableNetworkIsolation is not true. Remediation: set enableNetworkIsolation: true on the aws.sagemaker.Model.",
    ]);
  });
});
