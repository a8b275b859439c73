import type { Incident, IncidentEvent } from "../../runtime/types";
import type { ReportScalingAction, TruthWindow } from "./reportModel";

/** How an incident compares with the ground truth: a detection, a false alert, or a known window nothing caught. */
export type Verdict = "detected" | "false" | "missed";

/** An incident's tail may outlast the known window this long and still count as that window's detection. */
export const TRUTH_GRACE_MS = 30 * 60_000;

/** One metric of an incident's attribution as the table shows it: what was seen against what was expected. */
export interface IncidentMetric {
  readonly metric: string;
  readonly unit?: string;
  readonly value: number;
  readonly expected: number;
  /** Share of the anomaly score, in [0, 1]. */
  readonly share: number;
}

/** One row of the report's incident table: an incident the detector raised, or a known window it missed. */
export interface IncidentRow {
  /** 1-based number in the table, also the label on the charts' timeline. */
  readonly ref: number;
  readonly incidentId?: string;
  /** Epoch ms. */
  readonly start: number;
  /** Epoch ms: when it resolved, or (still open when the run ended) the end of its last anomalous step. */
  readonly end: number;
  readonly open: boolean;
  readonly kind: string;
  /** Highest anomaly grade in (0, 1] and the detector's confidence there; absent on a missed window. */
  readonly peakGrade?: number;
  readonly confidence?: number;
  /** Container ids (sorted); a missed window lists the container its label names, if any. */
  readonly containers: readonly string[];
  /** How many of them per container name ("app 6, envoy 6"); absent when the data names no containers. */
  readonly byName?: string;
  /** Up to three metrics, largest share first. */
  readonly topMetrics: readonly IncidentMetric[];
  /** What was done, in time order: alert events and scaling actions, each with its UTC time. */
  readonly actions: readonly string[];
  /** Only when ground truth was given. */
  readonly verdict?: Verdict;
  /** The known window(s) the row stands for or matched ("kind on container, HH:MM–HH:MM"). */
  readonly truth?: string;
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** The end of an incident as far as the run knows: resolution, or the end of its last anomalous step. */
export function incidentEnd(i: Incident, stepMs: number): number {
  return i.resolvedAt ?? i.lastAnomalyAt + stepMs;
}

/** True when the incident overlaps the known window or starts within TRUTH_GRACE_MS after its end. */
export function overlapsTruth(i: Incident, t: TruthWindow, stepMs: number): boolean {
  return i.start < t.end + TRUTH_GRACE_MS && incidentEnd(i, stepMs) > t.start;
}

function countByName(containers: readonly string[], nameOf: (container: string) => string | undefined): { byName?: string } {
  const counts = new Map<string, number>();
  for (const c of containers) {
    const name = nameOf(c);
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts.size === 0 ? {} : { byName: [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([n, k]) => `${n} ${k}`).join(", ") };
}

const truthLabel = (t: TruthWindow) => `${t.kind}${t.container ? ` on ${t.container}` : ""}, ${hhmm(t.start)}–${hhmm(t.end)}`;

function actionLabel(s: ReportScalingAction): string {
  return `${hhmm(s.at)} ${s.decision.action} ${s.decision.fromTasks}→${s.decision.toTasks} tasks${s.applied ? "" : " (failed)"}`;
}

function eventLabel(e: IncidentEvent): string {
  const what = e.type === "open" ? "alert sent" : e.type === "resolve" ? "resolved" : e.type === "update" ? "alert updated" : "restore alert sent";
  return `${hhmm(e.at)} ${what}`;
}

/**
 * The scaling actions of one incident: those its events carried and those whose decision names it, once each
 * (a restore after the incident resolved may name no incident but arrives with one of its events).
 */
function incidentScaling(id: string, events: readonly IncidentEvent[], scaling: readonly ReportScalingAction[]): ReportScalingAction[] {
  const carried: ReportScalingAction[] = events.flatMap((e) => (e.scaling ? [{ at: e.at, decision: e.scaling, applied: e.scaling.applied }] : []));
  const all = [...carried, ...scaling.filter((s) => s.decision.incidentId === id)].filter((s) => s.decision.action !== "none");
  const key = (s: ReportScalingAction) => `${s.decision.action} ${s.decision.fromTasks} ${s.decision.toTasks}`;
  // One decision may be recorded both ways, a few seconds apart (the event's time and the scaler's).
  return all.filter((s, i) => !all.slice(0, i).some((t) => key(t) === key(s) && Math.abs(t.at - s.at) < 5 * 60_000)).sort((a, b) => a.at - b.at);
}

/**
 * The incident table of one service: each incident as its last event left it, with the alert events and scaling
 * actions that belong to it (a scaling decision names its incident), and — with ground truth — its verdict; each
 * known window no incident overlaps becomes a "missed" row. Rows in order of start. Pure.
 *
 * @param truth the service's known windows, or undefined when no ground truth was given (no verdicts then).
 * @param nameOf a container id's container name (replica group), when the data gives one.
 */
export function buildIncidentRows(
  events: readonly IncidentEvent[],
  scaling: readonly ReportScalingAction[],
  truth: readonly TruthWindow[] | undefined,
  stepMs: number,
  nameOf: (container: string) => string | undefined = () => undefined,
): IncidentRow[] {
  const byId = new Map<string, IncidentEvent[]>();
  for (const e of events) byId.set(e.incident.id, [...(byId.get(e.incident.id) ?? []), e]);
  type Unnumbered = Omit<IncidentRow, "ref">;
  const rows: Unnumbered[] = [...byId.values()].map((evs) => {
    const i = evs[evs.length - 1].incident;
    const own = incidentScaling(i.id, evs, scaling);
    const actions = [...evs.map((e) => ({ at: e.at, text: eventLabel(e) })), ...own.map((s) => ({ at: s.at, text: actionLabel(s) }))]
      .sort((a, b) => a.at - b.at)
      .map((a) => a.text);
    const matched = truth?.filter((t) => overlapsTruth(i, t, stepMs));
    return {
      incidentId: i.id,
      start: i.start,
      end: incidentEnd(i, stepMs),
      open: i.status === "open",
      kind: i.kind,
      peakGrade: i.peakGrade,
      confidence: i.confidence,
      containers: [...i.containers].sort(),
      ...countByName(i.containers, nameOf),
      topMetrics: i.topMetrics.slice(0, 3).map((m) => ({ metric: m.metric, ...(m.unit !== undefined ? { unit: m.unit } : {}), value: m.value, expected: m.expected, share: m.share })),
      actions,
      ...(matched ? { verdict: matched.length > 0 ? ("detected" as const) : ("false" as const) } : {}),
      ...(matched && matched.length > 0 ? { truth: matched.map(truthLabel).join("; ") } : {}),
    };
  });
  const incidents = [...byId.values()].map((evs) => evs[evs.length - 1].incident);
  for (const t of truth ?? []) {
    if (incidents.some((i) => overlapsTruth(i, t, stepMs))) continue;
    rows.push({ start: t.start, end: t.end, open: false, kind: t.kind, containers: t.container ? [t.container] : [], topMetrics: [], actions: [], verdict: "missed", truth: truthLabel(t) });
  }
  return rows.sort((a, b) => a.start - b.start || (a.incidentId === undefined ? 1 : -1)).map((r, n) => ({ ref: n + 1, ...r }));
}
