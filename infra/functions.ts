/**
 * Functions: the collector and the detector as scheduled Lambdas. Each runs a runtime entry module
 * (runtime/lambda/*Lambda.ts) whose factory parses the environment set here once per cold start. Credentials
 * are not in that environment: the vault-lambda-extension layer logs in to Vault with the function's IAM role
 * and serves the secret on its local proxy (CAD_VAULT_PROXY_ADDRESS + CAD_VAULT_KV_MOUNT + CAD_VAULT_SECRET_PATH).
 */
import * as pulumi from "@pulumi/pulumi";
import type { FeatureSet } from "../runtime/features/featureSet";
import { createCollectHandler } from "../runtime/lambda/collectLambda";
import { createDetectHandler } from "../runtime/lambda/detectLambda";
import { LAMBDA_ENV } from "../runtime/lambda/lambdaEnv";
import { METRICS_NAMESPACE } from "./modelHealthAlarms";
import type { MetricSourcesConfig, ScorerKind, ServiceTarget, VaultConfig } from "./config";
import { BUCKET_PREFIXES, collectorPolicy, detectorPolicy, ecsServiceArn, type AwsScope } from "./iamDocuments";
import { ScheduledFunction, lambdaLogGroupName } from "./scheduledFunction";
import { EXTENSION_PROXY_ADDRESS } from "./vaultSecrets";

export interface FunctionsArgs {
  readonly scope: pulumi.Input<AwsScope>;
  /** Environment name: part of the function names (`cad-<env>-collect`, `cad-<env>-detect`). */
  readonly environment: string;
  readonly services: readonly ServiceTarget[];
  readonly featureSet: FeatureSet;
  readonly metricSources: MetricSourcesConfig;
  readonly schedules: { readonly collect: string; readonly detect: string };
  readonly scorer: ScorerKind;
  /** Name and ARN of the SageMaker endpoint; required when scorer is `sagemaker`, ignored otherwise. */
  readonly endpoint?: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  readonly topicArn: pulumi.Input<string>;
  readonly deadLetterQueueArn: pulumi.Input<string>;
  readonly deadLetterQueueUrl: pulumi.Input<string>;
  readonly vault: VaultConfig;
  readonly logRetentionDays: number;
  /** Scale-out limits of the detector. */
  readonly scaling: { readonly maxStep: number; readonly cooldownSeconds: number };
  /** Bucket key of the model bundle the detector loads. */
  readonly modelBundleKey: string;
  /** Training set version of the SageMaker model (its features.json and calibrated threshold.json are read). */
  readonly trainingDataVersion: string;
}

/** ARN of HashiCorp's vault-lambda-extension layer (x86_64) in a region. */
export function vaultExtensionLayerArn(scope: AwsScope, version: number): string {
  return `arn:${scope.partition}:lambda:${scope.region}:634166935893:layer:vault-lambda-extension:${version}`;
}

/** Environment variables the vault-lambda-extension reads to log in (IAM auth) and serve the secret. */
export function vaultExtensionEnvironment(vault: VaultConfig): Record<string, string> {
  return {
    VAULT_ADDR: vault.address,
    VAULT_AUTH_PROVIDER: vault.authMount,
    VAULT_AUTH_ROLE: vault.authRole,
    ...(vault.iamServerId === undefined ? {} : { VAULT_IAM_SERVER_ID: vault.iamServerId }),
  };
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
    if (args.scorer === "sagemaker" && args.endpoint === undefined) {
      throw new Error(`Functions "${name}": the sagemaker scorer needs the endpoint's name and ARN`);
    }
    const scope = pulumi.output(args.scope);
    const collectName = `cad-${args.environment}-collect`;
    const detectName = `cad-${args.environment}-detect`;
    const layers = [scope.apply((s) => vaultExtensionLayerArn(s, args.vault.extensionVersion))];
    const services = JSON.stringify(args.services);
    const common = {
      ...vaultExtensionEnvironment(args.vault),
      [LAMBDA_ENV.environment]: args.environment,
      [LAMBDA_ENV.bucket]: args.bucketName,
      [LAMBDA_ENV.services]: services,
      [LAMBDA_ENV.statePrefix]: BUCKET_PREFIXES.state,
      [LAMBDA_ENV.rawPrefix]: BUCKET_PREFIXES.raw,
      [LAMBDA_ENV.vaultProxyAddress]: EXTENSION_PROXY_ADDRESS,
      [LAMBDA_ENV.vaultKvMount]: args.vault.kvMount,
      [LAMBDA_ENV.vaultSecretPath]: args.vault.secretName,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: "INFO",
    };
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
        environment: {
          ...common,
          POWERTOOLS_SERVICE_NAME: "collector",
          [LAMBDA_ENV.metricSources]: JSON.stringify(args.metricSources),
          [LAMBDA_ENV.featureSet]: JSON.stringify(args.featureSet),
        },
        memorySizeMb: 512,
        timeoutSeconds: 120,
      },
      { parent: this },
    );

    const endpoint = args.scorer === "sagemaker" ? args.endpoint : undefined;
    this.detector = new ScheduledFunction(
      `${name}-detect`,
      {
        ...shared,
        functionName: detectName,
        description: "Scores container metrics, raises incidents, alerts and scales ECS services",
        // Reads live metrics from the same sources as the collector (Splunk / Dynatrace).
        callbackFactory: () => createDetectHandler(),
        policy: pulumi
          .all([scope, args.bucketArn, args.keyArn, args.deadLetterQueueArn, args.topicArn, endpoint?.arn])
          .apply(([s, bucketArn, keyArn, deadLetterQueueArn, topicArn, endpointArn]) =>
            detectorPolicy({
              scope: s,
              bucketArn,
              keyArn,
              deadLetterQueueArn,
              topicArn,
              logGroupArn: logGroupArn(s, detectName),
              serviceArns: args.services.map((svc) => ecsServiceArn(s, svc.cluster, svc.service)),
              ...(endpointArn === undefined ? {} : { endpointArn, trainingDataVersion: args.trainingDataVersion }),
            }),
          ),
        schedule: args.schedules.detect,
        environment: {
          ...common,
          POWERTOOLS_SERVICE_NAME: "detector",
          [LAMBDA_ENV.scorer]: args.scorer,
          [LAMBDA_ENV.topicArn]: args.topicArn,
          [LAMBDA_ENV.deadLetterQueueUrl]: args.deadLetterQueueUrl,
          [LAMBDA_ENV.modelsPrefix]: BUCKET_PREFIXES.models,
          [LAMBDA_ENV.modelKey]: args.modelBundleKey,
          [LAMBDA_ENV.metricSources]: JSON.stringify(args.metricSources),
          [LAMBDA_ENV.featureSet]: JSON.stringify(args.featureSet),
          [LAMBDA_ENV.scaling]: JSON.stringify({ maxStep: args.scaling.maxStep, cooldownMs: args.scaling.cooldownSeconds * 1000 }),
          ...(endpoint === undefined ? {} : { [LAMBDA_ENV.endpointName]: endpoint.name, [LAMBDA_ENV.trainingDataVersion]: args.trainingDataVersion }),
        },
        memorySizeMb: 1024,
        timeoutSeconds: 240,
        // Detection state (thresholds, incidents, cooldowns) is read-modify-write: never two runs at once.
        reservedConcurrency: 1,
      },
      { parent: this },
    );

    this.roleArns = pulumi.all([this.collector.role.arn, this.detector.role.arn]);
    this.registerOutputs({ collectorName: this.collector.function.name, detectorName: this.detector.function.name, roleArns: this.roleArns });
  }
}
