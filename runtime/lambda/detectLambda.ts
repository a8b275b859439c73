/**
 * The detector Lambda. Its bundle's entry (entries/detect.ts) calls {@link createDetectHandler} once per cold
 * start: the environment is parsed and the S3 client and Vault reader are
 * built once; on the first run the model bundle is read from the bucket, the credentials from Vault (through the
 * vault-lambda-extension's proxy), and makeDetectHandler is wired with the production adapters
 * (createAwsAdapters: S3 state, SageMaker or embedded scorer, SNS alerts with the DLQ, ECS scaler).
 *
 * Each scheduled run detects on every watched service, keyed on the schedule's time (the handler's clock), and
 * rejects when a service failed so that Lambda retries and finally parks the event in the dead-letter queue.
 * Reserved concurrency 1 guarantees runs never overlap.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { createAwsAdapters } from "../adapters/aws/createAwsAdapters";
import { correlationIdOf, RunObservability, type LambdaContextLike } from "../adapters/observability/RunObservability";
import { S3ObjectStore } from "../adapters/s3/S3ObjectStore";
import { VaultSecrets } from "../adapters/vault/VaultSecrets";
import { makeDetectHandler, type DetectHandlerDeps, type DetectRunSummary } from "../handlers/makeDetectHandler";
import { lambdaMemoryPressure } from "./memoryPressure";
import { loadDatasetFeatures } from "../features/datasetFeatures";
import { embeddedModel, sageMakerModel, type DetectionModel } from "../handlers/detectionModel";
import { loadCalibratedThreshold } from "../model/calibratedThreshold";
import { CurrentRun } from "./currentRun";
import { parseModelBundle } from "../model/modelBundle";
import type { Clock, Log, ObjectStore, RunMetrics } from "../ports";
import type { Env } from "./envVariables";
import { parseDetectEnv, type DetectEnv } from "./lambdaEnv";
import { mergedMetricSource } from "./mergedMetricSource";
import { metricSourcesFromSettings } from "./metricSourcesFromSettings";
import { scheduledTime } from "./scheduledEvent";

/** What one scheduled detector run did. */
export interface DetectLambdaResult {
  readonly handler: "detect";
  /** The schedule's firing time (ISO-8601): the run's clock. */
  readonly scheduledAt: string;
  readonly scorer: "sagemaker" | "embedded";
  /** Which model scored: the bundle's training time (embedded) or the training set version and calibration time (SageMaker). */
  readonly model: string;
  readonly summary: DetectRunSummary;
}

/**
 * Loads what the detector needs to know about its model, once per cold start.
 * - embedded: the model bundle at `modelKey` (written by `cad train`: the trained streaming detector);
 * - sagemaker: `training/<version>/features.json` (checked against the configured feature set) and the
 *   endpoint's own calibrated `threshold.json`, whose score distribution starts the detector's thresholder —
 *   never a local forest's, whose scores differ in value.
 */
export async function loadDetectionModel(objects: ObjectStore, config: DetectEnv): Promise<DetectionModel> {
  if (config.scorer === "sagemaker") {
    const version = config.trainingDataVersion as string;
    const features = await loadDatasetFeatures(objects, "", version, config.featureSet);
    const threshold = await loadCalibratedThreshold(objects, "", version);
    return sageMakerModel(features, threshold);
  }
  const where = `s3://${config.bucket}/${config.modelKey}`;
  const text = await objects.get(config.modelKey);
  if (text === undefined) throw new Error(`no model bundle at ${where}: train one (cad train) and upload it there`);
  return embeddedModel(parseModelBundle(text, where), where);
}

