import * as aws from "@pulumi/aws";
import { type Unwrap } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { kmsKeyDeletionWindow, kmsKeyRotation } from "../../policies/kms";
import { snsSubscriptionDeadLetter, snsTopicKms, sqsQueueKms } from "../../policies/messaging";
import { resourceOf, runResourcePolicy } from "../helpers/policyHarness";
import { asPreview, UNKNOWN } from "../helpers/previewValues";

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const key = (overrides: Partial<Unwrap<aws.kms.KeyArgs>>) =>
  resourceOf(aws.kms.Key, { description: "cad data", enableKeyRotation: true, deletionWindowInDays: 30, ...overrides });

describe("kms-key-rotation", () => {
  it("passes a rotating symmetric key", async () => {
    expect((await runResourcePolicy(kmsKeyRotation, key({}))).violations).toEqual([]);
  });

  it.each([false, undefined])("flags enableKeyRotation %s", async (enableKeyRotation) => {
    expect((await runResourcePolicy(kmsKeyRotation, key({ enableKeyRotation }))).violations).toEqual([
      "Automatic key rotation is off. Remediation: set enableKeyRotation: true (optionally rotationPeriodInDays, 90-2560).",
    ]);
  });

  it("does not apply to asymmetric signing keys", async () => {
    const run = await runResourcePolicy(kmsKeyRotation, key({ enableKeyRotation: false, keyUsage: "SIGN_VERIFY", customerMasterKeySpec: "RSA_2048" }));
    expect(run).toMatchObject({ violations: [], notApplicable: "only symmetric encryption keys support automatic rotation" });
  });
});

describe("kms-key-deletion-window", () => {
  it("passes 30 days and the AWS default", async () => {
    expect((await runResourcePolicy(kmsKeyDeletionWindow, key({}))).violations).toEqual([]);
    expect((await runResourcePolicy(kmsKeyDeletionWindow, key({ deletionWindowInDays: undefined }))).violations).toEqual([]);
  });

  it("flags a short window, with the configured minimum", async () => {
    expect((await runResourcePolicy(kmsKeyDeletionWindow, key({ deletionWindowInDays: 7 }))).violations).toEqual([
      "deletionWindowInDays is 7, below the required 30. Remediation: set deletionWindowInDays to at least 30 (or omit it for AWS's 30).",
    ]);
    expect((await runResourcePolicy(kmsKeyDeletionWindow, key({ deletionWindowInDays: 7 }), { minimumDays: 7 })).violations).toEqual([]);
  });
});

describe("sns-topic-kms", () => {
  it("passes an encrypted topic", async () => {
    expect((await runResourcePolicy(snsTopicKms, resourceOf(aws.sns.Topic, { kmsMasterKeyId: KEY_ARN }))).violations).toEqual([]);
  });

  it("flags an unencrypted topic", async () => {
    expect((await runResourcePolicy(snsTopicKms, resourceOf(aws.sns.Topic, { displayName: "alerts" }))).violations).toEqual([
      expect.stringMatching(/^The topic is not encrypted with KMS\. Remediation: set kmsMasterKeyId/),
    ]);
  });
});

describe("sqs-queue-kms", () => {
  it("passes a KMS-encrypted queue", async () => {
    expect((await runResourcePolicy(sqsQueueKms, resourceOf(aws.sqs.Queue, { kmsMasterKeyId: KEY_ARN, kmsDataKeyReusePeriodSeconds: 300 }))).violations).toEqual([]);
  });

  it("flags an unencrypted queue", async () => {
    expect((await runResourcePolicy(sqsQueueKms, resourceOf(aws.sqs.Queue, { name: "dlq" }))).violations).toEqual([
      expect.stringMatching(/^The queue is not encrypted with KMS\. Remediation:/),
    ]);
  });

  it("flags SSE-SQS unless the config accepts it", async () => {
    const sseSqs = resourceOf(aws.sqs.Queue, { sqsManagedSseEnabled: true });
    expect((await runResourcePolicy(sqsQueueKms, sseSqs)).violations).toHaveLength(1);
    expect((await runResourcePolicy(sqsQueueKms, sseSqs, { allowSqsManagedSse: true })).violations).toEqual([]);
  });
});

