import type { FeatureSet } from "../features/featureSet";
import type { Normalisation } from "../features/normalisation";
import type { Anomaly, Incident, MetricAttribution } from "../types";
import { classifyIncident, type MetricEvidence } from "./classifyIncident";

/** How anomalies become incidents. */
export interface IncidentSettings {
  /**
   * An incident opens when one container was anomalous in at least `confirmMinSteps` of the last
   * `confirmWindowSteps` steps. Counting per container (not per service) keeps the chance of a false
   * incident from growing with the number of containers.
   */
  readonly confirmWindowSteps: number;
  readonly confirmMinSteps: number;
  /** ...and when the strongest of that container's anomalies in the window reached at least this grade. */
  readonly minOpenGrade: number;
  /**
   * An open incident stays active at a step when one container was anomalous in at least this many of the
   * last `confirmWindowSteps` steps; scattered single anomalies (the tail of the score distribution) do not
   * keep an incident alive.
   */
  readonly continueMinSteps: number;
  /** An open incident resolves after this many consecutive inactive steps. */
  readonly resolveAfterQuietSteps: number;
  /** At most one `update` event per incident within this interval (ms), and only when something changed. */
  readonly updateMinIntervalMs: number;
}

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = { confirmWindowSteps: 6, confirmMinSteps: 5, minOpenGrade: 0, continueMinSteps: 2, resolveAfterQuietSteps: 10, updateMinIntervalMs: 15 * 60_000 };

interface Evidence {
  role: MetricEvidence["role"];
  share: number;
  extremeZ: number;
  extremeValue: number;
  expected: number;
}

/** The persisted state of one service's incident tracking (plain JSON). */
export interface IncidentTrackerState {
  /** The last `confirmWindowSteps` scored steps, oldest first, with their anomalies. */
  recent: { timestamp: number; anomalies: Anomaly[] }[];
  open?: {
    incident: Incident;
    evidence: Record<string, Evidence>;
    quietSteps: number;
    lastEventAt: number;
    lastEventKind: Incident["kind"];
    lastEventContainers: number;
    lastEventGrade: number;
  };
  /** The most recently resolved incident (scaling restores refer to it). */
  lastResolved?: Incident;
}

export const emptyTrackerState = (): IncidentTrackerState => ({ recent: [] });

/** One scored step of one service. */
export interface ScoredStep {
  readonly timestamp: number;
  readonly anomalies: readonly Anomaly[];
  /** Containers that were scored at this step (for "how much of the service is affected"). */
  readonly containers: number;
}

export interface TrackerEvent {
  readonly type: "open" | "update" | "resolve";
  readonly incident: Incident;
  readonly at: number;
}

/**
 * Advances one service's incident tracking by one scored step. Pure: returns the new state and the events
 * (open / update / resolve) to alert on. Consecutive anomalous minutes belong to one incident; single
 * blips are suppressed by the confirmation window.
 */
export function trackStep(state: IncidentTrackerState, step: ScoredStep, settings: IncidentSettings, fs: FeatureSet, norm: Normalisation): { state: IncidentTrackerState; events: TrackerEvent[] } {
  const events: TrackerEvent[] = [];
  const recent = [...state.recent, { timestamp: step.timestamp, anomalies: [...step.anomalies] }].slice(-settings.confirmWindowSteps);
  let open = state.open ? { ...state.open, evidence: { ...state.open.evidence } } : undefined;
  let lastResolved = state.lastResolved;

  // A weak "unknown" incident must not swallow a clearly different problem that starts while it is open:
  // if the new anomalies would turn it into a specific kind, close it; the new problem opens on its own
  // confirmation (at once if the recent window already confirms it).
  if (open && open.incident.kind === "unknown" && step.anomalies.length > 0) {
    const probe = absorb({ ...open.incident }, cloneEvidence(open.evidence), step.anomalies, step.containers, fs, norm);
    if (probe.kind !== "unknown") {
      const resolved: Incident = { ...open.incident, status: "resolved", resolvedAt: step.timestamp };
      events.push({ type: "resolve", incident: resolved, at: step.timestamp });
      lastResolved = resolved;
      open = undefined;
    }
  }

  if (!open) {
    open = openFrom(recent, step, settings, fs, norm);
    if (open) events.push({ type: "open", incident: open.incident, at: step.timestamp });
  } else if (step.anomalies.length > 0 && confirmedContainers(recent, settings.continueMinSteps, 0).size > 0) {
    const incident = absorb({ ...open.incident, lastAnomalyAt: step.timestamp }, open.evidence, step.anomalies, step.containers, fs, norm);
    open = { ...open, incident, quietSteps: 0 };
    const changed = incident.kind !== open.lastEventKind || incident.containers.length > open.lastEventContainers || incident.peakGrade >= open.lastEventGrade + 0.25;
    if (changed && step.timestamp - open.lastEventAt >= settings.updateMinIntervalMs) {
      open = { ...open, lastEventAt: step.timestamp, lastEventKind: incident.kind, lastEventContainers: incident.containers.length, lastEventGrade: incident.peakGrade };
      events.push({ type: "update", incident, at: step.timestamp });
    }
  } else {
    open = { ...open, quietSteps: open.quietSteps + 1 };
    if (open.quietSteps >= settings.resolveAfterQuietSteps) {
      const resolved: Incident = { ...open.incident, status: "resolved", resolvedAt: step.timestamp };
      events.push({ type: "resolve", incident: resolved, at: step.timestamp });
      lastResolved = resolved;
      open = undefined;
      // Start confirmation afresh so the tail of this incident cannot re-open it at once.
      recent.length = 0;
    }
  }
  return { state: { recent, open, lastResolved }, events };
}

