import type { CalendarReading } from "./serviceCalendar";
import type { Anomaly, FeedbackTag, Incident, MetricAttribution } from "../types";
import { classifyIncident, type MetricEvidence } from "./classifyIncident";

/**
 * How a service's container anomalies become incidents. Whether a container alerts is the detector's decision
 * (its confirmation, repeat and recurrence rules); the tracker groups the alerts and anomalous steps of a
 * service's containers into one incident at a time, names it, and decides when it is over.
 */
export interface IncidentSettings {
  /** An incident opens at a container's alert whose grade is at least this. */
  readonly minOpenGrade: number;
  /**
   * An open incident stays active at a step when one container was anomalous in at least `continueMinSteps`
   * of the last `activityWindowSteps` steps; scattered single anomalies (the tail of the score distribution)
   * do not keep an incident alive.
   */
  readonly activityWindowSteps: number;
  readonly continueMinSteps: number;
  /** An open incident resolves after this many consecutive inactive steps. */
  readonly resolveAfterQuietSteps: number;
  /** At most one `update` event per incident within this interval (ms), and only when something changed. */
  readonly updateMinIntervalMs: number;
}

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = { minOpenGrade: 0, activityWindowSteps: 6, continueMinSteps: 2, resolveAfterQuietSteps: 10, updateMinIntervalMs: 15 * 60_000 };

interface Evidence {
  role: MetricEvidence["role"];
  unit?: string;
  share: number;
  extremeZ: number;
  extremeValue: number;
  expected: number;
}

/** The persisted state of one service's incident tracking (plain JSON). */
export interface IncidentTrackerState {
  /** The last `activityWindowSteps` steps, oldest first, with their anomalies. */
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
  /** Alerts the operators' rules dropped, by container: the last step of their episode (see releaseHeldAlerts). */
  held?: Record<string, number>;
}

export const emptyTrackerState = (): IncidentTrackerState => ({ recent: [] });

/** One scored step of one service. */
export interface ScoredStep {
  readonly timestamp: number;
  /** The step's anomalous containers (grade > 0) and alerts. */
  readonly anomalies: readonly Anomaly[];
  /** Containers that were scored at this step (for "how much of the service is affected"). */
  readonly containers: number;
  /** The same by container name (replica group): how much of the affected group is affected. */
  readonly containersByName?: Readonly<Record<string, number>>;
}

export interface TrackerEvent {
  readonly type: "open" | "update" | "resolve";
  readonly incident: Incident;
  readonly at: number;
  /** The alert rules that changed this event (set by the caller that applied them, e.g. `maintenance:patch`). */
  readonly rules?: readonly string[];
  /** The feedback marks that shaped this event's step (set by the caller that applied them). */
  readonly feedback?: readonly FeedbackTag[];
  /** The service calendar's level (and holiday) at the event's step, when a calendar shaped the expectation. */
  readonly calendar?: CalendarReading;
}

/**
 * Advances one service's incident tracking by one scored step. Pure: returns the new state and the events
 * (open / update / resolve) to alert on. An incident opens at a container's alert; while it is open every
 * anomalous container joins it; it resolves after `resolveAfterQuietSteps` inactive steps.
 */
export function trackStep(state: IncidentTrackerState, step: ScoredStep, settings: IncidentSettings): { state: IncidentTrackerState; events: TrackerEvent[] } {
  const events: TrackerEvent[] = [];
  const recent = [...state.recent, { timestamp: step.timestamp, anomalies: [...step.anomalies] }].slice(-settings.activityWindowSteps);
  let open = state.open ? { ...state.open, evidence: { ...state.open.evidence } } : undefined;
  let lastResolved = state.lastResolved;

  // A weak "unknown" incident must not swallow a clearly different problem that starts while it is open:
  // if the new anomalies would turn it into a specific kind, close it; the new problem opens on its own
  // confirmation (at once if the recent window already confirms it).
  if (open && open.incident.kind === "unknown" && step.anomalies.length > 0) {
    const probe = absorb({ ...open.incident }, cloneEvidence(open.evidence), step.anomalies, step);
    if (probe.kind !== "unknown") {
      const resolved: Incident = { ...open.incident, status: "resolved", resolvedAt: step.timestamp };
      events.push({ type: "resolve", incident: resolved, at: step.timestamp });
      lastResolved = resolved;
      open = undefined;
    }
  }

  if (!open) {
    open = openFrom(recent, step, settings);
    if (open) events.push({ type: "open", incident: open.incident, at: step.timestamp });
  } else if (step.anomalies.length > 0 && (step.anomalies.some((a) => a.alert) || activeContainers(recent, settings.continueMinSteps).size > 0)) {
    const incident = absorb({ ...open.incident, lastAnomalyAt: step.timestamp }, open.evidence, step.anomalies, step);
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
      // Start afresh so the tail of this incident cannot keep a new one alive.
      recent.length = 0;
    }
  }
  return { state: { recent, open, lastResolved }, events };
}

