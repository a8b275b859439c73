import { checkRulesAgainst, NO_RULES, type AlertRules } from "../detection/alertRules";
import { featureSetDifferences, type FeatureSet } from "../features/featureSet";
import { validateScalingPolicy, type ScalingPolicy } from "../detection/decideScaling";
import { DEFAULT_INCIDENT_SETTINGS, type IncidentSettings } from "../detection/incidentTracker";
import type { ModelHealth } from "../detection/modelHealth";
import { DEFAULT_GROUP_TTL_MS, DEFAULT_REPLICA_TTL_MS } from "../detection/serviceDetector";
import type { AlertSink, Clock, Log, MetricSource, RunMetrics, Scaler, ScalingTarget, Scorer, StateStore, WorkMessage } from "../ports";
import type { Anomaly, IncidentEvent, ScalingDecision } from "../types";
import type { DetectionModel } from "./detectionModel";
import type { ObservedStep } from "./detectWindow";
import { detectService } from "./detectService";
import { DEFAULT_LIVE_DETECTORS, LiveDetectors } from "./liveDetectors";
import { CadError } from "../errors/CadError";
import { errorMessage } from "../errors/errorMessage";

export type { DetectionModel } from "./detectionModel";
export type { ObservedStep } from "./detectWindow";

/** One watched service and the bounds within which it may be scaled. */
export interface WatchedService {
  readonly name: string;
  readonly scaling: ScalingPolicy;
  /** Set for a service found in a cluster rather than configured: where the scaler finds it, and its bounds. */
  readonly target?: ScalingTarget;
}

/**
 * Services found in ECS clusters by the planner (its ServiceDirectory): a work message for one carries its
 * cluster and bounds; it is run when its cluster is one of `clusters`, paced by `maxStep` and `cooldownMs`.
 */
export interface DiscoveredServicesSettings {
  readonly clusters: readonly string[];
  readonly maxStep: number;
  /** ms */
  readonly cooldownMs: number;
}

export interface DetectSettings {
  /** Steps scored on the first run of a service (no checkpoint yet). */
  readonly firstRunSteps: number;
  /** If the detector fell further behind than this, older steps are skipped (and counted). */
  readonly maxLagSteps: number;
  /** Newest steps left unscored because sources may still be ingesting them. */
  readonly ingestDelaySteps: number;
  readonly incidents: IncidentSettings;
  /** A container unseen for this long is forgotten by the detector (its shingle and alert bookkeeping), ms. */
  readonly replicaTtlMs: number;
  /** A container name unseen for this long is forgotten (its whole model), ms. */
  readonly groupTtlMs: number;
  /** Operators' alert rules: metric thresholds and direction, maintenance windows, what deployments do to alerts. */
  readonly rules: AlertRules;
  /** Saved detectors the process keeps to skip decoding on the service's next run (liveDetectors.ts); 0 keeps none. */
  readonly liveDetectors: number;
}

export const DEFAULT_DETECT_SETTINGS: DetectSettings = {
  firstRunSteps: 10,
  maxLagSteps: 180,
  ingestDelaySteps: 1,
  incidents: DEFAULT_INCIDENT_SETTINGS,
  replicaTtlMs: DEFAULT_REPLICA_TTL_MS,
  groupTtlMs: DEFAULT_GROUP_TTL_MS,
  rules: NO_RULES,
  liveDetectors: DEFAULT_LIVE_DETECTORS,
};

export interface DetectHandlerDeps {
  /** The configured services: their bounds win over a work message's. */
  readonly services: readonly WatchedService[];
  /** Lets the queue worker run services the planner found in these clusters; unset, only configured services run. */
  readonly discovered?: DiscoveredServicesSettings;
  readonly source: MetricSource;
  /** The SageMaker endpoint (or a stand-in): needed when the model's scorer is `sagemaker`, unused otherwise. */
  readonly scorer?: Scorer;
  readonly model: DetectionModel;
  /** The feature set the deployment is configured with; must equal the model's. */
  readonly featureSet?: FeatureSet;
  readonly alerts: AlertSink;
  readonly scaler: Scaler;
  readonly state: StateStore;
  readonly clock: Clock;
  readonly log: Log;
  /** Counters and timings of each run (CloudWatch EMF in the Lambda); optional locally. */
  readonly metrics?: RunMetrics;
  readonly settings?: Partial<DetectSettings>;
  /** Receives every scored step's rows and detections (reports, replays); optional. */
  readonly observe?: (step: ObservedStep) => void;
  /** Whether the process is short of memory: then it keeps no more saved detectors (liveDetectors.ts); optional. */
  readonly memoryPressure?: () => boolean;
}

export interface ServiceRunSummary {
  readonly service: string;
  readonly stepsScored: number;
  readonly rowsScored: number;
  readonly stepsSkipped: number;
  readonly anomalies: readonly Anomaly[];
  /** Model health of this run: anomaly rate (and its ratio to training's) and score quantiles. */
  readonly health?: ModelHealth;
  readonly events: readonly IncidentEvent[];
  readonly scaling?: ScalingDecision & { applied: boolean; dryRun?: boolean; error?: string };
  readonly alertsSent: number;
  /** Alerts the sink could not publish but parked in its dead-letter queue (the run still fails). */
  readonly alertsParked: number;
  readonly alertsPending: number;
  readonly error?: string;
  /**
   * Set when a queued message's steps had all been scored already (a redelivery, or an older message after a
   * newer one): nothing was scored, decided or scaled; only pending alerts were delivered.
   */
  readonly stale?: true;
}