function cloneEvidence(e: Record<string, Evidence>): Record<string, Evidence> {
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, { ...v }]));
}

type OpenState = NonNullable<IncidentTrackerState["open"]>;

/** A new incident from the recent window, if one container's anomalies confirm it. */
function openFrom(recent: IncidentTrackerState["recent"], step: ScoredStep, settings: IncidentSettings, fs: FeatureSet, norm: Normalisation): OpenState | undefined {
  if (confirmedContainers(recent, settings.confirmMinSteps, settings.minOpenGrade).size === 0) return undefined;
  const anomalous = recent.filter((r) => r.anomalies.length > 0);
  const all = anomalous.flatMap((r) => r.anomalies);
  const first = all[0];
  const evidence: Record<string, Evidence> = {};
  let incident: Incident = {
    id: `${first.service}:${new Date(anomalous[0].timestamp).toISOString()}`,
    service: first.service,
    status: "open",
    kind: "unknown",
    start: anomalous[0].timestamp,
    lastAnomalyAt: step.timestamp,
    containers: [],
    anomalyCount: 0,
    peakScore: 0,
    peakGrade: 0,
    threshold: first.threshold,
    topMetrics: [],
  };
  incident = absorb(incident, evidence, all, step.containers, fs, norm);
  return { incident, evidence, quietSteps: 0, lastEventAt: step.timestamp, lastEventKind: incident.kind, lastEventContainers: incident.containers.length, lastEventGrade: incident.peakGrade };
}

/** Containers anomalous in at least `minSteps` of the recent steps, with an anomaly of at least `minGrade`. */
function confirmedContainers(recent: IncidentTrackerState["recent"], minSteps: number, minGrade: number): Set<string> {
  const steps = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const r of recent) {
    const seen = new Set<string>();
    for (const a of r.anomalies) {
      if (!seen.has(a.container)) steps.set(a.container, (steps.get(a.container) ?? 0) + 1);
      seen.add(a.container);
      peak.set(a.container, Math.max(peak.get(a.container) ?? 0, a.grade));
    }
  }
  const out = new Set<string>();
  for (const [c, n] of steps) if (n >= minSteps && (peak.get(c) ?? 0) >= minGrade) out.add(c);
  return out;
}

function absorb(incident: Incident, evidence: Record<string, Evidence>, anomalies: readonly Anomaly[], scoredContainers: number, fs: FeatureSet, norm: Normalisation): Incident {
  const containers = new Set(incident.containers);
  let { peakScore, peakGrade } = incident;
  for (const a of anomalies) {
    containers.add(a.container);
    peakScore = Math.max(peakScore, a.score);
    peakGrade = Math.max(peakGrade, a.grade);
    for (const attr of a.attribution) {
      const m = fs.metrics.findIndex((s) => s.name === attr.metric);
      const z = m >= 0 ? (attr.value - norm.mean[m]) / norm.std[m] : 0;
      const e = evidence[attr.metric];
      if (!e) evidence[attr.metric] = { role: attr.role, share: attr.share, extremeZ: z, extremeValue: attr.value, expected: attr.expected };
      else {
        e.share += attr.share;
        if (Math.abs(z) > Math.abs(e.extremeZ)) {
          e.extremeZ = z;
          e.extremeValue = attr.value;
        }
      }
    }
  }
  const total = Object.values(evidence).reduce((s, e) => s + e.share, 0);
  const topMetrics: MetricAttribution[] = Object.entries(evidence)
    .map(([metric, e]) => ({ metric, role: e.role, share: total > 0 ? e.share / total : 0, value: e.extremeValue, expected: e.expected }))
    .sort((a, b) => b.share - a.share)
    .slice(0, 5);
  const kind = classifyIncident(Object.values(evidence), containers.size, Math.max(scoredContainers, containers.size));
  return { ...incident, kind, containers: [...containers].sort(), anomalyCount: incident.anomalyCount + anomalies.length, peakScore, peakGrade, topMetrics };
}
