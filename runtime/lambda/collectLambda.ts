/**
 * Lambda entry module of the collector. The Pulumi program's CallbackFunction calls {@link createCollectHandler}
 * once per cold start (its `callbackFactory`); the returned function serves every invocation of that instance.
 *
 * Today it validates its environment at cold start and reports, per scheduled run, the window it is keyed on
 * and what it is configured to collect. The collection pipeline (Splunk / Dynatrace → S3 windows) plugs in here
 * when the collect handler lands: it is wired once, in this factory, from the parsed {@link CollectEnv}.
 */
import { parseCollectEnv, type CollectEnv, type Env } from "./lambdaEnv";
import { scheduledTime } from "./scheduledEvent";

/** What one scheduled collector invocation saw and is configured to do. */
export interface CollectRunSummary {
  readonly handler: "collect";
  readonly environment: string;
  /** The schedule's firing time (ISO-8601): the run's key. */
  readonly scheduledAt: string;
  /** `cluster/service` of each watched service. */
  readonly services: readonly string[];
  /** Enabled metric sources, e.g. `["splunk", "dynatrace"]`. */
  readonly sources: readonly string[];
  readonly bucket: string;
  /** 1 for the first invocation of this cold start, then 2, 3 … */
  readonly invocation: number;
  /** What this build of the entry module does with the run. */
  readonly pipeline: "not-wired";
}

/** Parses the environment once and returns the invocation handler. Throws LambdaEnvError on a bad environment. */
export function createCollectHandler(env: Env = process.env): (event: unknown) => Promise<CollectRunSummary> {
  const config: CollectEnv = parseCollectEnv(env);
  let invocation = 0;
  return async (event: unknown): Promise<CollectRunSummary> => {
    const at = scheduledTime(event);
    invocation += 1;
    return {
      handler: "collect",
      environment: config.environment,
      scheduledAt: new Date(at).toISOString(),
      services: config.services.map((s) => `${s.cluster}/${s.service}`),
      sources: Object.keys(config.metricSources),
      bucket: config.bucket,
      invocation,
      pipeline: "not-wired",
    };
  };
}
