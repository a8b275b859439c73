/** SageMaker: model storage and outputs encrypted with KMS, containers without network access. */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";
import { isProvided, readKnown } from "./lib/known";

interface LocalStorageConfig {
  /**
   * Instance families with local NVMe storage. AWS encrypts that storage in hardware and rejects a KMS
   * volume key for them (CreateEndpointConfig / CreateTrainingJob fail), so they are exempt from the volume-key check.
   */
  localStorageInstanceFamilies: string[];
}
const LOCAL_STORAGE_DEFAULTS: LocalStorageConfig = {
  localStorageInstanceFamilies: ["ml.c5d", "ml.m5d", "ml.r5d", "ml.g4dn", "ml.g5", "ml.g6", "ml.g6e", "ml.p3dn", "ml.p4d", "ml.p4de", "ml.p5", "ml.p5e", "ml.trn1", "ml.trn1n"],
};
const localStorageSchema = {
  localStorageInstanceFamilies: { type: "array" as const, items: { type: "string" as const }, default: LOCAL_STORAGE_DEFAULTS.localStorageInstanceFamilies },
};

/** True when the instance type (e.g. `ml.m5d.large`) belongs to one of the local-storage families. */
export function hasLocalInstanceStorage(instanceType: string | undefined, families: readonly string[]): boolean {
  if (instanceType === undefined) return false;
  const family = instanceType.split(".").slice(0, 2).join(".");
  return families.includes(family);
}

export const sagemakerEndpointConfigKms: ResourceValidationPolicy = {
  name: "sagemaker-endpoint-config-kms",
  description: "SageMaker endpoint configurations encrypt the hosting instances' storage with a KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: { properties: localStorageSchema },
  validateResource: validateResourceOfType(aws.sagemaker.EndpointConfiguration, (endpointConfig, args, report) => {
    const { localStorageInstanceFamilies } = configOf(args, LOCAL_STORAGE_DEFAULTS);
    const local = (endpointConfig.productionVariants ?? []).some((v) => hasLocalInstanceStorage(readKnown(() => v.instanceType), localStorageInstanceFamilies));
    if (local) args.notApplicable("variants on local-NVMe instance types are hardware-encrypted and reject a KMS key");
    if (!isProvided(() => endpointConfig.kmsKeyArn)) {
      report(violation("The endpoint configuration has no kmsKeyArn.", "set kmsKeyArn to an aws.kms.Key ARN (the SageMaker execution role needs kms:CreateGrant on it)."));
    }
  }),
};

export const sagemakerTrainingJobKms: ResourceValidationPolicy = {
  name: "sagemaker-training-job-kms",
  description: "SageMaker training jobs encrypt their model artifacts and training volumes with a KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: { properties: localStorageSchema },
  validateResource: validateResourceOfType(aws.sagemaker.TrainingJob, (job, args, report) => {
    const { localStorageInstanceFamilies } = configOf(args, LOCAL_STORAGE_DEFAULTS);
    if (!isProvided(() => job.outputDataConfig?.kmsKeyId)) {
      report(violation("outputDataConfig.kmsKeyId is not set, so model artifacts use the default S3 key.", "set outputDataConfig.kmsKeyId to an aws.kms.Key ARN."));
    }
    const resourceConfig = job.resourceConfig;
    const instanceType = readKnown(() => resourceConfig?.instanceType);
    if (resourceConfig !== undefined && !hasLocalInstanceStorage(instanceType, localStorageInstanceFamilies) && !isProvided(() => resourceConfig.volumeKmsKeyId)) {
      report(violation(`resourceConfig.volumeKmsKeyId is not set for ${instanceType ?? "the training instances"}.`, "set resourceConfig.volumeKmsKeyId to an aws.kms.Key ARN."));
    }
  }),
};

export const sagemakerTrainingJobNetworkIsolation: ResourceValidationPolicy = {
  name: "sagemaker-training-job-network-isolation",
  description: "SageMaker training jobs run with network isolation (the container cannot call out).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.sagemaker.TrainingJob, (job, _args, report) => {
    if (job.enableNetworkIsolation !== true) {
      report(violation("enableNetworkIsolation is not true.", "set enableNetworkIsolation: true (built-in algorithms such as randomcutforest need no network)."));
    }
  }),
};

export const sagemakerModelNetworkIsolation: ResourceValidationPolicy = {
  name: "sagemaker-model-network-isolation",
  description: "SageMaker models run with network isolation (the inference container cannot call out).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.sagemaker.Model, (model, _args, report) => {
    if (model.enableNetworkIsolation !== true) {
      report(violation("enableNetworkIsolation is not true.", "set enableNetworkIsolation: true on the aws.sagemaker.Model."));
    }
  }),
};

export const sagemakerPolicies = [sagemakerEndpointConfigKms, sagemakerTrainingJobKms, sagemakerTrainingJobNetworkIsolation, sagemakerModelNetworkIsolation];
