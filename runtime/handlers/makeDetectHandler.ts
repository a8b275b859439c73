import { featureSetDifferences, type FeatureSet } from "../features/featureSet";
import { decideScaling, validateScalingPolicy, type ScalingPolicy } from "../detection/decideScaling";
import { DEFAULT_INCIDENT_SETTINGS, type IncidentSettings } from "../detection/incidentTracker";
import { healthMetrics, modelHealth, type ModelHealth } from "../detection/modelHealth";
import { DEFAULT_GROUP_TTL_MS, DEFAULT_REPLICA_TTL_MS } from "../detection/serviceDetector";
import type { AlertSink, Clock, Log, MetricSource, RunMetrics, Scaler, Scorer, StateStore } from "../ports";
import type { Anomaly, Incident, IncidentEvent, ScalingDecision } from "../types";
import type { DetectionModel } from "./detectionModel";
import { detectorStateKey, encodeDetector, encodeServiceState, type ServiceState } from "./detectorState";
import { detectWindow, type ObservedStep } from "./detectWindow";
import { detectorConfig, loadServiceState, type LiveDetector } from "./serviceStateLoader";
import type { TrackerEvent } from "../detection/incidentTracker";
import { deliverOutbox } from "./deliverOutbox";
import { CadError } from "../errors/CadError";

export type { DetectionModel } from "./detectionModel";
export type { ObservedStep } from "./detectWindow";

/** One watched service and the bounds within which it may be scaled. */
export interface WatchedService {
  readonly name: string;
  readonly scaling: ScalingPolicy;
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
}

export const DEFAULT_DETECT_SETTINGS: DetectSettings = {
  firstRunSteps: 10,
  maxLagSteps: 180,
  ingestDelaySteps: 1,
  incidents: DEFAULT_INCIDENT_SETTINGS,
  replicaTtlMs: DEFAULT_REPLICA_TTL_MS,
  groupTtlMs: DEFAULT_GROUP_TTL_MS,
};

export interface DetectHandlerDeps {
  readonly services: readonly WatchedService[];
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
  const settings: DetectSettings = { ...DEFAULT_DETECT_SETTINGS, ...deps.settings, incidents: { ...DEFAULT_INCIDENT_SETTINGS, ...deps.settings?.incidents } };
  const fs = deps.model.featureSet;
  if (deps.model.scorer === "sagemaker" && !deps.scorer) throw new Error("the model scores with SageMaker: wire its endpoint as the scorer");
  if (deps.featureSet) {
    const diffs = featureSetDifferences(fs, deps.featureSet);
    if (diffs.length > 0) throw new Error(`the configured feature set does not match the model's; retrain or fix the configuration:\n  ${diffs.join("\n  ")}`);
  }
  for (const s of deps.services) validateScalingPolicy(s.scaling, `service "${s.name}" scaling`);
  if (deps.services.length === 0) throw new Error("no services to watch: configure at least one service");

  // The detectors this process saved last, by service (a warm Lambda or a local replay skips their decoding).
  const live = new Map<string, LiveDetector>();
  return async function detect(): Promise<DetectRunSummary> {
    const at = deps.clock.now();
    const services: ServiceRunSummary[] = [];
    for (const svc of deps.services) {
      try {
        services.push(await runService(deps, settings, svc, at, live));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        deps.log.error("detect run failed for service", { service: svc.name, error: message });
        services.push({ service: svc.name, stepsScored: 0, rowsScored: 0, stepsSkipped: 0, anomalies: [], events: [], alertsSent: 0, alertsParked: 0, alertsPending: 0, error: message });
      }
    }
    const summary = { at, services };
    if (services.some((s) => s.error)) throw new DetectRunError(summary);
    return summary;
  };
}

