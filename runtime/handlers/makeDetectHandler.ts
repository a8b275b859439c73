import { alignSamples } from "../features/alignSamples";
import { featureSetDifferences, type FeatureSet } from "../features/featureSet";
import type { Normalisation } from "../features/normalisation";
import { toVectors } from "../features/toVectors";
import { attributeAnomaly } from "../detection/attributeAnomaly";
import { decideScaling, validateScalingPolicy, type ScalingPolicy } from "../detection/decideScaling";
import { DEFAULT_INCIDENT_SETTINGS, trackStep, type IncidentSettings, type TrackerEvent } from "../detection/incidentTracker";
import { gradeOf, type ScoreStats } from "../model/scoreThreshold";
import type { AlertSink, Clock, Log, MetricSource, Scaler, Scorer, StateStore } from "../ports";
import type { Anomaly, IncidentEvent, ScalingDecision } from "../types";
import { detectorStateKey, initialDetectorState, type ServiceDetectorState } from "./detectorState";

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
  readonly settings?: Partial<DetectSettings>;
}

export interface ServiceRunSummary {
  readonly service: string;
  readonly stepsScored: number;
  readonly rowsScored: number;
  readonly stepsSkipped: number;
  readonly anomalies: readonly Anomaly[];
  readonly events: readonly IncidentEvent[];
  readonly scaling?: ScalingDecision & { applied: boolean; error?: string };
  readonly alertsSent: number;
  readonly alertsPending: number;
  readonly error?: string;
}

export interface DetectRunSummary {
  readonly at: number;
  readonly services: readonly ServiceRunSummary[];
}

/** Thrown after every service was processed when at least one failed, so the platform retries the run. */
export class DetectRunError extends Error {
  constructor(readonly summary: DetectRunSummary) {
    super(`detect run failed for ${summary.services.filter((s) => s.error).map((s) => `${s.service} (${s.error})`).join("; ")}`);
    this.name = "DetectRunError";
  }
}

/**
 * The detect handler: for each service, score the steps since the last run, turn anomalies into incidents,
 * decide and apply scaling, alert, and persist state. The same function runs in the Lambda, in
 * `cad demo`/`cad backtest`, and in tests; only the wiring of `deps` differs.
 *
 * Delivery: events go to an outbox saved with the state before any alert is sent; undelivered ones stay
 * there and are sent first next time, so a failed publish loses nothing and a retry never scales twice.
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
        services.push({ service: svc.name, stepsScored: 0, rowsScored: 0, stepsSkipped: 0, anomalies: [], events: [], alertsSent: 0, alertsPending: 0, error: message });
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
  if (from < end) {
    const contextFrom = from - (fs.shingleSize - 1 + fs.maxFillSteps) * stepMs;
    const samples = await deps.source.fetch(svc.name, { from: contextFrom, to: end });
    if (samples.length === 0) {
      log.warn("no samples for service in window", { service: svc.name, from: new Date(from).toISOString(), to: new Date(end).toISOString() });
    } else {
      const { rows, report } = alignSamples(samples, fs, { from: contextFrom, to: end });
      if (report.duplicates > 0 || report.outOfOrder > 0 || report.unknownMetric > 0) log.info("input cleaned while aligning", { service: svc.name, ...report });
      const vectors = toVectors(rows, fs, model.normalisation, from);
      const results = vectors.length > 0 ? await deps.scorer.score(vectors.map((v) => v.vector)) : [];
      if (results.length !== vectors.length) throw new Error(`scorer returned ${results.length} scores for ${vectors.length} vectors`);
      rowsScored = vectors.length;
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
  let scaling: (ScalingDecision & { applied: boolean; error?: string }) | undefined;
  try {
    const capacity = await deps.scaler.describe(svc.name);
    const { decision, state: scalingState } = decideScaling({
      service: svc.name,
      incident: state.tracker.open?.incident,
      capacity,
      state: state.scaling,
      policy: svc.scaling,
      now,
      activeWithinMs: 5 * stepMs,
      cpuPercent,
    });
    if (decision.action === "none") {
      log.debug("scaling decision", { ...decision });
      state = { ...state, scaling: scalingState };
    } else {
      try {
        await deps.scaler.apply(decision);
        scaling = { ...decision, applied: true };
        state = { ...state, scaling: scalingState };
        log.info("scaling applied", { ...decision });
      } catch (err) {
        scaling = { ...decision, applied: false, error: err instanceof Error ? err.message : String(err) };
        log.error("scaling failed", { ...decision, error: scaling.error });
      }
    }
  } catch (err) {
    log.error("could not read service capacity: no scaling this run", { service: svc.name, error: err instanceof Error ? err.message : String(err) });
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
  let alertsSent = 0;
  const pending = [...state.outbox];
  let sendError: string | undefined;
  while (pending.length > 0) {
    try {
      await deps.alerts.send(pending[0]);
      pending.shift();
      alertsSent++;
    } catch (err) {
      sendError = err instanceof Error ? err.message : String(err);
      log.error("alert delivery failed; kept in the outbox for the next run", { service: svc.name, pending: pending.length, error: sendError });
      break;
    }
  }
  if (alertsSent > 0) {
    state = { ...state, outbox: pending };
    await deps.state.save(key, state, version);
  }
  const summary: ServiceRunSummary = { service: svc.name, stepsScored, rowsScored, stepsSkipped, anomalies, events, scaling, alertsSent, alertsPending: pending.length };
  if (sendError) throw Object.assign(new Error(`alert delivery failed (${pending.length} pending): ${sendError}`), { summary });
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