export interface DetectRunSummary {
  readonly at: number;
  readonly services: readonly ServiceRunSummary[];
}

/** Thrown after every service was processed when at least one failed, so the platform retries the run. */
export class DetectRunError extends CadError {
  constructor(readonly summary: DetectRunSummary) {
    super(`detect run failed for ${summary.services.filter((s) => s.error).map((s) => `${s.service} (${s.error})`).join("; ")}`, "DetectRunError");
  }
}

/**
 * The detect handler: for each service, run its streaming detector over the steps since the last run, turn
 * its decisions into incidents, decide and apply scaling, alert, and persist state. The same function runs in the Lambda, in
 * `cad demo`/`cad backtest`, and in tests; only the wiring of `deps` differs.
 *
 * Delivery: events go to an outbox saved with the state before any alert is sent; undelivered ones stay
 * there and are sent first next time, so a failed publish loses nothing and a retry never scales twice.
 * A scaling action is claimed with a conditional state write before it is applied, so of two overlapping runs
 * only one acts; the other fails with StateConflictError before touching the service or sending anything.
 */
export function makeDetectHandler(deps: DetectHandlerDeps): () => Promise<DetectRunSummary> {
  const detection = makeServiceDetection(deps);
  return async function detect(): Promise<DetectRunSummary> {
    const at = deps.clock.now();
    const services: ServiceRunSummary[] = [];
    for (const svc of deps.services) {
      try {
        services.push(await detection.run(svc.name, at));
      } catch (err) {
        const message = errorMessage(err);
        deps.log.error("detect run failed for service", { service: svc.name, error: message });
        services.push({ service: svc.name, stepsScored: 0, rowsScored: 0, stepsSkipped: 0, anomalies: [], events: [], alertsSent: 0, alertsParked: 0, alertsPending: 0, error: message });
      }
    }
    const summary = { at, services };
    if (services.some((s) => s.error)) throw new DetectRunError(summary);
    return summary;
  };
}

/** Detection of one service at a time, with the deps checked once: what the scheduled handler and the queue worker share. */
export interface ServiceDetection {
  /** Names of the watched services. */
  readonly services: readonly string[];
  /**
   * Runs detection on `service` at `now` (epoch ms); `through` bounds it to a queued message's steps (see
   * detectService). `discovered` is a work message's, for a service found in a cluster: it is run with that
   * cluster and bounds when the deps allow its cluster (a configured service of the same name keeps its own).
   * Rejects when the service is not watched, or when the run failed (with its summary attached).
   */
  run(service: string, now: number, through?: number, discovered?: WorkMessage["discovered"]): Promise<ServiceRunSummary>;
}

/** Validates `deps` (model, feature set, scaling bounds, services) and returns the per-service detection. */
export function makeServiceDetection(deps: DetectHandlerDeps): ServiceDetection {
  const settings: DetectSettings = { ...DEFAULT_DETECT_SETTINGS, ...deps.settings, incidents: { ...DEFAULT_INCIDENT_SETTINGS, ...deps.settings?.incidents } };
  const fs = deps.model.featureSet;
  if (deps.model.scorer === "sagemaker" && !deps.scorer) throw new Error("the model scores with SageMaker: wire its endpoint as the scorer");
  if (deps.featureSet) {
    const diffs = featureSetDifferences(fs, deps.featureSet);
    if (diffs.length > 0) throw new Error(`the configured feature set does not match the model's; retrain or fix the configuration:\n  ${diffs.join("\n  ")}`);
  }
  checkRulesAgainst(settings.rules, fs, "alert rules");
  for (const s of deps.services) validateScalingPolicy(s.scaling, `service "${s.name}" scaling`);
  if (deps.services.length === 0 && deps.discovered === undefined) throw new Error("no services to watch: configure at least one service");
  const byName = new Map(deps.services.map((s) => [s.name, s]));
  // The detectors this process saved last, by service (a warm Lambda or a local replay skips their decoding).
  const live = new LiveDetectors(settings.liveDetectors, deps.memoryPressure);
  return {
    services: deps.services.map((s) => s.name),
    run: async (service, now, through, discovered) => {
      const svc = byName.get(service) ?? discoveredService(deps.discovered, service, discovered);
      if (!svc) throw new Error(`service "${service}" is not watched by this deployment (watched: ${[...byName.keys()].slice(0, 10).join(", ")}${byName.size > 10 ? ", …" : ""}${deps.discovered ? `; and services found in clusters ${deps.discovered.clusters.join(", ")}` : ""})`);
      return detectService(deps, settings, svc, now, live, through);
    },
  };
}

/** A service found in a cluster, as a WatchedService; undefined when the message has none or its cluster is not allowed. */
function discoveredService(settings: DiscoveredServicesSettings | undefined, name: string, discovered: WorkMessage["discovered"]): WatchedService | undefined {
  if (!settings || !discovered || !settings.clusters.includes(discovered.cluster)) return undefined;
  const { cluster, minTasks, maxTasks } = discovered;
  const scaling = validateScalingPolicy({ minTasks, maxTasks, maxStep: settings.maxStep, cooldownMs: settings.cooldownMs }, `service "${name}" (found in cluster "${cluster}") scaling`);
  return { name, scaling, target: { cluster, minTasks, maxTasks } };
}