describe("KMS references unknown during preview", () => {
  it("count as set for topics and queues (the key is created in the same update)", async () => {
    const topic = { type: "aws:sns/topic:Topic", props: asPreview({ kmsMasterKeyId: UNKNOWN }) };
    const queue = { type: "aws:sqs/queue:Queue", props: asPreview({ kmsMasterKeyId: UNKNOWN }) };
    expect((await runResourcePolicy(snsTopicKms, topic)).violations).toEqual([]);
    expect((await runResourcePolicy(sqsQueueKms, queue)).violations).toEqual([]);
  });
});

// Issue 16, item 9: an AWS-managed key encrypts, but its policy cannot let SNS (DLQ) or CloudWatch (topic) in.
describe("AWS-managed keys on topics and queues", () => {
  it.each(["alias/aws/sqs", "arn:aws:kms:eu-west-1:123456789012:alias/aws/sqs"])("sqs-queue-kms flags %s", async (kmsMasterKeyId) => {
    const run = await runResourcePolicy(sqsQueueKms, resourceOf(aws.sqs.Queue, { kmsMasterKeyId }));
    expect(run.violations).toEqual([expect.stringMatching(/^The queue is encrypted with the AWS-managed key .*alias\/aws\/sqs, whose policy SNS and EventBridge cannot use/)]);
    expect((await runResourcePolicy(sqsQueueKms, resourceOf(aws.sqs.Queue, { kmsMasterKeyId }), { allowAwsManagedKey: true })).violations).toEqual([]);
  });

  it("sns-topic-kms flags alias/aws/sns: CloudWatch alarms cannot publish to it", async () => {
    const run = await runResourcePolicy(snsTopicKms, resourceOf(aws.sns.Topic, { kmsMasterKeyId: "alias/aws/sns" }));
    expect(run.violations).toEqual([expect.stringMatching(/AWS-managed key alias\/aws\/sns, whose policy CloudWatch alarms cannot use/)]);
  });

  it("pass customer-managed aliases and keys", async () => {
    expect((await runResourcePolicy(sqsQueueKms, resourceOf(aws.sqs.Queue, { kmsMasterKeyId: "alias/cad-dev" }))).violations).toEqual([]);
    expect((await runResourcePolicy(snsTopicKms, resourceOf(aws.sns.Topic, { kmsMasterKeyId: KEY_ARN }))).violations).toEqual([]);
  });
});

describe("sns-subscription-dead-letter", () => {
  const TOPIC = "arn:aws:sns:eu-west-1:123456789012:cad-dev-alerts-topic";
  const subscription = (overrides: Partial<Unwrap<aws.sns.TopicSubscriptionArgs>>) =>
    resourceOf(aws.sns.TopicSubscription, { topic: TOPIC, protocol: "sqs", endpoint: "arn:aws:sqs:eu-west-1:123456789012:cad-dev-notify-pagerduty", rawMessageDelivery: true, ...overrides });

  it("passes a subscription with a dead-letter queue, also one unknown during preview", async () => {
    const redrivePolicy = JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:cad-dev-notify-pagerduty-dlq" });
    expect((await runResourcePolicy(snsSubscriptionDeadLetter, subscription({ redrivePolicy }))).violations).toEqual([]);
    const preview = { type: "aws:sns/topicSubscription:TopicSubscription", props: asPreview({ topic: TOPIC, protocol: "sqs", endpoint: UNKNOWN, redrivePolicy: UNKNOWN }) };
    expect((await runResourcePolicy(snsSubscriptionDeadLetter, preview)).violations).toEqual([]);
  });

  it("flags a subscription without one, naming its protocol", async () => {
    expect((await runResourcePolicy(snsSubscriptionDeadLetter, subscription({}))).violations).toEqual([
      expect.stringMatching(/^The sqs subscription has no dead-letter queue: SNS drops a message it could not deliver .* Remediation: set redrivePolicy/),
    ]);
  });
});
