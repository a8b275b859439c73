import { describe, expect, it } from "vitest";
import type { AwsScope, PolicyStatement } from "../../infra/iamDocuments";
import { alertTopicPolicy, deadLetterQueuePolicy, kmsKeyPolicy, lambdaAssumeRolePolicy, sageMakerAssumeRolePolicy, tlsOnlyBucketPolicy, topicDeliveryQueuePolicy } from "../../infra/resourcePolicies";

const scope: AwsScope = { partition: "aws-cn", region: "cn-north-1", accountId: "111122223333" };

describe("resource and trust policies", () => {
  // Issue 16, item 7: AWS's documented key-policy statement for alarms publishing to an encrypted topic has no
  // condition; alarm notifications carry no aws:SourceAccount, so a condition there silences every alarm.
  it("let CloudWatch alarms use the key exactly as AWS documents for encrypted topics: no condition", () => {
    const statements = kmsKeyPolicy(scope).Statement;
    const alarms = statements.filter((s) => JSON.stringify(s.Principal).includes("cloudwatch.amazonaws.com"));
    expect(alarms).toEqual([{ Sid: "CloudWatchAlarmsPublishToEncryptedTopic", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: ["*"] }]);
    // SNS delivering to the encrypted DLQ keeps its account condition.
    expect(statements.find((s) => s.Sid === "TopicDeliversToEncryptedQueue")?.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "111122223333" } });
  });

  it("build the account's root ARN and the log-group condition in the stack's partition and region", () => {
    const statements = kmsKeyPolicy(scope).Statement;
    expect(statements.find((s) => s.Sid === "AccountAdministersKeyThroughIam")?.Principal).toEqual({ AWS: "arn:aws-cn:iam::111122223333:root" });
    expect(statements.find((s) => s.Sid === "CloudWatchLogsEncryptsThisAccountsLogGroups")?.Condition).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws-cn:logs:cn-north-1:111122223333:log-group:*" } });
  });

  it("let only Lambda assume a function's role, and SageMaker its role only for this account", () => {
    expect(lambdaAssumeRolePolicy().Statement).toEqual([{ Sid: "AssumeByLambda", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] }]);
    const [sageMaker] = sageMakerAssumeRolePolicy("111122223333").Statement;
    expect(sageMaker.Principal).toEqual({ Service: "sagemaker.amazonaws.com" });
    expect(sageMaker.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "111122223333" } });
  });

  it("deny the bucket and the alert topic to requests without TLS", () => {
    const denies = (statements: readonly PolicyStatement[]) => statements.filter((s) => s.Effect === "Deny");
    expect(denies(tlsOnlyBucketPolicy("arn:aws-cn:s3:::b").Statement)).toEqual([
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: ["s3:*"], Resource: ["arn:aws-cn:s3:::b", "arn:aws-cn:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ]);
    const topic = alertTopicPolicy("arn:topic", "111122223333").Statement;
    expect(denies(topic).map((s) => [s.Action, s.Resource, s.Condition])).toEqual([[["sns:Publish"], ["arn:topic"], { Bool: { "aws:SecureTransport": "false" } }]]);
    expect(topic.find((s) => s.Effect === "Allow")?.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "111122223333" } });
  });

  it("let only the alert topic send to its queues", () => {
    for (const statement of [...deadLetterQueuePolicy("arn:dlq", "arn:topic").Statement, ...topicDeliveryQueuePolicy(["arn:q1", "arn:q2"], "arn:topic").Statement]) {
      expect(statement.Principal).toEqual({ Service: "sns.amazonaws.com" });
      expect(statement.Action).toEqual(["sqs:SendMessage"]);
      expect(statement.Condition).toEqual({ ArnEquals: { "aws:SourceArn": "arn:topic" } });
    }
    expect(topicDeliveryQueuePolicy(["arn:q1", "arn:q2"], "arn:topic").Statement[0].Resource).toEqual(["arn:q1", "arn:q2"]);
  });
});
