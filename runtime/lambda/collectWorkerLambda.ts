/**
 * Lambda entry module of the collector worker: the collector's environment and adapters, fed by the collect queue
 * instead of a schedule. Each invocation is one SQS batch; each message collects one service's windows from its
 * checkpoint up to the message's planned time, and the answer lists the messages to retry (ReportBatchItemFailures).
 */
import { S3Client } from "@aws-sdk/client-s3";
import { correlationIdOf, RunObservability, type LambdaContextLike } from "../adapters/observability/RunObservability";
import { S3ObjectStore } from "../adapters/s3/S3ObjectStore";
import { S3StateStore } from "../adapters/s3/S3StateStore";
import { VaultSecrets } from "../adapters/vault/VaultSecrets";
import { makeServiceCollection } from "../handlers/makeCollectHandler";
import { makeCollectWorkerHandler } from "../handlers/makeCollectWorkerHandler";
import type { SqsBatchResponse } from "../handlers/sqsBatch";
import { CurrentRun } from "./currentRun";
import type { Env } from "./envVariables";
import { parseCollectEnv } from "./lambdaEnv";
import { metricSourcesFromSettings } from "./metricSourcesFromSettings";

/** Parses the environment and builds the clients once; returns the invocation handler. Throws LambdaEnvError on a bad environment. */
export function createCollectWorkerHandler(env: Env = process.env, wallClock: () => number = Date.now): (event: unknown, context?: LambdaContextLike) => Promise<SqsBatchResponse> {
  const config = parseCollectEnv(env);
  const observability = new RunObservability({ serviceName: "collector-worker", namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ContainerAnomalyDetection", dimensions: { environment: config.environment } });
  const s3 = new S3Client({});
  const objects = new S3ObjectStore(s3, config.bucket);
  const state = new S3StateStore({ client: s3, bucket: config.bucket, prefix: config.statePrefix });
  const secrets = new VaultSecrets({ address: config.vault.proxyAddress, mount: config.vault.kvMount });
  const current = new CurrentRun();
  // Adapters are wired once, but each run logs with its own correlation id.
  const { log } = current;
  const clock = { now: wallClock };
  let worker: ReturnType<typeof makeCollectWorkerHandler> | undefined;
  return async (event: unknown, context?: LambdaContextLike): Promise<SqsBatchResponse> => {
    const run = observability.beginRun(correlationIdOf(event, context), context);
    current.begin(run);
    try {
      if (worker === undefined) {
        const credentials = await secrets.read(config.vault.secretPath);
        const sources = metricSourcesFromSettings(config.metricSources, config.featureSet, credentials, `${config.vault.kvMount}/${config.vault.secretPath}`, log);
        const collection = makeServiceCollection({ sources, services: config.services.map((s) => s.service), ...(config.discovery ? { discoveredClusters: config.discovery.clusters } : {}), featureSet: config.featureSet, objects, state, clock, log });
        worker = makeCollectWorkerHandler({ collection, clock, log });
      }
      const { batchItemFailures, outcomes } = await worker(event);
      run.log.info("collector worker batch done", { messages: outcomes.length, failed: batchItemFailures.length });
      return { batchItemFailures };
    } finally {
      run.metrics.flush();
    }
  };
}
