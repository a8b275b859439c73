/**
 * A planner Lambda (one per kind of work: collect, detect). Its bundle's entry (entries/plan.ts) calls
 * {@link createPlanHandler} once per cold start; each scheduled run enqueues one message per watched service
 * on the workers' FIFO queue, carrying the schedule's firing time (so a retried run re-sends the same messages,
 * which the queue's deduplication drops). With CAD_DISCOVERY it also lists the services of the configured ECS
 * clusters (EcsServiceDirectory) on every run. It reads no metrics, no state and no secrets.
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { EcsServiceDirectory } from "../adapters/ecs/EcsServiceDirectory";
import { correlationIdOf, RunObservability, type LambdaContextLike } from "../adapters/observability/RunObservability";
import { SqsWorkQueue } from "../adapters/sqs/SqsWorkQueue";
import { makePlanHandler, type PlanResult } from "../handlers/makePlanHandler";
import { CurrentRun } from "./currentRun";
import type { Env } from "./envVariables";
import { parsePlanEnv } from "./lambdaEnv";
import { scheduledTime } from "./scheduledEvent";

/** Parses the environment and builds the SQS client once; returns the invocation handler. Throws LambdaEnvError on a bad environment. */
export function createPlanHandler(env: Env = process.env): (event: unknown, context?: LambdaContextLike) => Promise<PlanResult> {
  const config = parsePlanEnv(env);
  const observability = new RunObservability({ serviceName: `${config.kind}-planner`, namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ContainerAnomalyDetection", dimensions: { environment: config.environment } });
  const queue = new SqsWorkQueue(new SQSClient({}), config.queueUrl);
  let now = 0;
  const current = new CurrentRun();
  // Adapters are wired once, but each run logs with its own correlation id.
  const { log } = current;
  const d = config.discovery;
  // maxAttempts 1: the directory owns the retries of throttled calls and their deadline.
  const directory = d === undefined ? undefined : new EcsServiceDirectory({ ecs: new ECSClient({ maxAttempts: 1 }), clusters: d.clusters, tags: d.tags, defaultBounds: { minTasks: d.minTasks, maxTasks: d.maxTasks }, log });
  const plan = makePlanHandler({ kind: config.kind, services: config.services.map((s) => s.service), ...(directory ? { directory } : {}), queue, clock: { now: () => now }, log });
  return async (event: unknown, context?: LambdaContextLike): Promise<PlanResult> => {
    now = scheduledTime(event);
    const run = observability.beginRun(correlationIdOf(event, context), context);
    current.begin(run);
    try {
      return await plan();
    } finally {
      run.metrics.flush();
    }
  };
}
