import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { ECSClient } from "@aws-sdk/client-ecs";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { AlertSink, Clock, Log, RunMetrics, Scorer, Secrets, StateStore } from "../../ports";
import { EcsScaler, type EcsScalerOptions } from "../ecs/EcsScaler";
import { S3StateStore } from "../s3/S3StateStore";
import type { RcfContentType } from "../sagemaker/rcfPayload";
import { SageMakerScorer } from "../sagemaker/SageMakerScorer";
import { SnsAlertSink } from "../sns/SnsAlertSink";
import { feedbackStoreOptions } from "../../handlers/feedbackStore";
import { VaultSecrets } from "../vault/VaultSecrets";

/**
 * Which external scorer a deployment uses: a SageMaker endpoint, or none (the embedded scorer: each service's
 * detector scores with its own streaming forest, no always-on endpoint).
 */
export type ScorerConfig =
  | { readonly kind: "sagemaker"; readonly endpointName: string; readonly contentType?: RcfContentType; readonly deadlineMs?: number }
  | { readonly kind: "none" };

/** Everything the production adapters need to know, read once per cold start. */
export interface AwsAdapterConfig {
  readonly region: string;
  readonly scorer: ScorerConfig;
  /** `feedbackUrl`: the HTTPS feedback action's function URL when deployed, named in every alert. */
  readonly alerts: { readonly topicArn: string; readonly deadLetterQueueUrl?: string; readonly feedbackUrl?: string };
  /** The scaler's own settings (EcsScaler documents each one). */
  readonly scaling: Pick<EcsScalerOptions, "cluster" | "defaultBounds" | "serviceBounds" | "maxStep" | "cooldownMs" | "dryRun">;
  readonly state: { readonly bucket: string; readonly prefix?: string; readonly kmsKeyId?: string };
  readonly vault: { readonly address: string; readonly mount?: string; readonly token?: string; readonly ttlMs?: number };
}

export interface AwsAdapterDeps {
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics?: RunMetrics;
}

/** The production adapters, each with its SDK client built once. */
export interface AwsAdapters {
  /** The SageMaker endpoint's scorer; undefined with the embedded scorer. */
  readonly scorer?: Scorer;
  readonly alerts: AlertSink;
  readonly scaler: EcsScaler;
  readonly state: StateStore;
  readonly secrets: Secrets;
}

/**
 * Builds every production adapter from one config: call it once per cold start (in a handler factory such as
 * createDetectHandler), not per invocation, so SDK clients and the Vault cache are reused. The SageMaker client
 * gets `maxAttempts: 1` because SageMakerScorer owns the retries and their deadline.
 */
export function createAwsAdapters(config: AwsAdapterConfig, deps: AwsAdapterDeps): AwsAdapters {
  const { region } = config;
  if (!region) throw new Error("AWS adapter config: region is required");
  let scorer: Scorer | undefined;
  if (config.scorer.kind === "sagemaker") {
    scorer = new SageMakerScorer({
      client: new SageMakerRuntimeClient({ region, maxAttempts: 1 }),
      endpointName: config.scorer.endpointName,
      ...(config.scorer.contentType ? { contentType: config.scorer.contentType } : {}),
      ...(config.scorer.deadlineMs !== undefined ? { retry: { deadlineMs: config.scorer.deadlineMs } } : {}),
      log: deps.log,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    });
  } else if (config.scorer.kind !== "none") {
    throw new Error(`AWS adapter config: scorer.kind must be "sagemaker" or "none", got ${JSON.stringify((config.scorer as { kind?: unknown }).kind)}`);
  }
  const state = new S3StateStore({ client: new S3Client({ region }), ...config.state });
  const alerts = new SnsAlertSink({
    sns: new SNSClient({ region }),
    topicArn: config.alerts.topicArn,
    ...(config.alerts.deadLetterQueueUrl ? { deadLetter: { sqs: new SQSClient({ region }), queueUrl: config.alerts.deadLetterQueueUrl } } : {}),
    log: deps.log,
    clock: deps.clock,
    // Every alert says how to mark it: `cad feedback` writes next to the detector state in this bucket.
    feedbackOptions: feedbackStoreOptions(config.state.bucket, config.state.prefix),
    ...(config.alerts.feedbackUrl ? { feedbackUrl: config.alerts.feedbackUrl } : {}),
  });
  const scaler = new EcsScaler({
    ecs: new ECSClient({ region }),
    autoScaling: new ApplicationAutoScalingClient({ region }),
    state,
    ...config.scaling,
    clock: deps.clock,
    log: deps.log,
  });
  const secrets = new VaultSecrets({ ...config.vault, clock: deps.clock, log: deps.log });
  return { scorer, alerts, scaler, state, secrets };
}
