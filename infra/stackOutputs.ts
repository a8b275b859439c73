/**
 * What `pulumi stack output` tells an operator: which scorer runs, where alerts go, where data lives, which
 * functions run, which key encrypts it all, where credentials are kept — and, per scorer, where the model is:
 * the SageMaker endpoint and training job, or the bucket key of the embedded model bundle. Outputs that do not
 * apply to the stack's scorer are absent (never a placeholder string a script could feed to a command).
 */
import type { FeedbackAction } from "./feedbackAction";
import type * as pulumi from "@pulumi/pulumi";
import type { Alerting } from "./alerting";
import type { ScorerKind } from "./config";
import type { Functions } from "./functions";
import type { RcfModel } from "./rcfModel";
import type { Storage } from "./storage";
import type { VaultSecrets } from "./vaultSecrets";

/** Outputs of every stack. */
export const COMMON_OUTPUTS = [
  "scorer",
  "alertTopicArn",
  "deadLetterQueueUrl",
  "bucketName",
  "kmsKeyArn",
  "collectorFunctionName",
  "collectorFunctionArn",
  "detectorFunctionName",
  "detectorFunctionArn",
  "vaultSecretPath",
  "vaultAuthRole",
  "detectorSchedule",
] as const;
/** Outputs of a stack with `feedbackUrl: true`. */
export const FEEDBACK_OUTPUTS = ["feedbackUrl"] as const;
/** Outputs of a stack with the embedded scorer. */
export const EMBEDDED_OUTPUTS = ["modelBundleUri"] as const;
/** Outputs of a stack with the SageMaker scorer. */
export const SAGEMAKER_OUTPUTS = ["endpointName", "endpointInvocationUrl", "trainingJobName", "trainingDataVersion"] as const;

type OutputName = (typeof COMMON_OUTPUTS)[number] | (typeof EMBEDDED_OUTPUTS)[number] | (typeof SAGEMAKER_OUTPUTS)[number] | (typeof FEEDBACK_OUTPUTS)[number];

export function stackOutputs(parts: {
  scorer: ScorerKind;
  storage: Storage;
  alerting: Alerting;
  functions: Functions;
  /** The HTTPS feedback action (docs/feedback.md), with `feedbackUrl: true`. */
  feedback?: FeedbackAction;
  secrets: VaultSecrets;
  /** Bucket key of the embedded scorer's model bundle. */
  modelBundleKey: string;
  /** With the SageMaker scorer: the model component and its training set version. */
  model?: { readonly rcf: RcfModel; readonly trainingDataVersion: string };
}): Partial<Record<OutputName, pulumi.Input<string>>> {
  const { storage, alerting, functions, secrets, model } = parts;
  return {
    scorer: parts.scorer,
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
    // ENABLED once the detector has a model (bundle, or calibrated threshold); DISABLED until then.
    detectorSchedule: functions.detectSchedule.state.apply((state) => state ?? "ENABLED"),
    ...(parts.feedback ? { feedbackUrl: parts.feedback.url } : {}),
    ...(model === undefined
      ? { modelBundleUri: storage.bucket.bucket.apply((bucket) => `s3://${bucket}/${parts.modelBundleKey}`) }
      : {
          endpointName: model.rcf.endpoint.name,
          endpointInvocationUrl: model.rcf.invocationUrl,
          trainingJobName: model.rcf.trainingJob.trainingJobName,
          trainingDataVersion: model.trainingDataVersion,
        }),
  };
}
