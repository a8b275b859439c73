/** SNS and SQS: topics and queues are encrypted at rest with KMS. */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";
import { isProvided } from "./lib/known";

export const snsTopicKms: ResourceValidationPolicy = {
  name: "sns-topic-kms",
  description: "SNS topics are encrypted at rest with a KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: validateResourceOfType(aws.sns.Topic, (topic, _args, report) => {
    // A key created in the same update is unknown during preview: it still counts as set.
    if (!isProvided(() => topic.kmsMasterKeyId)) {
      report(violation("The topic is not encrypted with KMS.", "set kmsMasterKeyId to an aws.kms.Key (its key policy must let the publishers, e.g. cloudwatch.amazonaws.com, use it)."));
    }
  }),
};

interface SqsKmsConfig {
  /** Accept SQS-managed SSE (SSE-SQS) instead of a KMS key. */
  allowSqsManagedSse: boolean;
}
const SQS_KMS_DEFAULTS: SqsKmsConfig = { allowSqsManagedSse: false };

export const sqsQueueKms: ResourceValidationPolicy = {
  name: "sqs-queue-kms",
  description: "SQS queues are encrypted at rest with a KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: { allowSqsManagedSse: { type: "boolean", default: SQS_KMS_DEFAULTS.allowSqsManagedSse } },
  },
  validateResource: validateResourceOfType(aws.sqs.Queue, (queue, args, report) => {
    const { allowSqsManagedSse } = configOf(args, SQS_KMS_DEFAULTS);
    if (isProvided(() => queue.kmsMasterKeyId)) return;
    if (allowSqsManagedSse && queue.sqsManagedSseEnabled === true) return;
    report(violation("The queue is not encrypted with KMS.", "set kmsMasterKeyId to an aws.kms.Key (and kmsDataKeyReusePeriodSeconds to limit KMS calls)."));
  }),
};

export const messagingPolicies = [snsTopicKms, sqsQueueKms];
