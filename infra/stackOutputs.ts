/**
 * What `pulumi stack output` tells an operator: where the model is served, where alerts go, where data lives,
 * which functions run, which key encrypts it all, and where credentials are kept.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Alerting } from "./alerting";
import type { Functions } from "./functions";
import type { RcfModel } from "./rcfModel";
import type { Storage } from "./storage";
import type { VaultSecrets } from "./vaultSecrets";

/** Shown for the endpoint outputs when the scorer is `embedded` (no SageMaker resources exist). */
export const NO_ENDPOINT = "none (scorer is embedded)";

export interface StackOutputs {
  readonly endpointName: pulumi.Output<string>;
  readonly endpointInvocationUrl: pulumi.Output<string>;
  readonly trainingJobName: pulumi.Output<string>;
  readonly alertTopicArn: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly collectorFunctionName: pulumi.Output<string>;
  readonly collectorFunctionArn: pulumi.Output<string>;
  readonly detectorFunctionName: pulumi.Output<string>;
  readonly detectorFunctionArn: pulumi.Output<string>;
  readonly vaultSecretPath: pulumi.Output<string>;
  readonly vaultAuthRole: pulumi.Output<string>;
}

export function stackOutputs(parts: {
  storage: Storage;
  alerting: Alerting;
  functions: Functions;
  secrets: VaultSecrets;
  model?: RcfModel;
}): StackOutputs {
  const { storage, alerting, functions, secrets, model } = parts;
  return {
    endpointName: model ? model.endpoint.name : pulumi.output(NO_ENDPOINT),
    endpointInvocationUrl: model ? model.invocationUrl : pulumi.output(NO_ENDPOINT),
    trainingJobName: model ? model.trainingJob.trainingJobName : pulumi.output(NO_ENDPOINT),
    alertTopicArn: alerting.topic.arn,
    deadLetterQueueUrl: alerting.deadLetterQueue.url,
    bucketName: storage.bucket.bucket,
    kmsKeyArn: storage.key.arn,
    collectorFunctionName: functions.collector.function.name,
    collectorFunctionArn: functions.collector.function.arn,
    detectorFunctionName: functions.detector.function.name,
    detectorFunctionArn: functions.detector.function.arn,
    vaultSecretPath: secrets.secret.path,
    vaultAuthRole: secrets.authRole.role,
  };
}
