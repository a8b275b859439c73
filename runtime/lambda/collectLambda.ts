/**
 * The collector Lambda. Its bundle's entry (entries/collect.ts) calls {@link createCollectHandler} once per cold
 * start: the environment is parsed and the S3 client, object store, state
 * store, Vault reader and observability are built once; the sources are built on the first run, once the
 * credentials have been read from Vault through the vault-lambda-extension's local proxy.
 *
 * Each scheduled run collects every watched service with makeCollectHandler, keyed on the schedule's time (a
 * retried event collects the same windows), and rejects when a source failed so that Lambda retries the event
 * and finally parks it in the dead-letter queue.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { correlationIdOf, RunObservability, type LambdaContextLike } from "../adapters/observability/RunObservability";
import { S3ObjectStore } from "../adapters/s3/S3ObjectStore";
import { S3StateStore } from "../adapters/s3/S3StateStore";
import { VaultSecrets } from "../adapters/vault/VaultSecrets";
import { makeCollectHandler, type CollectResult } from "../handlers/makeCollectHandler";
import type { MetricSource } from "../ports";
import type { Env } from "./envVariables";
import { parseCollectEnv, type CollectEnv } from "./lambdaEnv";
import { metricSourcesFromSettings } from "./metricSourcesFromSettings";
import { scheduledTime } from "./scheduledEvent";

/** What one scheduled collector run did. */
export interface CollectRunSummary {
  readonly handler: "collect";
  /** The schedule's firing time (ISO-8601): the run's clock. */
  readonly scheduledAt: string;
  /** Enabled metric sources, in merge priority order. */
  readonly sources: readonly string[];
  /** Per service: the windows written (keys, rows) and what was skipped. */
  readonly result: CollectResult;
}

/** Parses the environment and builds the clients once; returns the invocation handler. Throws LambdaEnvError on a bad environment. */
export function createCollectHandler(env: Env = process.env): (event: unknown, context?: LambdaContextLike) => Promise<CollectRunSummary> {
  const config: CollectEnv = parseCollectEnv(env);
  const observability = new RunObservability({ serviceName: "collector", namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ContainerAnomalyDetection", dimensions: { environment: config.environment } });
  const s3 = new S3Client({});
  const objects = new S3ObjectStore(s3, config.bucket);
  const state = new S3StateStore({ client: s3, bucket: config.bucket, prefix: config.statePrefix });
  const secrets = new VaultSecrets({ address: config.vault.proxyAddress, mount: config.vault.kvMount });
  let sources: MetricSource[] | undefined;

  return async (event: unknown, context?: LambdaContextLike): Promise<CollectRunSummary> => {
    const at = scheduledTime(event);
    const run = observability.beginRun(correlationIdOf(event, context), context);
    if (sources === undefined) {
      const credentials = await secrets.read(config.vault.secretPath);
      sources = metricSourcesFromSettings(config.metricSources, config.featureSet, credentials, `${config.vault.kvMount}/${config.vault.secretPath}`, run.log);
    }
    const collect = makeCollectHandler({
      sources,
      services: config.services.map((s) => s.service),
      featureSet: config.featureSet,
      objects,
      state,
      clock: { now: () => at },
      log: run.log,
    });
    const result = await collect();
    run.log.info("collector run done", { windows: result.windows.length });
    return { handler: "collect", scheduledAt: new Date(at).toISOString(), sources: sources.map((s) => s.name), result };
  };
}
