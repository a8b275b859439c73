/**
 * SNS and SQS: topics and queues are encrypted at rest with a customer-managed KMS key. An AWS-managed key
 * (`alias/aws/sns`, `alias/aws/sqs`) encrypts too, but its key policy cannot be changed: CloudWatch alarms cannot
 * publish to a topic under `alias/aws/sns`, and SNS cannot deliver to a queue under `alias/aws/sqs`, so alerts and
 * dead letters would be lost silently. SNS subscriptions park what they cannot deliver in a dead-letter queue.
 */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";
import { isProvided, readKnown } from "./lib/known";

/** True for an AWS-managed key, by alias (`alias/aws/sqs`) or alias ARN. */
export function isAwsManagedKeyReference(keyId: unknown): boolean {
  return typeof keyId === "string" && /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:)?alias\/aws\//.test(keyId);
}

interface ManagedKeyConfig {
  /** Accept an AWS-managed key (alias/aws/…), for a topic or queue no AWS service needs to write to. */
  allowAwsManagedKey: boolean;
}
const MANAGED_KEY_DEFAULTS: ManagedKeyConfig = { allowAwsManagedKey: false };
const managedKeySchema = { allowAwsManagedKey: { type: "boolean" as const, default: MANAGED_KEY_DEFAULTS.allowAwsManagedKey } };

export const snsTopicKms: ResourceValidationPolicy = {
  name: "sns-topic-kms",
  description: "SNS topics are encrypted at rest with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: { properties: managedKeySchema },
  validateResource: validateResourceOfType(aws.sns.Topic, (topic, args, report) => {
    // A key created in the same update is unknown during preview: it still counts as set.
    if (!isProvided(() => topic.kmsMasterKeyId)) {
      report(violation("The topic is not encrypted with KMS.", "set kmsMasterKeyId to an aws.kms.Key (its key policy must let the publishers, e.g. cloudwatch.amazonaws.com, use it)."));
    } else if (!configOf(args, MANAGED_KEY_DEFAULTS).allowAwsManagedKey && isAwsManagedKeyReference(readKnown(() => topic.kmsMasterKeyId))) {
      report(violation(
        `The topic is encrypted with the AWS-managed key ${String(topic.kmsMasterKeyId)}, whose policy CloudWatch alarms cannot use.`,
        "set kmsMasterKeyId to a customer-managed aws.kms.Key whose policy lets cloudwatch.amazonaws.com use it.",
      ));
    }
  }),
};

interface SqsKmsConfig extends ManagedKeyConfig {
  /** Accept SQS-managed SSE (SSE-SQS) instead of a KMS key. */
  allowSqsManagedSse: boolean;
}
const SQS_KMS_DEFAULTS: SqsKmsConfig = { ...MANAGED_KEY_DEFAULTS, allowSqsManagedSse: false };

export const sqsQueueKms: ResourceValidationPolicy = {
  name: "sqs-queue-kms",
  description: "SQS queues are encrypted at rest with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: { ...managedKeySchema, allowSqsManagedSse: { type: "boolean", default: SQS_KMS_DEFAULTS.allowSqsManagedSse } },
  },
  validateResource: validateResourceOfType(aws.sqs.Queue, (queue, args, report) => {
    const { allowSqsManagedSse, allowAwsManagedKey } = configOf(args, SQS_KMS_DEFAULTS);
    if (isProvided(() => queue.kmsMasterKeyId)) {
      if (!allowAwsManagedKey && isAwsManagedKeyReference(readKnown(() => queue.kmsMasterKeyId))) {
        report(violation(
          `The queue is encrypted with the AWS-managed key ${String(queue.kmsMasterKeyId)}, whose policy SNS and EventBridge cannot use: messages sent to it are lost.`,
          "set kmsMasterKeyId to a customer-managed aws.kms.Key whose policy lets the senders (e.g. sns.amazonaws.com) use it.",
        ));
      }
      return;
    }
    if (allowSqsManagedSse && queue.sqsManagedSseEnabled === true) return;
    report(violation("The queue is not encrypted with KMS.", "set kmsMasterKeyId to an aws.kms.Key (and kmsDataKeyReusePeriodSeconds to limit KMS calls)."));
  }),
};

export const snsSubscriptionDeadLetter: ResourceValidationPolicy = {
  name: "sns-subscription-dead-letter",
  description: "SNS subscriptions have a dead-letter queue (redrivePolicy): a message SNS cannot deliver is parked, not dropped.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: validateResourceOfType(aws.sns.TopicSubscription, (subscription, _args, report) => {
    // A queue created in the same update is unknown during preview: the policy still counts as set.
    if (!isProvided(() => subscription.redrivePolicy)) {
      report(violation(
        `The ${String(subscription.protocol)} subscription has no dead-letter queue: SNS drops a message it could not deliver after its retries (for an SQS endpoint, e.g. when the queue's key policy refuses it).`,
        "set redrivePolicy to {\"deadLetterTargetArn\": <an SQS queue whose policy lets sns.amazonaws.com send from this topic>}.",
      ));
    }
  }),
};

export const messagingPolicies = [snsTopicKms, sqsQueueKms, snsSubscriptionDeadLetter];
