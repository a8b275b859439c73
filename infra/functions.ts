/**
 * Functions: the collector and the detector as scheduled Lambdas, or with fan-out (the `fanOut` config) as workers
 * of their own FIFO work queues, each filled by a small scheduled planner with one message per service. Each runs a bundled entry
 * module (runtime/lambda/entries/*.ts) whose factory parses the environment set here once per cold start. Credentials
 * are not in that environment: the vault-lambda-extension layer logs in to Vault with the function's IAM role
 * and serves the secret on its local proxy (CAD_VAULT_PROXY_ADDRESS + CAD_VAULT_KV_MOUNT + CAD_VAULT_SECRET_PATH).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import type { FanOutConfig } from "./config";
import { collectorEnvironment, detectorEnvironment, plannerEnvironment, type FunctionSettings } from "./functionEnvironment";
import { collectorPolicy, detectorPolicy, ecsClusterArn, ecsServiceArn, plannerPolicy, type AwsScope } from "./iamDocuments";
import { ScheduledFunction, lambdaLogGroupName } from "./scheduledFunction";
import { WorkQueue } from "./workQueue";

/** The two kinds of work, each with its own planner, queue and worker under fan-out. */
type WorkKind = "collect" | "detect";

export interface FunctionsArgs {
  readonly scope: pulumi.Input<AwsScope>;
  /** The stack settings the functions run with (environment, services, sources, feature set, scorer, Vault…). */
  readonly settings: FunctionSettings;
  readonly schedules: { readonly collect: string; readonly detect: string };
  /**
   * The SageMaker endpoint: name, ARN and the training set version it serves (resolved once the endpoint is updated,
   * so that the detector follows only a model that was deployed). Required when the scorer is `sagemaker`.
   */
  readonly endpoint?: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string>; readonly trainingDataVersion: pulumi.Input<string> };
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  readonly topicArn: pulumi.Input<string>;
  readonly deadLetterQueueArn: pulumi.Input<string>;
  readonly deadLetterQueueUrl: pulumi.Input<string>;
  /** The HTTPS feedback action's function URL (stack config `feedbackUrl`), named in every alert; absent: not deployed. */
  readonly feedbackUrl?: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /**
   * Reserve concurrency 1 for each function, so that runs never overlap. AWS keeps 100 of an account's concurrency
   * unreserved: on an account whose quota is at most 100 (new accounts start at 10) no function can reserve any.
   */
  readonly reserveConcurrency: boolean;
  /** Whether the detector has a model to score with; its schedule stays disabled until it has (detectorReadiness.ts). */
  readonly detectorReady: pulumi.Input<boolean>;
  /** Fan out over SQS (planner → FIFO queue → worker) instead of one scheduled run over every service. */
  readonly fanOut?: FanOutConfig;
}

/** ARN of HashiCorp's vault-lambda-extension layer (x86_64) in a region. */
export function vaultExtensionLayerArn(scope: AwsScope, version: number): string {
  return `arn:${scope.partition}:lambda:${scope.region}:634166935893:layer:vault-lambda-extension:${version}`;
}

function logGroupArn(scope: AwsScope, functionName: string): string {
  return `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${lambdaLogGroupName(functionName)}`;
}

export class Functions extends pulumi.ComponentResource {
  readonly collector: ScheduledFunction;
  readonly detector: ScheduledFunction;
  /** With fan-out: the planners and the work queues, per kind. */
  readonly fanOut?: { readonly planners: Readonly<Record<WorkKind, ScheduledFunction>>; readonly queues: Readonly<Record<WorkKind, WorkQueue>> };
  /** The schedule that starts detection: the detector's, or with fan-out the detect planner's. */
  readonly detectSchedule: aws.cloudwatch.EventRule;
  /** Execution role ARNs of both functions: exactly the principals Vault's auth role accepts. */
  readonly roleArns: pulumi.Output<string[]>;

