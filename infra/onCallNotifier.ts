/**
 * One on-call notifier (PagerDuty or Slack): the alert topic delivers to its own KMS-encrypted SQS queue (raw
 * delivery; what SNS cannot deliver is parked in the notifier's dead-letter queue), a Lambda consumes the queue
 * (runtime/lambda/notifyLambda.ts) with partial batch responses, and parks what it cannot deliver — at once for a
 * permanent refusal, after `maxAttempts` receives for a retryable one — in the same dead-letter queue, whose alarm
 * tells the topic. The tool's credential stays in Vault: a Vault policy that reads only this notifier's secret, and
 * an AWS auth role that hands it to this function's role only.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { NotifierKind } from "../runtime/lambda/notifyEnv";
import type { VaultConfig } from "./config";
import { deadLetterAlarm } from "./deadLetterAlarm";
import { notifierEnvironment } from "./functionEnvironment";
import { notifierPolicy, type AwsScope } from "./iamDocuments";
import { topicDeliveryQueuePolicy } from "./resourcePolicies";
import { ScheduledFunction, lambdaLogGroupName } from "./scheduledFunction";
import { readOnlySecretPolicy } from "./vaultSecrets";
import { visibilityTimeoutSeconds } from "./workQueue";

/** A notifier's Lambda timeout, seconds: a batch of 10 alerts with a 10 s timeout per request, and Vault. */
export const NOTIFIER_TIMEOUT_SECONDS = 120;

export interface OnCallNotifierArgs {
  readonly kind: NotifierKind;
  /** `cad-<environment>`: the function is `<prefix>-notify-<kind>`. */
  readonly namePrefix: string;
  readonly environment: string;
  readonly scope: pulumi.Input<AwsScope>;
  readonly vault: VaultConfig;
  /** The Vault provider that manages the policy and auth role. */
  readonly vaultProvider: vault.Provider;
  /** Path of the tool's secret in `vault.kvMount` (written by the operator). */
  readonly secretPath: string;
  readonly maxAttempts: number;
  /** PagerDuty only: the Events API v2 URL. */
  readonly eventsUrl?: string;
  readonly topicArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly layers: pulumi.Input<string>[];
  readonly logRetentionDays: number;
  /** Reserve the event source's maximum concurrency (2) for the worker (the stack's reserveConcurrency). */
  readonly reserveConcurrency: boolean;
}

export class OnCallNotifier extends pulumi.ComponentResource {
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly subscription: aws.sns.TopicSubscription;
  readonly worker: ScheduledFunction;
  readonly deadLetterAlarm: aws.cloudwatch.MetricAlarm;
  readonly vaultPolicy: vault.Policy;
  readonly vaultAuthRole: vault.aws.AuthBackendRole;

