/**
 * The trust policies of the stack's roles and the policies attached to its resources (the KMS key, the bucket,
 * the alert topic, the queues), as small pure functions of plain ARNs like the role policies in iamDocuments.ts.
 */
import { policyDocument as doc, type AwsScope, type PolicyDocument, type PolicyStatement } from "./iamDocuments";

/** Trust policy letting Lambda assume a function's role. */
export function lambdaAssumeRolePolicy(): PolicyDocument {
  return doc({ Sid: "AssumeByLambda", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] });
}

/** Trust policy letting SageMaker assume the execution role, only on behalf of this account (confused-deputy guard). */
export function sageMakerAssumeRolePolicy(accountId: string): PolicyDocument {
  return doc({
    Sid: "AssumeBySageMaker",
    Effect: "Allow",
    Principal: { Service: "sagemaker.amazonaws.com" },
    Action: ["sts:AssumeRole"],
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  });
}

/**
 * Key policy of the stack's customer-managed key: the account administers it through IAM (the AWS default
 * statement, so IAM policies can grant use), and the services that encrypt on our behalf without an IAM role may
 * use it: CloudWatch Logs for this account's log groups, SNS (delivering undeliverable alerts to the encrypted DLQ)
 * on behalf of this account, and CloudWatch alarms publishing to the encrypted topic — with exactly the statement
 * AWS documents for alarms and encrypted topics, without a condition: alarm notifications carry no
 * `aws:SourceAccount`, and a condition there is reported to stop every alarm from reaching the topic.
 */
export function kmsKeyPolicy(scope: AwsScope): PolicyDocument {
  const root = `arn:${scope.partition}:iam::${scope.accountId}:root`;
  const useKey = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
  return doc(
    { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: root }, Action: ["kms:*"], Resource: ["*"] },
    {
      Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${scope.region}.amazonaws.com` },
      Action: useKey,
      Resource: ["*"],
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:*` } },
    },
    {
      Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: ["*"],
    },
    {
      Sid: "TopicDeliversToEncryptedQueue",
      Effect: "Allow",
      Principal: { Service: "sns.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: ["*"],
      Condition: { StringEquals: { "aws:SourceAccount": scope.accountId } },
    },
  );
}

/** The statement denying `actions` on `resources` to any request that does not use TLS. */
function denyInsecureTransport(actions: string[], resources: string[]): PolicyStatement {
  return { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: actions, Resource: resources, Condition: { Bool: { "aws:SecureTransport": "false" } } };
}

/** Denies every request to the bucket that does not use TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return doc(denyInsecureTransport(["s3:*"], [bucketArn, `${bucketArn}/*`]));
}

/** Lets CloudWatch alarms of this account publish to the alert topic; denies publishing without TLS. */
export function alertTopicPolicy(topicArn: string, accountId: string): PolicyDocument {
  return doc(
    {
      Sid: "AlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["sns:Publish"],
      Resource: [topicArn],
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
    denyInsecureTransport(["sns:Publish"], [topicArn]),
  );
}

/** Lets the alert topic park undeliverable messages in the dead-letter queue. */
export function deadLetterQueuePolicy(queueArn: string, topicArn: string): PolicyDocument {
  return doc({
    Sid: "TopicRedrive",
    Effect: "Allow",
    Principal: { Service: "sns.amazonaws.com" },
    Action: ["sqs:SendMessage"],
    Resource: [queueArn],
    Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
  });
}

/** Lets the alert topic (and only it) deliver to a notifier's queue and park what it cannot deliver in its DLQ. */
export function topicDeliveryQueuePolicy(queueArns: readonly string[], topicArn: string): PolicyDocument {
  return doc({
    Sid: "TopicDelivers",
    Effect: "Allow",
    Principal: { Service: "sns.amazonaws.com" },
    Action: ["sqs:SendMessage"],
    Resource: [...queueArns],
    Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
  });
}