async function runService(deps: DetectHandlerDeps, settings: DetectSettings, svc: WatchedService, now: number, live: Map<string, LiveDetector>): Promise<ServiceRunSummary> {
  const { model, log } = deps;
  const fs = model.featureSet;
  const stepMs = fs.stepSeconds * 1000;
  const key = detectorStateKey(svc.name);
  // Taken out of the cache: if this run fails half-way, the detector it changed is never reused.
  const cached = live.get(svc.name);
  live.delete(svc.name);
  const loaded = await loadServiceState(deps.state, svc.name, model, detectorConfig(model, settings), now, log, deps.metrics, cached);
  const { detector } = loaded;
  let state = loaded.state;
  let version = loaded.version;
  // Detection is done before the first save, so the detector is packed once per run however often it is saved.
  let packed: Uint8Array | undefined;
  const save = async (s: Omit<ServiceState, "detector">, expected: string | undefined): Promise<string> => {
    packed ??= encodeDetector(detector.toState());
    const saved = await deps.state.saveBytes(key, encodeServiceState({ ...s, detector: packed }), expected);
    live.set(svc.name, { version: saved, detector });
    return saved;
  };

  const end = Math.floor(now / stepMs) * stepMs - settings.ingestDelaySteps * stepMs; // exclusive
  let from = state.lastScoredStep !== undefined ? state.lastScoredStep + stepMs : end - settings.firstRunSteps * stepMs;
  let stepsSkipped = 0;
  if (end - from > settings.maxLagSteps * stepMs) {
    stepsSkipped = Math.round((end - settings.maxLagSteps * stepMs - from) / stepMs);
    from = end - settings.maxLagSteps * stepMs;
    log.warn("detector fell behind: skipping old steps", { service: svc.name, stepsSkipped });
  }

  let anomalies: readonly Anomaly[] = [];
  let trackerEvents: readonly TrackerEvent[] = [];
  let rowsScored = 0;
  let stepsScored = 0;
  let cpuPercent: number | undefined;
  let scores: readonly number[] = [];
  if (from < end) {
    const w = await detectWindow({ service: svc.name, source: deps.source, scorer: deps.scorer, model, detector, tracker: state.tracker, incidents: settings.incidents, from, end, log, metrics: deps.metrics, observe: deps.observe });
    ({ anomalies, rowsScored, stepsScored, cpuPercent, scores } = w);
    trackerEvents = w.events;
    state = { ...state, tracker: w.tracker, lastScoredStep: end - stepMs };
  }
  const counts: Record<string, number> = { ...state.eventCounts };
  const eventOf = (type: IncidentEvent["type"], incident: Incident, at: number): IncidentEvent => {
    const n = (counts[incident.id] ?? 0) + 1;
    counts[incident.id] = n;
    return { id: `${incident.id}#${n}`, type, incident, at };
  };
  const events: IncidentEvent[] = trackerEvents.map((e) => eventOf(e.type, e.incident, e.at));

  // Decide and apply scaling before alerting, so alerts say what was done (or that it failed).
  let decided: ReturnType<typeof decideScaling> | undefined;
  try {
    const capacity = await deps.scaler.describe(svc.name);
    decided = decideScaling({
      service: svc.name,
      incident: state.tracker.open?.incident,
      capacity,
      state: state.scaling,
      policy: svc.scaling,
      now,
      activeWithinMs: 5 * stepMs,
      cpuPercent,
    });
  } catch (err) {
    log.error("could not read service capacity: no scaling this run", { service: svc.name, error: err instanceof Error ? err.message : String(err) });
  }
  let scaling: (ScalingDecision & { applied: boolean; dryRun?: boolean; error?: string }) | undefined;
  if (decided && decided.decision.action === "none") {
    log.debug("scaling decision", { ...decided.decision });
    state = { ...state, scaling: decided.state };
  } else if (decided) {
    const { decision, state: scalingState } = decided;
    // Claim the action before touching the service: the conditional write fails for an overlapping run that
    // loaded the same state, so it stops here instead of scaling on top of ours (and past the cooldown). The
    // claim carries this run's events in the outbox, so a crash after it loses no alert.
    version = await save({ ...state, scaling: scalingState, outbox: [...state.outbox, ...events], eventCounts: keptCounts(counts, state) }, version);
    try {
      const outcome = await deps.scaler.apply(decision);
      scaling = outcome ? { ...decision, toTasks: outcome.toTasks, applied: outcome.applied, dryRun: outcome.dryRun, reason: `${decision.reason}; ${outcome.reason}` } : { ...decision, applied: true };
      // A dry run paces itself like a real action, so it is not re-proposed every run.
      state = { ...state, scaling: scalingState };
      deps.metrics?.record("scalingActions", 1);
      log.info(scaling.dryRun ? "scaling decided (dry run)" : "scaling applied", { ...scaling });
    } catch (err) {
      // The scaling state stays as it was, so the next run decides again (no cooldown for an action not taken).
      scaling = { ...decision, applied: false, error: err instanceof Error ? err.message : String(err) };
      deps.metrics?.record("scalingFailures", 1);
      log.error("scaling failed", { ...decision, error: scaling.error });
    }
  }

  if (scaling && scaling.action === "restore") {
    // A restore follows a resolved incident: its own event, so on call it never reads as the incident re-opening
    // (an `update` after the `resolve`), nor hides inside a resolve sent in the same run.
    const incident = state.tracker.open?.incident ?? state.tracker.lastResolved;
    if (incident) events.push({ ...eventOf("restore", incident, now), scaling });
  } else if (scaling) {
    const carrier = events.length > 0 ? events.length - 1 : -1;
    if (carrier >= 0) events[carrier] = { ...events[carrier], scaling };
    else {
      const open = state.tracker.open;
      const incident = open?.incident ?? state.tracker.lastResolved;
      if (incident) events.push({ ...eventOf("update", incident, now), scaling });
      // This event counts as the incident's latest update, so the tracker does not repeat it at once.
      if (open) state = { ...state, tracker: { ...state.tracker, open: { ...open, lastEventAt: now } } };
    }
  }

  // Persist first (with the outbox), then deliver: a crash after this point re-sends, never re-decides.
  state = { ...state, outbox: [...state.outbox, ...events], eventCounts: keptCounts(counts, state) };
  version = await save(state, version);
  const { sent: alertsSent, parked: alertsParked, pending, error: sendError } = await deliverOutbox(state.outbox, { alerts: deps.alerts, log, metrics: deps.metrics, service: svc.name });
  recordRunMetrics(deps.metrics, rowsScored, anomalies.length, events, alertsSent);
  if (alertsSent + alertsParked > 0) {
    state = { ...state, outbox: pending };
    await save(state, version);
  }
  const [health] = modelHealth([{ service: svc.name, rowsScored, anomalies, scores }], deps.model.expectedAnomalyRate);
  for (const m of healthMetrics([health])) deps.metrics?.recordServiceGauge(m.service, m.name, m.value);
  const summary: ServiceRunSummary = { service: svc.name, stepsScored, rowsScored, stepsSkipped, anomalies, health, events, scaling, alertsSent, alertsParked, alertsPending: pending.length };
  if (sendError) throw Object.assign(new Error(`alert delivery failed (${pending.length} pending${alertsParked > 0 ? `, ${alertsParked} parked in the dead-letter queue` : ""}): ${sendError}`), { summary });
  return summary;
}

/** Event counts of the incidents events can still be produced for: the open one and the last resolved one. */
function keptCounts(counts: Readonly<Record<string, number>>, state: Omit<ServiceState, "detector">): Record<string, number> {
  const keep = [state.tracker.open?.incident.id, state.tracker.lastResolved?.id].filter((id): id is string => id !== undefined);
  return Object.fromEntries(keep.filter((id) => counts[id] !== undefined).map((id) => [id, counts[id]]));
}

function recordRunMetrics(metrics: RunMetrics | undefined, rows: number, anomalies: number, events: readonly IncidentEvent[], alertsSent: number): void {
  if (!metrics) return;
  metrics.record("rowsProcessed", rows);
  metrics.record("anomalies", anomalies);
  metrics.record("incidentsOpened", events.filter((e) => e.type === "open").length);
  metrics.record("incidentsUpdated", events.filter((e) => e.type === "update").length);
  metrics.record("incidentsResolved", events.filter((e) => e.type === "resolve").length);
  metrics.record("alertsSent", alertsSent);
}
