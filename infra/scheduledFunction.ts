/**
 * One Lambda with everything it needs to run safely: its own role with an explicit inline policy
 * (no managed policies), a KMS-encrypted log group with retention, the function itself (its entry module bundled
 * into one index.js by lambdaBundle.ts; the module's load is the cold start), async-invocation limits with the dead-letter queue
 * as on-failure destination, an alarm on errors, and its trigger: an EventBridge schedule, or (a fan-out worker)
 * an SQS event source mapping with partial batch responses and a maximum concurrency.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type PolicyDocument } from "./iamDocuments";
import { BUNDLE_HANDLER, lambdaCode, type LambdaEntry } from "./lambdaBundle";
import { lambdaAssumeRolePolicy } from "./resourcePolicies";

/** The Lambda runtime of both functions. */
export const LAMBDA_RUNTIME = aws.lambda.Runtime.NodeJS24dX;

/** How a worker consumes its queue. */
export interface QueueTrigger {
  readonly arn: pulumi.Input<string>;
  /** Messages per invocation (1–10 on a FIFO queue). */
  readonly batchSize: number;
  /** The event source mapping's maximum concurrency (2–1000): the only bound on parallel workers. */
  readonly maxConcurrency: number;
}

/** Async-invocation retries allowed by Lambda (0–2). */
export type RetryAttempts = 0 | 1 | 2;

export interface ScheduledFunctionArgs {
  /** Physical function name; the log group is `/aws/lambda/<functionName>`. At most 64 characters. */
  readonly functionName: string;
  readonly description: string;
  /** The entry module under runtime/lambda/entries/ whose `handler` the function runs (bundled with what it imports). */
  readonly entry: LambdaEntry;
  /** The role's complete inline policy (build it with the functions of iamDocuments.ts). */
  readonly policy: pulumi.Input<PolicyDocument>;
  /** EventBridge schedule expression (validated by the config); unset for a queue worker. */
  readonly schedule?: string;
  /** A fan-out worker's queue: consumed through an event source mapping instead of a schedule. */
  readonly queue?: QueueTrigger;
  /** An HTTPS function URL instead: only IAM-authenticated callers with lambda:InvokeFunctionUrl reach it. */
  readonly url?: { readonly authorizationType: "AWS_IAM" };
  /** Whether the schedule runs the function; default true. */
  readonly enabled?: pulumi.Input<boolean>;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly layers: pulumi.Input<string>[];
  readonly memorySizeMb: number;
  /** Hard limit of one invocation, seconds. */
  readonly timeoutSeconds: number;
  /**
   * Reserved concurrency; 1 makes runs strictly sequential. Unset: unreserved. AWS refuses a reservation that would
   * leave less than 100 of the account's concurrency unreserved.
   */
  readonly reservedConcurrency?: number;
  readonly retryAttempts: RetryAttempts;
  /** Events older than this are dropped to the DLQ instead of retried, seconds (60–21600). */
  readonly maximumEventAgeSeconds: number;
  readonly deadLetterQueueArn: pulumi.Input<string>;
  /** Topic the error alarm notifies. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** Encrypts the log group and the function's environment variables. */
  readonly keyArn: pulumi.Input<string>;
  /** CloudWatch Logs retention (one of the values CloudWatch accepts). */
  readonly logRetentionDays: number;
}

/** The log group Lambda writes to for a function name. */
export function lambdaLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

