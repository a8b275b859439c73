/**
 * Functions: the collector and the detector as scheduled Lambdas. Each runs a runtime entry module
 * (runtime/lambda/*Lambda.ts) whose factory parses the environment set here once per cold start. Credentials
 * are not in that environment: the vault-lambda-extension layer logs in to Vault with the function's IAM role
 * and serves the secret on its local proxy (CAD_VAULT_PROXY_ADDRESS + CAD_VAULT_KV_MOUNT + CAD_VAULT_SECRET_PATH).
 */
import * as pulumi from "@pulumi/pulumi";
import { createCollectHandler } from "../runtime/lambda/collectLambda";
import { createDetectHandler } from "../runtime/lambda/detectLambda";
import { collectorEnvironment, detectorEnvironment, type FunctionSettings } from "./functionEnvironment";
import { collectorPolicy, detectorPolicy, ecsServiceArn, type AwsScope } from "./iamDocuments";
import { ScheduledFunction, lambdaLogGroupName } from "./scheduledFunction";

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
  readonly logRetentionDays: number;
  /**
   * Reserve concurrency 1 for each function, so that runs never overlap. AWS keeps 100 of an account's concurrency
   * unreserved: on an account whose quota is at most 100 (new accounts start at 10) no function can reserve any.
   */
  readonly reserveConcurrency: boolean;
  /** Whether the detector has a model to score with; its schedule stays disabled until it has (detectorReadiness.ts). */
  readonly detectorReady: pulumi.Input<boolean>;
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
      ...(args.reserveConcurrency ? { reservedConcurrency: 1 } : {}),
    };

    this.collector = new ScheduledFunction(
      `${name}-collect`,
      {
        ...shared,
        functionName: collectName,
        description: "Collects container metrics from Splunk / Dynatrace into S3 windows",
        callbackFactory: () => createCollectHandler(),
        policy: pulumi
          .all([scope, args.bucketArn, args.keyArn, args.deadLetterQueueArn])
          .apply(([s, bucketArn, keyArn, deadLetterQueueArn]) => collectorPolicy({ bucketArn, keyArn, deadLetterQueueArn, logGroupArn: logGroupArn(s, collectName) })),
        schedule: args.schedules.collect,
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
        callbackFactory: () => createDetectHandler(),
        policy: pulumi
          .all([scope, args.bucketArn, args.keyArn, args.deadLetterQueueArn, args.topicArn, endpoint?.arn, endpoint?.trainingDataVersion])
          .apply(([s, bucketArn, keyArn, deadLetterQueueArn, topicArn, endpointArn, trainingDataVersion]) =>
            detectorPolicy({
              scope: s,
              bucketArn,
              keyArn,
              deadLetterQueueArn,
              topicArn,
              logGroupArn: logGroupArn(s, detectName),
              serviceArns: settings.services.map((svc) => ecsServiceArn(s, svc.cluster, svc.service)),
              ...(endpointArn === undefined || trainingDataVersion === undefined ? {} : { endpointArn, trainingDataVersion }),
            }),
          ),
        schedule: args.schedules.detect,
        enabled: args.detectorReady,
        environment: detectorEnvironment<pulumi.Input<string>>(settings, {
          bucketName: args.bucketName,
          topicArn: args.topicArn,
          deadLetterQueueUrl: args.deadLetterQueueUrl,
          ...(endpoint === undefined ? {} : { endpoint: { name: endpoint.name, trainingDataVersion: endpoint.trainingDataVersion } }),
        }),
        memorySizeMb: 1024,
        timeoutSeconds: 240,
      },
      { parent: this },
    );

    this.roleArns = pulumi.all([this.collector.role.arn, this.detector.role.arn]);
    this.registerOutputs({ collectorName: this.collector.function.name, detectorName: this.detector.function.name, roleArns: this.roleArns });
  }
}
