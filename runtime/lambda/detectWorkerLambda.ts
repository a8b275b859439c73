/**
 * Lambda entry module of the detector worker: the detector's environment and wiring (wireDetection), fed by the
 * detect queue instead of a schedule. Each invocation is one SQS batch; each message runs one service's detection
 * up to the message's planned time, and the answer lists the messages to retry (ReportBatchItemFailures).
 * Scaling cooldowns and the newest step scored run on the wall clock.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { correlationIdOf, RunObservability, type LambdaContextLike } from "../adapters/observability/RunObservability";
import { S3ObjectStore } from "../adapters/s3/S3ObjectStore";
import { VaultSecrets } from "../adapters/vault/VaultSecrets";
import { makeServiceDetection } from "../handlers/makeDetectHandler";
import { makeDetectWorkerHandler } from "../handlers/makeDetectWorkerHandler";
import type { SqsBatchResponse } from "../handlers/sqsBatch";
import { wireDetection } from "./detectLambda";
import { CurrentRun } from "./currentRun";
import type { Env } from "./envVariables";
import { parseDetectEnv } from "./lambdaEnv";

/** Parses the environment and builds the clients once; returns the invocation handler. Throws LambdaEnvError on a bad environment. */
export function createDetectWorkerHandler(env: Env = process.env, wallClock: () => number = Date.now): (event: unknown, context?: LambdaContextLike) => Promise<SqsBatchResponse> {
  const config = parseDetectEnv(env);
  const region = env.AWS_REGION;
  if (region === undefined || region === "") throw new Error("environment variable AWS_REGION: is not set (the Lambda runtime sets it)");
  const observability = new RunObservability({ serviceName: "detector-worker", namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ContainerAnomalyDetection", dimensions: { environment: config.environment } });
  const objects = new S3ObjectStore(new S3Client({}), config.bucket);
  const secrets = new VaultSecrets({ address: config.vault.proxyAddress, mount: config.vault.kvMount });
  const current = new CurrentRun();
  const clock = { now: wallClock };
  // Adapters are wired once, but each run logs with its own correlation id and flushes its own metrics.
  const { log, metrics } = current;
  let worker: ReturnType<typeof makeDetectWorkerHandler> | undefined;
  return async (event: unknown, context?: LambdaContextLike): Promise<SqsBatchResponse> => {
    const run = observability.beginRun(correlationIdOf(event, context), context);
    current.begin(run);
    try {
      if (worker === undefined) {
        const { deps } = await wireDetection(config, { region, objects, secrets, clock, log, metrics });
        worker = makeDetectWorkerHandler({ detection: makeServiceDetection(deps), clock, log });
      }
      const { batchItemFailures, outcomes } = await worker(event);
      run.log.info("detector worker batch done", { messages: outcomes.length, failed: batchItemFailures.length });
      // Only the partial batch response: Lambda reads nothing else from it.
      return { batchItemFailures };
    } finally {
      run.metrics.flush();
    }
  };
}
