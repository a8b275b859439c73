/**
 * Lambda entry module of the detector. The Pulumi program's CallbackFunction calls {@link createDetectHandler}
 * once per cold start (its `callbackFactory`); the returned function serves every invocation of that instance
 * (reserved concurrency 1: never two at once).
 *
 * Not wired to makeDetectHandler yet: it validates its environment at cold start and reports, per scheduled run,
 * the time it is keyed on and what it is configured to score and scale (`pipeline: "not-wired"`). Wiring it, as
 * collectLambda.ts does for the collector, needs: the model bundle read from the bucket (`models/…`), the metric
 * sources (metricSourcesFromSettings, merged into one MetricSource) with CAD_METRIC_SOURCES/CAD_FEATURE_SET in
 * this function's environment and splunk-sdk back in its archive, createAwsAdapters (one ECS cluster), and the
 * services' ScalingPolicy (maxStep, cooldown).
 */
import { parseDetectEnv, type DetectEnv, type Env } from "./lambdaEnv";
import { scheduledTime } from "./scheduledEvent";

/** What one scheduled detector invocation saw and is configured to do. */
export interface DetectRunSummary {
  readonly handler: "detect";
  readonly environment: string;
  /** The schedule's firing time (ISO-8601): the run's key. */
  readonly scheduledAt: string;
  /** `cluster/service [min..max]` of each watched service. */
  readonly services: readonly string[];
  readonly scorer: "sagemaker" | "embedded";
  readonly endpointName?: string;
  readonly topicArn: string;
  /** 1 for the first invocation of this cold start, then 2, 3 … */
  readonly invocation: number;
  /** What this build of the entry module does with the run. */
  readonly pipeline: "not-wired";
}

/** Parses the environment once and returns the invocation handler. Throws LambdaEnvError on a bad environment. */
export function createDetectHandler(env: Env = process.env): (event: unknown) => Promise<DetectRunSummary> {
  const config: DetectEnv = parseDetectEnv(env);
  let invocation = 0;
  return async (event: unknown): Promise<DetectRunSummary> => {
    const at = scheduledTime(event);
    invocation += 1;
    return {
      handler: "detect",
      environment: config.environment,
      scheduledAt: new Date(at).toISOString(),
      services: config.services.map((s) => `${s.cluster}/${s.service} [${s.minTasks}..${s.maxTasks}]`),
      scorer: config.scorer,
      ...(config.endpointName === undefined ? {} : { endpointName: config.endpointName }),
      topicArn: config.topicArn,
      invocation,
      pipeline: "not-wired",
    };
  };
}
