import { decideScaling } from "../detection/decideScaling";
import { activeWindows } from "../detection/maintenanceWindows";
import { calendarFor } from "../detection/serviceCalendar";
import { healthMetrics, modelHealth } from "../detection/modelHealth";
import type { TrackerEvent } from "../detection/incidentTracker";
import type { RunMetrics, ServiceCapacity } from "../ports";
import type { Anomaly, Incident, IncidentEvent, ScalingDecision } from "../types";
import { deliverOutbox } from "./deliverOutbox";
import { detectorStateKey, encodeDetector, encodeServiceState, type ServiceState } from "./detectorState";
import { detectWindow } from "./detectWindow";
import { feedbackForRun } from "./feedbackStore";
import type { DetectHandlerDeps, DetectSettings, ServiceRunSummary, WatchedService } from "./makeDetectHandler";
import type { LiveDetectors } from "./liveDetectors";
import { detectorConfig, loadServiceState, type LiveDetector } from "./serviceStateLoader";
import { errorMessage } from "../errors/errorMessage";

/**
 * One service's detect run at `now` (epoch ms): load its state, score the steps since the last scored one, track
 * incidents, decide and apply scaling, persist with the outbox, then deliver. `live` caches the detectors this
 * process saved last, by service.
 *
 * `through` (epoch ms) bounds the run to the steps of one queued message (its planned time): steps up to it are
 * scored, never later ones. When the state has already scored every step up to it — a redelivered message, or an
 * older message arriving after a newer one that covered its steps — nothing is scored, decided or scaled; only
 * alerts still waiting in the outbox are delivered, and the summary says `stale`.
 */