export class ScheduledFunction extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly function: aws.lambda.Function;
  /** The schedule, for a scheduled function. */
  readonly schedule?: aws.cloudwatch.EventRule;
  /** The queue's event source mapping, for a worker. */
  readonly eventSourceMapping?: aws.lambda.EventSourceMapping;
  /** The function URL, for an HTTPS action. */
  readonly url?: aws.lambda.FunctionUrl;
  readonly errorAlarm: aws.cloudwatch.MetricAlarm;

  constructor(name: string, args: ScheduledFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:functions:ScheduledFunction", name, {}, opts);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(args.functionName)) {
      throw new Error(`ScheduledFunction "${name}": functionName must be 1-64 letters, digits, '-' or '_', got "${args.functionName}"`);
    }
    if (args.timeoutSeconds < 1 || args.timeoutSeconds > 900) throw new Error(`ScheduledFunction "${name}": timeoutSeconds must be 1-900, got ${args.timeoutSeconds}`);
    if (args.maximumEventAgeSeconds < 60 || args.maximumEventAgeSeconds > 21_600) {
      throw new Error(`ScheduledFunction "${name}": maximumEventAgeSeconds must be 60-21600, got ${args.maximumEventAgeSeconds}`);
    }
    if ([args.schedule, args.queue, args.url].filter((t) => t !== undefined).length !== 1) throw new Error(`ScheduledFunction "${name}": give exactly one trigger, a schedule, a queue or a url`);
    if (args.queue) checkQueueTrigger(name, args.queue, args.reservedConcurrency);

    this.role = new aws.iam.Role(
      `${name}-role`,
      { description: `Execution role of ${args.functionName}`, assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()) },
      { parent: this },
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: this.role.id, policy: pulumi.output(args.policy).apply((p) => JSON.stringify(p)) },
      { parent: this },
    );
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: lambdaLogGroupName(args.functionName), retentionInDays: args.logRetentionDays, kmsKeyId: args.keyArn },
      { parent: this },
    );

    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        name: args.functionName,
        description: args.description,
        code: lambdaCode(args.entry),
        handler: BUNDLE_HANDLER,
        role: this.role.arn,
        // nodejs22.x reaches end of life in April 2027; nodejs24.x is supported until 2028 and ships the AWS SDK v3.
        runtime: LAMBDA_RUNTIME,
        architectures: ["x86_64"],
        memorySize: args.memorySizeMb,
        timeout: args.timeoutSeconds,
        ...(args.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: args.reservedConcurrency }),
        environment: { variables: args.environment },
        kmsKeyArn: args.keyArn,
        layers: args.layers,
        loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      },
      // The role must be able to write logs and reach the DLQ before the first invocation.
      { parent: this, dependsOn: [rolePolicy, this.logGroup] },
    );

    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: this.function.name,
        maximumRetryAttempts: args.retryAttempts,
        maximumEventAgeInSeconds: args.maximumEventAgeSeconds,
        destinationConfig: { onFailure: { destination: args.deadLetterQueueArn } },
      },
      { parent: this },
    );

    if (args.queue) {
      this.eventSourceMapping = new aws.lambda.EventSourceMapping(
        `${name}-queue`,
        {
          eventSourceArn: args.queue.arn,
          functionName: this.function.arn,
          batchSize: args.queue.batchSize,
          // Only the messages the worker names are retried; the rest of the batch is deleted.
          functionResponseTypes: ["ReportBatchItemFailures"],
          scalingConfig: { maximumConcurrency: args.queue.maxConcurrency },
        },
        { parent: this, dependsOn: [rolePolicy] },
      );
    }
    if (args.url) {
      this.url = new aws.lambda.FunctionUrl(`${name}-url`, { functionName: this.function.name, authorizationType: args.url.authorizationType }, { parent: this, dependsOn: [rolePolicy] });
    }
    if (args.schedule !== undefined) {
      const schedule = args.schedule;
      this.schedule = new aws.cloudwatch.EventRule(
        `${name}-schedule`,
        {
          description: `Runs ${args.functionName} on ${schedule}`,
          scheduleExpression: schedule,
          state: pulumi.output(args.enabled ?? true).apply((enabled) => (enabled ? "ENABLED" : "DISABLED")),
        },
        { parent: this },
      );
      const permission = new aws.lambda.Permission(
        `${name}-invoke`,
        { action: "lambda:InvokeFunction", function: this.function.name, principal: "events.amazonaws.com", sourceArn: this.schedule.arn },
        { parent: this },
      );
      new aws.cloudwatch.EventTarget(
        `${name}-target`,
        { rule: this.schedule.name, arn: this.function.arn },
        { parent: this, dependsOn: [permission] },
      );
    }

    this.errorAlarm = new aws.cloudwatch.MetricAlarm(
      `${name}-errors`,
      {
        alarmDescription: `${args.functionName} failed (see its log group ${lambdaLogGroupName(args.functionName)})`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: this.function.name },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [args.alarmTopicArn],
        okActions: [args.alarmTopicArn],
      },
      { parent: this },
    );

    this.registerOutputs({ functionName: this.function.name, functionArn: this.function.arn, roleArn: this.role.arn });
  }
}

/** Refuses a queue trigger Lambda would refuse or throttle: batch size past FIFO's 10, concurrency past the reservation. */
function checkQueueTrigger(name: string, queue: QueueTrigger, reservedConcurrency: number | undefined): void {
  if (!Number.isInteger(queue.batchSize) || queue.batchSize < 1 || queue.batchSize > 10) throw new Error(`ScheduledFunction "${name}": queue.batchSize must be 1-10 (a FIFO queue's limit), got ${queue.batchSize}`);
  if (!Number.isInteger(queue.maxConcurrency) || queue.maxConcurrency < 2 || queue.maxConcurrency > 1000) throw new Error(`ScheduledFunction "${name}": queue.maxConcurrency must be 2-1000, got ${queue.maxConcurrency}`);
  if (reservedConcurrency !== undefined && reservedConcurrency < queue.maxConcurrency) {
    throw new Error(`ScheduledFunction "${name}": reserved concurrency ${reservedConcurrency} is below the queue's maximum concurrency ${queue.maxConcurrency}; Lambda would throttle the worker`);
  }
}
