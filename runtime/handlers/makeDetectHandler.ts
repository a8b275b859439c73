import { alignSamples } from "../features/alignSamples";
import { featureSetDifferences, type FeatureSet } from "../features/featureSet";
import type { Normalisation } from "../features/normalisation";
import { toVectors } from "../features/toVectors";
import { attributeAnomaly } from "../detection/attributeAnomaly";
import { decideScaling, validateScalingPolicy, type ScalingPolicy } from "../detection/decideScaling";
import { DEFAULT_INCIDENT_SETTINGS, trackStep, type IncidentSettings, type TrackerEvent } from "../detection/incidentTracker";
import { healthMetrics, modelHealth, type ModelHealth } from "../detection/modelHealth";
import { gradeOf, type ScoreStats } from "../model/scoreThreshold";
import type { AlertSink, Clock, Log, MetricSource, RunMetrics, Scaler, Scorer, StateStore } from "../ports";
import type { Anomaly, IncidentEvent, ScalingDecision } from "../types";
import { deliverOutbox } from "./deliverOutbox";
import { detectorStateKey, initialDetectorState, type ServiceDetectorState } from "./detectorState";
import { CadError } from "../errors/CadError";

/** One watched service and the bounds within which it may be scaled. */
export interface WatchedService {
  readonly name: string;
  readonly scaling: ScalingPolicy;
}

/** The parts of a trained model the handler needs (a ModelBundle satisfies it). */
export interface DetectionModel {
  readonly featureSet: FeatureSet;
  readonly normalisation: Normalisation;
  readonly scoreStats: ScoreStats;
  /** Share of training vectors above the threshold; when set, runs report their anomaly rate relative to it. */
  readonly expectedAnomalyRate?: number;
}

export interface DetectSettings {
  /** Steps scored on the first run of a service (no checkpoint yet). */
  readonly firstRunSteps: number;
  /** If the detector fell further behind than this, older steps are skipped (and counted). */
  readonly maxLagSteps: number;
  /** Newest steps left unscored because sources may still be ingesting them. */
  readonly ingestDelaySteps: number;
  readonly incidents: IncidentSettings;
}

export const DEFAULT_DETECT_SETTINGS: DetectSettings = { firstRunSteps: 10, maxLagSteps: 180, ingestDelaySteps: 1, incidents: DEFAULT_INCIDENT_SETTINGS };

export interface DetectHandlerDeps {
  readonly services: readonly WatchedService[];
  readonly source: MetricSource;
  readonly scorer: Scorer;
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
 * The detect handler: for each service, score the steps since the last run, turn anomalies into incidents,
 * decide and apply scaling, alert, and persist state. The same function runs in the Lambda, in
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
  if (deps.featureSet) {
    const diffs = featureSetDifferences(fs, deps.featureSet);
    if (diffs.length > 0) throw new Error(`the configured feature set does not match the model's; retrain or fix the configuration:\n  ${diffs.join("\n  ")}`);
  }
  for (const s of deps.services) validateScalingPolicy(s.scaling, `service "${s.name}" scaling`);
  if (deps.services.length === 0) throw new Error("no services to watch: configure at least one service");