/** Parses the environment and builds the clients once; returns the invocation handler. Throws LambdaEnvError on a bad environment. */
export function createDetectHandler(env: Env = process.env): (event: unknown, context?: LambdaContextLike) => Promise<DetectLambdaResult> {
  const config: DetectEnv = parseDetectEnv(env);
  const region = env.AWS_REGION;
  if (region === undefined || region === "") throw new Error("environment variable AWS_REGION: is not set (the Lambda runtime sets it)");
  const observability = new RunObservability({ serviceName: "detector", namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ContainerAnomalyDetection", dimensions: { environment: config.environment } });
  const objects = new S3ObjectStore(new S3Client({}), config.bucket);
  const secrets = new VaultSecrets({ address: config.vault.proxyAddress, mount: config.vault.kvMount });
  let now = 0;
  const current = new CurrentRun();
  const clock = { now: () => now };
  // Adapters are wired once, but each run logs with its own correlation id and flushes its own metrics.
  const { log, metrics } = current;
  let wired: { detect: () => Promise<DetectRunSummary>; label: string } | undefined;
  const wire = async (): Promise<{ detect: () => Promise<DetectRunSummary>; label: string }> => {
    const { deps, label } = await wireDetection(config, { region: region as string, objects, secrets, clock, log, metrics });
    return { detect: makeDetectHandler(deps), label };
  };

  return async (event: unknown, context?: LambdaContextLike): Promise<DetectLambdaResult> => {
    now = scheduledTime(event);
    const run = observability.beginRun(correlationIdOf(event, context), context);
    current.begin(run);
    try {
      wired ??= await wire();
      const summary = await wired.detect();
      run.log.info("detector run done", { services: summary.services.length });
      return { handler: "detect", scheduledAt: new Date(now).toISOString(), scorer: config.scorer, model: wired.label, summary };
    } finally {
      // Also after a failed run: its counters (alerts failed, scaling failures) matter most then.
      run.metrics.flush();
    }
  };
}

/** What {@link wireDetection} needs besides the parsed environment: built once per cold start by the entry module. */
export interface DetectionWiring {
  readonly region: string;
  readonly objects: ObjectStore;
  readonly secrets: VaultSecrets;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: RunMetrics;
}

/**
 * The detect handler's dependencies with the production adapters (createAwsAdapters: S3 state, SageMaker or
 * embedded scorer, SNS alerts with the DLQ, ECS scaler), the model read from the bucket and the source credentials
 * from Vault. Shared by the scheduled detector and the queue worker.
 */
export async function wireDetection(config: DetectEnv, w: DetectionWiring): Promise<{ deps: DetectHandlerDeps; label: string }> {
  const { clock, log, metrics } = w;
  const model = await loadDetectionModel(w.objects, config);
  const credentials = await w.secrets.read(config.vault.secretPath);
  const sources = metricSourcesFromSettings(config.metricSources, model.featureSet, credentials, `${config.vault.kvMount}/${config.vault.secretPath}`, log);
  const first = config.services.at(0);
  const bounds = (s: DetectEnv["services"][number]) => ({ minTasks: s.minTasks, maxTasks: s.maxTasks, maxStep: config.scaling.maxStep, cooldownMs: config.scaling.cooldownMs });
  const adapters = createAwsAdapters(
    {
      region: w.region,
      scorer: config.scorer === "sagemaker" && config.endpointName !== undefined ? { kind: "sagemaker", endpointName: config.endpointName } : { kind: "none" },
      alerts: { topicArn: config.topicArn, deadLetterQueueUrl: config.deadLetterQueueUrl, ...(config.feedbackUrl ? { feedbackUrl: config.feedbackUrl } : {}) },
      scaling: {
        // A stack may watch only services found in clusters: the scaler's own cluster and bounds then are the
        // first cluster's and discovery's defaults (each found service's message carries its own).
        cluster: first?.cluster ?? config.discovery?.clusters.at(0) ?? "",
        defaultBounds: first ? bounds(first) : { minTasks: config.discovery?.minTasks ?? 0, maxTasks: config.discovery?.maxTasks ?? 1, maxStep: config.scaling.maxStep, cooldownMs: config.scaling.cooldownMs },
        serviceBounds: Object.fromEntries(config.services.map((s) => [s.service, bounds(s)])),
        maxStep: config.scaling.maxStep,
        cooldownMs: config.scaling.cooldownMs,
      },
      state: { bucket: config.bucket, prefix: config.statePrefix },
      vault: { address: config.vault.proxyAddress, mount: config.vault.kvMount },
    },
    { clock, log, metrics },
  );
  const deps: DetectHandlerDeps = {
    services: config.services.map((s) => ({ name: s.service, scaling: bounds(s) })),
    // Services the planner found in these clusters: their bounds come with each work message.
    ...(config.discovery ? { discovered: { clusters: config.discovery.clusters, maxStep: config.scaling.maxStep, cooldownMs: config.scaling.cooldownMs } } : {}),
    source: mergedMetricSource(sources, model.featureSet.stepSeconds),
    scorer: adapters.scorer,
    model,
    featureSet: config.featureSet,
    alerts: adapters.alerts,
    scaler: adapters.scaler,
    state: adapters.state,
    clock,
    log,
    metrics,
    settings: { replicaTtlMs: config.detection.replicaTtlMs, rules: config.rules },
    memoryPressure: lambdaMemoryPressure(),
  };
  return { deps, label: model.label };
}