  constructor(name: string, args: OnCallNotifierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:notify:OnCallNotifier", name, {}, opts);
    if (!Number.isInteger(args.maxAttempts) || args.maxAttempts < 1 || args.maxAttempts > 20) throw new Error(`OnCallNotifier "${name}": maxAttempts must be 1-20, got ${args.maxAttempts}`);
    const functionName = `${args.namePrefix}-notify-${args.kind}`;
    const encryption = { kmsMasterKeyId: args.keyArn, kmsDataKeyReusePeriodSeconds: 300 };

    this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, { name: `${functionName}-dlq`, ...encryption, messageRetentionSeconds: 14 * 24 * 3600 }, { parent: this });
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: functionName,
        ...encryption,
        visibilityTimeoutSeconds: visibilityTimeoutSeconds(NOTIFIER_TIMEOUT_SECONDS),
        messageRetentionSeconds: 4 * 24 * 3600,
        // The worker parks a message itself at its maxAttempts-th receive, with the error; this redrive is the backstop
        // for receives that never reach the handler (a crash, a timeout).
        redrivePolicy: this.deadLetterQueue.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: args.maxAttempts + 1 })),
      },
      { parent: this },
    );
    const queuePolicies = [this.queue, this.deadLetterQueue].map(
      (queue, i) =>
        new aws.sqs.QueuePolicy(
          `${name}-${i === 0 ? "queue" : "dlq"}-policy`,
          { queueUrl: queue.url, policy: pulumi.all([queue.arn, args.topicArn]).apply(([arn, topic]) => JSON.stringify(topicDeliveryQueuePolicy([arn], topic))) },
          { parent: this },
        ),
    );
    this.subscription = new aws.sns.TopicSubscription(
      `${name}-subscription`,
      {
        topic: args.topicArn,
        protocol: "sqs",
        endpoint: this.queue.arn,
        // The alert's JSON is the SQS body itself (5 attributes, within raw delivery's 10).
        rawMessageDelivery: true,
        redrivePolicy: this.deadLetterQueue.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn })),
      },
      { parent: this, dependsOn: queuePolicies },
    );
    this.deadLetterAlarm = deadLetterAlarm(
      name,
      { queueName: this.deadLetterQueue.name, description: `Alerts ${args.kind} did not take are parked in ${functionName}-dlq (each with its error): fix the cause, then redrive.`, topicArn: args.topicArn },
      this,
    );

    const scope = pulumi.output(args.scope);
    this.worker = new ScheduledFunction(
      `${name}-worker`,
      {
        functionName,
        description: `Delivers incident alerts to ${args.kind === "pagerduty" ? "PagerDuty (Events API v2)" : "Slack (incoming webhook)"}`,
        entry: "notify",
        policy: pulumi
          .all([scope, args.bucketArn, args.keyArn, this.deadLetterQueue.arn, this.queue.arn])
          .apply(([s, bucketArn, keyArn, deadLetterQueueArn, queueArn]) =>
            notifierPolicy({ kind: args.kind, bucketArn, keyArn, deadLetterQueueArn, queueArn, logGroupArn: `arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:${lambdaLogGroupName(functionName)}` }),
          ),
        // Up to 10 alerts per invocation; two batches at most in flight (SQS's minimum): alerts are few, order matters.
        queue: { arn: this.queue.arn, batchSize: 10, maxConcurrency: 2 },
        ...(args.reserveConcurrency ? { reservedConcurrency: 2 } : {}),
        environment: notifierEnvironment<pulumi.Input<string>>(
          { environment: args.environment, vault: args.vault },
          {
            kind: args.kind,
            authRole: notifierAuthRole(args.vault.authRole, args.kind),
            secretPath: args.secretPath,
            maxAttempts: args.maxAttempts,
            bucketName: args.bucketName,
            queueUrl: this.queue.url,
            deadLetterQueueUrl: this.deadLetterQueue.url,
            ...(args.eventsUrl === undefined ? {} : { eventsUrl: args.eventsUrl }),
          },
        ),
        layers: args.layers,
        memorySizeMb: 256,
        timeoutSeconds: NOTIFIER_TIMEOUT_SECONDS,
        retryAttempts: 2,
        maximumEventAgeSeconds: 3600,
        deadLetterQueueArn: this.deadLetterQueue.arn,
        alarmTopicArn: args.topicArn,
        keyArn: args.keyArn,
        logRetentionDays: args.logRetentionDays,
      },
      { parent: this },
    );

    const children = { parent: this, provider: args.vaultProvider };
    this.vaultPolicy = new vault.Policy(
      `${name}-vault-policy`,
      { name: `${functionName}-read`, policy: readOnlySecretPolicy(args.vault.kvMount, args.secretPath) },
      children,
    );
    this.vaultAuthRole = new vault.aws.AuthBackendRole(
      `${name}-vault-role`,
      {
        backend: args.vault.authMount,
        role: notifierAuthRole(args.vault.authRole, args.kind),
        authType: "iam",
        boundIamPrincipalArns: [this.worker.role.arn],
        tokenPolicies: [this.vaultPolicy.name],
        tokenTtl: args.vault.tokenTtlSeconds,
        tokenMaxTtl: args.vault.tokenTtlSeconds,
      },
      children,
    );

    this.registerOutputs({ functionName: this.worker.function.name, queueUrl: this.queue.url, deadLetterQueueUrl: this.deadLetterQueue.url });
  }
}

/** The Vault auth role of one notifier: the stack's role name with the tool's suffix. */
export function notifierAuthRole(stackAuthRole: string, kind: NotifierKind): string {
  return `${stackAuthRole}-notify-${kind}`;
}
