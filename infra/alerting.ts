/**
 * Alerting: the incident topic (KMS-encrypted) with the configured subscriptions, and the dead-letter queue
 * (KMS-encrypted) that catches both undeliverable topic messages and the Lambdas' failed async invocations.
 * An alarm on the queue's depth tells the topic when anything lands there.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlertSubscription } from "./config";
import { alertTopicPolicy, deadLetterQueuePolicy } from "./resourcePolicies";
import { deadLetterAlarm } from "./deadLetterAlarm";

export interface AlertingArgs {
  /** ARN of the customer-managed key that encrypts the topic and the queue. */
  readonly keyArn: pulumi.Input<string>;
  /** Account id: the topic policy lets only this account's alarms publish. */
  readonly accountId: pulumi.Input<string>;
  /** Subscriptions to create (e-mail ones stay pending until confirmed by the recipient). */
  readonly subscriptions: readonly AlertSubscription[];
  /** How long failed messages stay in the dead-letter queue, seconds. Default 14 days (the SQS maximum). */
  readonly deadLetterRetentionSeconds?: number;
}

export class Alerting extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly deadLetterQueue: aws.sqs.Queue;
  /** Fires when the dead-letter queue holds any message. */
  readonly deadLetterAlarm: aws.cloudwatch.MetricAlarm;

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:alerting:Alerting", name, {}, opts);
    const retention = args.deadLetterRetentionSeconds ?? 14 * 24 * 3600;
    if (!Number.isInteger(retention) || retention < 60 || retention > 1_209_600) {
      throw new Error(`Alerting "${name}": deadLetterRetentionSeconds must be 60 to 1209600 seconds, got ${retention}`);
    }

    this.topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: args.keyArn }, { parent: this });
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      { arn: this.topic.arn, policy: pulumi.all([this.topic.arn, args.accountId]).apply(([arn, account]) => JSON.stringify(alertTopicPolicy(arn, account))) },
      { parent: this },
    );

    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      { kmsMasterKeyId: args.keyArn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: retention },
      { parent: this },
    );
    new aws.sqs.QueuePolicy(
      `${name}-dlq-policy`,
      {
        queueUrl: this.deadLetterQueue.url,
        policy: pulumi.all([this.deadLetterQueue.arn, this.topic.arn]).apply(([queue, topic]) => JSON.stringify(deadLetterQueuePolicy(queue, topic))),
      },
      { parent: this },
    );

    const redrivePolicy = this.deadLetterQueue.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn }));
    args.subscriptions.forEach((subscription, i) => {
      new aws.sns.TopicSubscription(
        `${name}-subscription-${i}`,
        { topic: this.topic.arn, protocol: subscription.protocol, endpoint: subscription.endpoint, redrivePolicy },
        { parent: this },
      );
    });

    this.deadLetterAlarm = deadLetterAlarm(name, { queueName: this.deadLetterQueue.name, description: "Messages in the dead-letter queue: an alert or a scheduled run failed for good. Inspect and redrive.", topicArn: this.topic.arn }, this);

    this.registerOutputs({ topicArn: this.topic.arn, deadLetterQueueUrl: this.deadLetterQueue.url });
  }
}