export async function detectService(deps: DetectHandlerDeps, settings: DetectSettings, svc: WatchedService, now: number, live: LiveDetectors, through?: number): Promise<ServiceRunSummary> {
  const { model, log } = deps;
  const fs = model.featureSet;
  const stepMs = fs.stepSeconds * 1000;
  const key = detectorStateKey(svc.name);
  // Taken out of the cache: if this run fails half-way, the detector it changed is never reused.
  const cached = live.take(svc.name);
  const loaded = await loadServiceState(deps.state, svc.name, model, detectorConfig(model, settings), now, log, deps.metrics, cached);
  const { detector } = loaded;
  let state = loaded.state;
  let version = loaded.version;
  // Detection is done before the first save, so the detector is packed once per run however often it is saved.
  let packed: Uint8Array | undefined;
  const save = async (s: Omit<ServiceState, "detector">, expected: string | undefined): Promise<string> => {
    packed ??= encodeDetector(detector.toState());
    const saved = await deps.state.saveBytes(key, encodeServiceState({ ...s, detector: packed }), expected);
    live.keep(svc.name, { version: saved, detector });
    return saved;
  };

  const newest = (t: number) => Math.floor(t / stepMs) * stepMs - settings.ingestDelaySteps * stepMs;
  const end = through === undefined ? newest(now) : Math.min(newest(now), newest(through)); // exclusive
  if (through !== undefined && state.lastScoredStep !== undefined && state.lastScoredStep + stepMs >= end) {
    return deliverOnly(deps, svc, state, version, detector, live);
  }
  let from = state.lastScoredStep !== undefined ? state.lastScoredStep + stepMs : end - settings.firstRunSteps * stepMs;
  let stepsSkipped = 0;
  if (end - from > settings.maxLagSteps * stepMs) {
    stepsSkipped = Math.round((end - settings.maxLagSteps * stepMs - from) / stepMs);
    from = end - settings.maxLagSteps * stepMs;
    log.warn("detector fell behind: skipping old steps", { service: svc.name, stepsSkipped });
  }

  // The service's capacity and deployment state, read once: the alert rules (onDeployment) and scaling use it.
  let capacity: ServiceCapacity | undefined;
  try {
    capacity = await deps.scaler.describe(svc.name, svc.target);
  } catch (err) {
    // Unknown deployment state: alerts go out as usual (rules with onDeployment tag/hold cannot apply this run).
    log.error("could not read service capacity: no scaling this run, and the service is treated as not deploying", { service: svc.name, error: errorMessage(err) });
  }

  let anomalies: readonly Anomaly[] = [];
  let trackerEvents: readonly TrackerEvent[] = [];
  let rowsScored = 0;
  let stepsScored = 0;
  let cpuPercent: number | undefined;
  let scores: readonly number[] = [];
  if (from < end) {
    const feedback = await feedbackForRun(deps.state, svc.name, log);
    const w = await detectWindow({ service: svc.name, source: deps.source, scorer: deps.scorer, model, detector, tracker: state.tracker, incidents: settings.incidents, rules: settings.rules, feedback, calendar: calendarFor(settings.rules.calendars, svc.name), deploying: capacity?.deploying ?? false, from, end, log, metrics: deps.metrics, observe: deps.observe });
    ({ anomalies, rowsScored, stepsScored, cpuPercent, scores } = w);
    trackerEvents = w.events;
    state = { ...state, tracker: w.tracker, lastScoredStep: end - stepMs };
  }
  const counts: Record<string, number> = { ...state.eventCounts };
  const eventOf = (type: IncidentEvent["type"], incident: Incident, at: number, rules?: readonly string[], feedback?: IncidentEvent["feedback"], calendar?: IncidentEvent["calendar"]): IncidentEvent => {
    const n = (counts[incident.id] ?? 0) + 1;
    counts[incident.id] = n;
    return { id: `${incident.id}#${n}`, type, incident, at, ...(rules && rules.length > 0 ? { rules } : {}), ...(feedback && feedback.length > 0 ? { feedback } : {}), ...(calendar ? { calendar } : {}) };
  };
  const events: IncidentEvent[] = trackerEvents.map((e) => eventOf(e.type, e.incident, e.at, e.rules, e.feedback, e.calendar));

  // Decide and apply scaling before alerting, so alerts say what was done (or that it failed).
  let decided: ReturnType<typeof decideScaling> | undefined;
  const windows = activeWindows(settings.rules.maintenance, now);
  if (capacity) {
    decided = decideScaling({
      service: svc.name,
      incident: state.tracker.open?.incident,
      capacity,
      state: state.scaling,
      policy: svc.scaling,
      now,
      activeWithinMs: 5 * stepMs,
      // Half an hour at 1-minute steps: the next run's retry of a failed scale-out, or a run catching up on its first
      // window, still acts; a backlog drained hours later does not.
      unansweredWithinMs: 30 * stepMs,
      cpuPercent,
      maintenance: windows[0]?.name,
    });
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
      const outcome = await deps.scaler.apply(decision, svc.target);
      scaling = outcome ? { ...decision, toTasks: outcome.toTasks, applied: outcome.applied, dryRun: outcome.dryRun, reason: `${decision.reason}; ${outcome.reason}` } : { ...decision, applied: true };
      // A dry run paces itself like a real action, so it is not re-proposed every run.
      state = { ...state, scaling: scalingState };
      deps.metrics?.record("scalingActions", 1);
      log.info(scaling.dryRun ? "scaling decided (dry run)" : "scaling applied", { ...scaling });
    } catch (err) {
      // The scaling state stays as it was, so the next run decides again (no cooldown for an action not taken).
      scaling = { ...decision, applied: false, error: errorMessage(err) };
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

/** A stale message: the detector is untouched (and cached again); only a pending outbox is delivered. */
async function deliverOnly(deps: DetectHandlerDeps, svc: WatchedService, state: Omit<ServiceState, "detector">, version: string | undefined, detector: LiveDetector["detector"], live: LiveDetectors): Promise<ServiceRunSummary> {
  if (version !== undefined) live.keep(svc.name, { version, detector });
  const base = { service: svc.name, stepsScored: 0, rowsScored: 0, stepsSkipped: 0, anomalies: [], events: [], stale: true } as const;
  if (state.outbox.length === 0) return { ...base, alertsSent: 0, alertsParked: 0, alertsPending: 0 };
  const { sent, parked, pending, error } = await deliverOutbox(state.outbox, { alerts: deps.alerts, log: deps.log, metrics: deps.metrics, service: svc.name });
  if (sent + parked > 0) {
    const saved = await deps.state.saveBytes(detectorStateKey(svc.name), encodeServiceState({ ...state, outbox: pending, detector: encodeDetector(detector.toState()) }), version);
    live.keep(svc.name, { version: saved, detector });
  }
  const summary: ServiceRunSummary = { ...base, alertsSent: sent, alertsParked: parked, alertsPending: pending.length };
  if (error) throw Object.assign(new Error(`alert delivery failed (${pending.length} pending): ${error}`), { summary });
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