  return async function detect(): Promise<DetectRunSummary> {
    const at = deps.clock.now();
    const services: ServiceRunSummary[] = [];
    for (const svc of deps.services) {
      try {
        services.push(await runService(deps, settings, svc, at));
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

async function runService(deps: DetectHandlerDeps, settings: DetectSettings, svc: WatchedService, now: number): Promise<ServiceRunSummary> {
  const { model, log } = deps;
  const fs = model.featureSet;
  const stepMs = fs.stepSeconds * 1000;
  const key = detectorStateKey(svc.name);
  const loaded = await deps.state.load<ServiceDetectorState>(key);
  let state = loaded?.value ?? initialDetectorState();
  let version = loaded?.version;

  const end = Math.floor(now / stepMs) * stepMs - settings.ingestDelaySteps * stepMs; // exclusive
  let from = state.lastScoredStep !== undefined ? state.lastScoredStep + stepMs : end - settings.firstRunSteps * stepMs;
  let stepsSkipped = 0;
  if (end - from > settings.maxLagSteps * stepMs) {
    stepsSkipped = Math.round((end - settings.maxLagSteps * stepMs - from) / stepMs);
    from = end - settings.maxLagSteps * stepMs;
    log.warn("detector fell behind: skipping old steps", { service: svc.name, stepsSkipped });
  }

  const anomalies: Anomaly[] = [];
  const trackerEvents: TrackerEvent[] = [];
  let rowsScored = 0;
  let stepsScored = 0;
  let cpuPercent: number | undefined;
  let scores: number[] = [];
  if (from < end) {
    const contextFrom = from - (fs.shingleSize - 1 + fs.maxFillSteps) * stepMs;
    const fetched = await deps.source.fetch(svc.name, { from: contextFrom, to: end });
    // A non-numeric value must not block detection run after run: leave it out (as a gap), count it and say where.
    const samples = fetched.filter((x) => Number.isFinite(x.value) && Number.isFinite(x.timestamp));
    if (samples.length < fetched.length) {
      const bad = fetched.find((x) => !Number.isFinite(x.value) || !Number.isFinite(x.timestamp)) as (typeof fetched)[number];
      log.warn("samples with non-numeric values or timestamps left out", { service: svc.name, count: fetched.length - samples.length, example: { container: bad.container, metric: bad.metric, timestamp: String(bad.timestamp), value: String(bad.value) } });
      deps.metrics?.record("rowsSkipped", fetched.length - samples.length);
    }
    if (samples.length === 0) {
      log.warn("no samples for service in window", { service: svc.name, from: new Date(from).toISOString(), to: new Date(end).toISOString() });
    } else {
      const { rows, report } = alignSamples(samples, fs, { from: contextFrom, to: end });
      if (report.duplicates > 0 || report.outOfOrder > 0 || report.unknownMetric > 0) log.info("input cleaned while aligning", { service: svc.name, ...report });
      const vectors = toVectors(rows, fs, model.normalisation, from);
      const scoreStarted = Date.now();
      const results = vectors.length > 0 ? await deps.scorer.score(vectors.map((v) => v.vector)) : [];
      if (vectors.length > 0) deps.metrics?.record("scorerLatencyMs", Date.now() - scoreStarted);
      if (results.length !== vectors.length) throw new Error(`scorer returned ${results.length} scores for ${vectors.length} vectors`);
      rowsScored = vectors.length;
      scores = results.map((r) => r.score);
      const byStep = new Map<number, { anomalies: Anomaly[]; containers: number }>();
      vectors.forEach((v, i) => {
        const ts = v.row.timestamp;
        let slot = byStep.get(ts);
        if (!slot) byStep.set(ts, (slot = { anomalies: [], containers: 0 }));
        slot.containers++;
        const { score } = results[i];
        if (score > model.scoreStats.threshold) {
          const a: Anomaly = {
            service: svc.name,
            container: v.row.container,
            timestamp: ts,
            score,
            threshold: model.scoreStats.threshold,
            grade: gradeOf(score, model.scoreStats),
            attribution: attributeAnomaly(v.row, fs, model.normalisation, results[i].attribution),
          };
          slot.anomalies.push(a);
          anomalies.push(a);
        }
      });
      cpuPercent = newestCpuPercent(vectors.map((v) => v.row), fs);
      let tracker = state.tracker;
      for (const ts of [...byStep.keys()].sort((a, b) => a - b)) {
        const slot = byStep.get(ts) as { anomalies: Anomaly[]; containers: number };
        const r = trackStep(tracker, { timestamp: ts, anomalies: slot.anomalies, containers: slot.containers }, settings.incidents, fs, model.normalisation);
        tracker = r.state;
        trackerEvents.push(...r.events);
        stepsScored++;
      }
      state = { ...state, tracker };
    }
    state = { ...state, lastScoredStep: end - stepMs };
  }

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
    const pendingEvents: IncidentEvent[] = trackerEvents.map((e) => ({ type: e.type, incident: e.incident, at: e.at }));
    version = await deps.state.save(key, { ...state, scaling: scalingState, outbox: [...state.outbox, ...pendingEvents] }, version);
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

  const events: IncidentEvent[] = trackerEvents.map((e) => ({ type: e.type, incident: e.incident, at: e.at }));
  if (scaling) {
    const carrier = events.length > 0 ? events.length - 1 : -1;
    if (carrier >= 0) events[carrier] = { ...events[carrier], scaling };
    else {
      const open = state.tracker.open;
      const incident = open?.incident ?? state.tracker.lastResolved;
      if (incident) events.push({ type: "update", incident, scaling, at: now });
      // This event counts as the incident's latest update, so the tracker does not repeat it at once.
      if (open) state = { ...state, tracker: { ...state.tracker, open: { ...open, lastEventAt: now } } };
    }
  }

  // Persist first (with the outbox), then deliver: a crash after this point re-sends, never re-decides.
  state = { ...state, outbox: [...state.outbox, ...events] };
  version = await deps.state.save(key, state, version);
  const { sent: alertsSent, parked: alertsParked, pending, error: sendError } = await deliverOutbox(state.outbox, { alerts: deps.alerts, log, metrics: deps.metrics, service: svc.name });
  recordRunMetrics(deps.metrics, rowsScored, anomalies.length, events, alertsSent);
  if (alertsSent + alertsParked > 0) {
    state = { ...state, outbox: pending };
    await deps.state.save(key, state, version);
  }
  const [health] = modelHealth([{ service: svc.name, rowsScored, anomalies, scores }], deps.model.expectedAnomalyRate);
  for (const m of healthMetrics([health])) deps.metrics?.recordServiceGauge(m.service, m.name, m.value);
  const summary: ServiceRunSummary = { service: svc.name, stepsScored, rowsScored, stepsSkipped, anomalies, health, events, scaling, alertsSent, alertsParked, alertsPending: pending.length };
  if (sendError) throw Object.assign(new Error(`alert delivery failed (${pending.length} pending${alertsParked > 0 ? `, ${alertsParked} parked in the dead-letter queue` : ""}): ${sendError}`), { summary });
  return summary;
}

/** Mean of the CPU-role metric over the containers of the newest scored step (undefined without one). */
function newestCpuPercent(rows: readonly { timestamp: number; values: readonly number[] }[], fs: FeatureSet): number | undefined {
  const m = fs.metrics.findIndex((x) => x.role === "cpu");
  if (m < 0 || rows.length === 0) return undefined;
  const newest = Math.max(...rows.map((r) => r.timestamp));
  const latest = rows.filter((r) => r.timestamp === newest);
  return latest.reduce((s, r) => s + r.values[m], 0) / latest.length;
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