function cloneEvidence(e: Record<string, Evidence>): Record<string, Evidence> {
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, { ...v }]));
}

type OpenState = NonNullable<IncidentTrackerState["open"]>;

/**
 * A new incident when a container alerts at this step (with at least `minOpenGrade`): it starts at the first
 * anomalous step of the alerting containers within the recent window (the detector may have confirmed over
 * several steps), or where an alerting pulse began if that was earlier (the alert came when it ended), and takes
 * in every anomaly of the recent window from its first step.
 */
function openFrom(recent: IncidentTrackerState["recent"], step: ScoredStep, settings: IncidentSettings): OpenState | undefined {
  const opening = step.anomalies.filter((a) => a.alert && a.grade >= settings.minOpenGrade);
  if (opening.length === 0) return undefined;
  const alerting = new Set(opening.map((a) => a.container));
  const all = recent.flatMap((r) => r.anomalies);
  const first = all.find((a) => alerting.has(a.container)) as Anomaly;
  const start = Math.min(first.timestamp, ...opening.map((a) => a.pulseStart ?? first.timestamp));
  const evidence: Record<string, Evidence> = {};
  let incident: Incident = {
    id: `${first.service}:${new Date(start).toISOString()}`,
    service: first.service,
    status: "open",
    kind: "unknown",
    start,
    ...(start < first.timestamp ? { pulseEnd: step.timestamp } : {}),
    lastAnomalyAt: step.timestamp,
    containers: [],
    containerNames: [],
    anomalyCount: 0,
    peakScore: 0,
    peakGrade: 0,
    confidence: 0,
    threshold: first.threshold,
    topMetrics: [],
  };
  incident = absorb(incident, evidence, all.filter((a) => a.timestamp >= first.timestamp), step);
  return { incident, evidence, quietSteps: 0, lastEventAt: step.timestamp, lastEventKind: incident.kind, lastEventContainers: incident.containers.length, lastEventGrade: incident.peakGrade };
}

/** Containers anomalous in at least `minSteps` of the recent steps. */
function activeContainers(recent: IncidentTrackerState["recent"], minSteps: number): Set<string> {
  const steps = new Map<string, number>();
  for (const r of recent) {
    const seen = new Set<string>();
    for (const a of r.anomalies) {
      if (!seen.has(a.container)) steps.set(a.container, (steps.get(a.container) ?? 0) + 1);
      seen.add(a.container);
    }
  }
  const out = new Set<string>();
  for (const [c, n] of steps) if (n >= minSteps) out.add(c);
  return out;
}

function absorb(incident: Incident, evidence: Record<string, Evidence>, anomalies: readonly Anomaly[], step: ScoredStep): Incident {
  const containers = new Set(incident.containers);
  const names = new Set(incident.containerNames);
  for (const a of anomalies) names.add(a.containerName);
  let { peakScore, peakGrade, confidence, threshold } = incident;
  for (const a of anomalies) {
    containers.add(a.container);
    peakScore = Math.max(peakScore, a.score);
    if (a.grade > peakGrade || (a.grade === peakGrade && a.confidence > confidence)) {
      peakGrade = a.grade;
      confidence = a.confidence;
      threshold = a.threshold;
    }
    for (const attr of a.attribution) {
      const z = attr.deviation;
      const e = evidence[attr.metric];
      if (!e) evidence[attr.metric] = { role: attr.role, ...(attr.unit !== undefined ? { unit: attr.unit } : {}), share: attr.share, extremeZ: z, extremeValue: attr.value, expected: attr.expected };
      else {
        e.share += attr.share;
        if (Math.abs(z) > Math.abs(e.extremeZ)) {
          e.extremeZ = z;
          e.extremeValue = attr.value;
          e.expected = attr.expected;
        }
      }
    }
  }
  const total = Object.values(evidence).reduce((s, e) => s + e.share, 0);
  const topMetrics: MetricAttribution[] = Object.entries(evidence)
    .map(([metric, e]) => ({ metric, role: e.role, ...(e.unit !== undefined ? { unit: e.unit } : {}), share: total > 0 ? e.share / total : 0, value: e.extremeValue, expected: e.expected, deviation: e.extremeZ }))
    .sort((a, b) => b.share - a.share)
    .slice(0, 5);
  // How much of the affected containers' groups is affected: a sidecar's replicas do not dilute the app's.
  const byName = step.containersByName;
  const scored = byName ? [...names].reduce((sum, n) => sum + (byName[n] ?? 0), 0) : step.containers;
  const kind = classifyIncident(Object.values(evidence), containers.size, Math.max(scored, containers.size));
  return { ...incident, kind, containers: [...containers].sort(), containerNames: [...names].sort(), anomalyCount: incident.anomalyCount + anomalies.length, peakScore, peakGrade, confidence, threshold, topMetrics };
}