  constructor(name: string, args: FunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:functions:Functions", name, {}, opts);
    const settings = args.settings;
    if (settings.scorer === "sagemaker" && args.endpoint === undefined) {
      throw new Error(`Functions "${name}": the sagemaker scorer needs the endpoint's name and ARN`);
    }
    const scope = pulumi.output(args.scope);
    const collectName = `cad-${settings.environment}-collect`;
    const detectName = `cad-${settings.environment}-detect`;
    const layerArn = settings.vault.extensionLayerArn;
    const layers = [layerArn ?? scope.apply((s) => vaultExtensionLayerArn(s, settings.vault.extensionVersion))];
    const shared = {
      layers,
      keyArn: args.keyArn,
      deadLetterQueueArn: args.deadLetterQueueArn,
      alarmTopicArn: args.topicArn,
      logRetentionDays: args.logRetentionDays,
      // A scheduled run that failed twice is parked in the DLQ; the next schedule covers new data anyway.
      retryAttempts: 2 as const,
      maximumEventAgeSeconds: 3600,
    };
    // Scheduled runs never overlap; a worker's parallelism is its event source mapping's maximum concurrency.
    const reserved = args.reserveConcurrency ? { reservedConcurrency: 1 } : {};
    const fanOut = args.fanOut;
    const timeouts: Record<WorkKind, number> = { collect: 120, detect: 240 };
    // With discovery: the clusters the planners list and whose services the detector may scale.
    const clusterArns = (s: AwsScope) => (settings.discovery?.clusters ?? []).map((c) => ecsClusterArn(s, c));
    const queues = fanOut
      ? {
          collect: new WorkQueue(`${name}-collect-work`, { queueName: `${collectName}-work`, keyArn: args.keyArn, workerTimeoutSeconds: timeouts.collect, maxReceiveCount: fanOut.maxReceiveCount, alarmTopicArn: args.topicArn }, { parent: this }),
          detect: new WorkQueue(`${name}-detect-work`, { queueName: `${detectName}-work`, keyArn: args.keyArn, workerTimeoutSeconds: timeouts.detect, maxReceiveCount: fanOut.maxReceiveCount, alarmTopicArn: args.topicArn }, { parent: this }),
        }
      : undefined;
    const trigger = (kind: WorkKind) =>
      fanOut && queues
        ? {
            queue: { arn: queues[kind].queue.arn, batchSize: fanOut.batchSize, maxConcurrency: fanOut.maxConcurrency },
            // AWS: a worker's reservation must cover its event source's maximum concurrency, or Lambda throttles it.
            ...(args.reserveConcurrency ? { reservedConcurrency: fanOut.maxConcurrency } : {}),
          }
        : { schedule: args.schedules[kind], ...reserved };

    this.collector = new ScheduledFunction(
      `${name}-collect`,
      {
        ...shared,
        functionName: collectName,
        description: "Collects container metrics from Splunk / Dynatrace into S3 windows",
        entry: queues ? "collectWorker" : "collect",
        policy: pulumi
          .all([scope, args.bucketArn, args.keyArn, args.deadLetterQueueArn, queues?.collect.queue.arn])
          .apply(([s, bucketArn, keyArn, deadLetterQueueArn, workQueueArn]) =>
            collectorPolicy({ bucketArn, keyArn, deadLetterQueueArn, logGroupArn: logGroupArn(s, collectName), ...(workQueueArn === undefined ? {} : { workQueueArn }) }),
          ),
        ...trigger("collect"),
        environment: collectorEnvironment(settings, { bucketName: args.bucketName }),
        memorySizeMb: 512,
        timeoutSeconds: 120,
      },
      { parent: this },
    );

    const endpoint = settings.scorer === "sagemaker" ? args.endpoint : undefined;
    this.detector = new ScheduledFunction(
      `${name}-detect`,
      {
        ...shared,
        functionName: detectName,
        description: "Scores container metrics, raises incidents, alerts and scales ECS services",
        // Reads live metrics from the same sources as the collector (Splunk / Dynatrace).
        entry: queues ? "detectWorker" : "detect",
        policy: pulumi
          .all([scope, args.bucketArn, args.keyArn, args.deadLetterQueueArn, args.topicArn, endpoint?.arn, endpoint?.trainingDataVersion, queues?.detect.queue.arn])
          .apply(([s, bucketArn, keyArn, deadLetterQueueArn, topicArn, endpointArn, trainingDataVersion, workQueueArn]) =>
            detectorPolicy({
              scope: s,
              bucketArn,
              keyArn,
              deadLetterQueueArn,
              topicArn,
              logGroupArn: logGroupArn(s, detectName),
              serviceArns: settings.services.map((svc) => ecsServiceArn(s, svc.cluster, svc.service)),
              ...(settings.discovery ? { clusterArns: clusterArns(s) } : {}),
              ...(endpointArn === undefined || trainingDataVersion === undefined ? {} : { endpointArn, trainingDataVersion }),
              ...(workQueueArn === undefined ? {} : { workQueueArn }),
            }),
          ),
        ...trigger("detect"),
        ...(queues ? {} : { enabled: args.detectorReady }),
        environment: detectorEnvironment<pulumi.Input<string>>(settings, {
          bucketName: args.bucketName,
          topicArn: args.topicArn,
          deadLetterQueueUrl: args.deadLetterQueueUrl,
          ...(args.feedbackUrl === undefined ? {} : { feedbackUrl: args.feedbackUrl }),
          ...(endpoint === undefined ? {} : { endpoint: { name: endpoint.name, trainingDataVersion: endpoint.trainingDataVersion } }),
        }),
        memorySizeMb: 1024,
        timeoutSeconds: 240,
      },
      { parent: this },
    );

    if (queues) {
      const planner = (kind: WorkKind) => {
        const functionName = `cad-${settings.environment}-${kind}-plan`;
        return new ScheduledFunction(
          `${name}-${kind}-plan`,
          {
            ...shared,
            ...reserved,
            layers: [],
            functionName,
            description: `Plans the ${kind} work: one message per ${settings.discovery ? "configured or listed " : ""}service on ${kind === "collect" ? collectName : detectName}-work.fifo`,
            entry: "plan",
            policy: pulumi
              .all([scope, args.keyArn, args.deadLetterQueueArn, queues[kind].queue.arn])
              .apply(([s, keyArn, deadLetterQueueArn, workQueueArn]) =>
                plannerPolicy({ keyArn, deadLetterQueueArn, workQueueArn, logGroupArn: logGroupArn(s, functionName), ...(settings.discovery ? { clusterArns: clusterArns(s) } : {}) }),
              ),
            schedule: args.schedules[kind],
            ...(kind === "detect" ? { enabled: args.detectorReady } : {}),
            environment: plannerEnvironment(settings, kind, { queueUrl: queues[kind].queue.url }),
            memorySizeMb: 256,
            timeoutSeconds: 60,
          },
          { parent: this },
        );
      };
      this.fanOut = { planners: { collect: planner("collect"), detect: planner("detect") }, queues };
    }
    const detectSchedule = (this.fanOut?.planners.detect ?? this.detector).schedule;
    if (!detectSchedule) throw new Error(`Functions "${name}": no schedule starts detection`);
    this.detectSchedule = detectSchedule;

    // The workers (or scheduled functions) read Vault; the planners never do.
    this.roleArns = pulumi.all([this.collector.role.arn, this.detector.role.arn]);
    this.registerOutputs({ collectorName: this.collector.function.name, detectorName: this.detector.function.name, roleArns: this.roleArns });
  }
}
