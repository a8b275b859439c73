import type { Anomaly, FeedbackEffect, FeedbackTag, FeedbackVerdict, Incident, IncidentKind, MetricAttribution } from "../types";

export type { FeedbackEffect, FeedbackTag, FeedbackVerdict };

/**
 * Operators' feedback on incidents, and what it does to detection. Pure.
 *
 * An on-call engineer marks an incident `false-alarm`, `expected` or `real`. The mark is kept with the incident's
 * pattern (its kind, container names, and its leading metrics with direction and size). From then on, each new
 * anomaly of the service is compared with the marks:
 * - it matches a mark when it is on the same service, on one of the mark's container names, its leading metric
 *   (highest share of the score) is one of the mark's metrics moving the same way, and no other metric of the mark
 *   that the anomaly carries with a sizeable share moves the other way — and it is where or when the marked incident
 *   was: on one of its containers, or within {@link SAME_TIME_MINUTES} of its start's time of day (UTC) on any
 *   container of those names. So a nightly job's repeats match on whichever task runs it, while a fault of the same
 *   shape on another task at another hour is not taken for one (a mark stored before this scope matches anywhere);
 * - a match with a `false-alarm` or `expected` mark leaves the anomaly out of incidents (it does not open, join or
 *   keep one alive), unless its leading metric moved at least {@link LARGER_DEVIATION_FACTOR} times as far from its
 *   expected value as the marked incident's did: a much larger deviation still alerts;
 * - a match with a `real` mark protects the anomaly: the operators' metric rules and the other marks cannot leave it
 *   out (maintenance windows and a held deployment still do: they silence everything, not a pattern).
 * The detector itself learns and scores as always; the marks only decide what counts toward incidents.
 * The incident's `kind` is kept for people (and reports), not matched: one anomaly has no kind.
 */

/** The verdicts, in the order help texts list them. */
export const FEEDBACK_VERDICTS: readonly FeedbackVerdict[] = ["false-alarm", "real", "expected"];

/** One metric of a marked incident's pattern, with what was seen and expected (the metric's unit). */
export interface PatternMetric {
  readonly metric: string;
  readonly direction: "up" | "down";
  /** The value seen at the incident's most deviating anomaly on this metric, and the value expected then. */
  readonly value: number;
  readonly expected: number;
  /** (value − expected) in the metric's recent standard deviations (signed), as the incident reported it. */
  readonly deviation: number;
  /** Share of the incident's score this metric carried, in [0, 1]. */
  readonly share: number;
  readonly unit?: string;
}

/** What a marked incident looked like: what a later anomaly is compared with. */
export interface FeedbackPattern {
  readonly kind: IncidentKind;
  /** Container names (replica groups) of the incident, sorted; "" for containers without a name. */
  readonly containerNames: readonly string[];
  /** The incident's leading metrics (at least one), highest share first. */
  readonly metrics: readonly PatternMetric[];
  /** The incident's containers (task-level ids), sorted: a later anomaly on one of them is in the mark's scope. */
  readonly containers?: readonly string[];
  /** Minute of the UTC day the incident started (0–1439): a later anomaly about then is in the mark's scope. */
  readonly minuteOfDay?: number;
}

/** One operator's verdict on one incident. */
export interface FeedbackRecord {
  readonly incidentId: string;
  readonly service: string;
  readonly verdict: FeedbackVerdict;
  readonly note?: string;
  /** When the feedback was given, epoch ms. */
  readonly at: number;
  readonly pattern: FeedbackPattern;
}

/**
 * A metric belongs to an incident's pattern when it carries at least this share of the incident's score (at most
 * {@link MAX_PATTERN_METRICS} of them; the leading metric always does). The same share decides which of an
 * anomaly's other metrics must agree in direction with the pattern.
 */
export const PATTERN_MIN_SHARE = 0.2;
export const MAX_PATTERN_METRICS = 3;

/**
 * A matching anomaly whose leading metric is at least this many times as far from its expected value (in the
 * metric's own unit, |value − expected|) as the marked incident's was still alerts. Three: a repeat of a marked
 * false alarm varies by tens of percent around the marked size, while a real fault on the same metrics (a CPU
 * saturation after a marked CPU wobble) is several times larger; the issue asks that "a 3× larger one" alert.
 */
export const LARGER_DEVIATION_FACTOR = 3;

/**
 * A mark's scope in time: an anomaly within this many minutes of the marked incident's time of day (either side, over
 * midnight too) is "when it was". An hour: scheduled jobs, backups and reports recur at a fixed time, give or take
 * how long they run and drift.
 */
export const SAME_TIME_MINUTES = 60;

const MINUTES_PER_DAY = 1440;
const minuteOfDayOf = (epochMs: number): number => Math.floor((((epochMs % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);

/** Whether `a` is where (one of the incident's containers) or when (about its time of day) the marked incident was. */
function inScope(p: FeedbackPattern, a: Anomaly): boolean {
  if (p.containers === undefined && p.minuteOfDay === undefined) return true;
  if (p.containers?.includes(a.container)) return true;
  if (p.minuteOfDay === undefined) return false;
  const d = Math.abs(minuteOfDayOf(a.timestamp) - p.minuteOfDay);
  return Math.min(d, MINUTES_PER_DAY - d) <= SAME_TIME_MINUTES;
}

/** The most marks a service keeps; the oldest go first (a mark of long ago says little about today's normal). */
export const MAX_FEEDBACK_RECORDS = 200;

function directionOf(m: Pick<MetricAttribution, "value" | "expected" | "deviation">): "up" | "down" | undefined {
  const delta = m.value - m.expected;
  if (delta > 0) return "up";
  if (delta < 0) return "down";
  return m.deviation > 0 ? "up" : m.deviation < 0 ? "down" : undefined;
}

/** The pattern of an incident as it is now: its kind, container names and leading metrics. */
export function patternOf(incident: Incident): FeedbackPattern {
  const withDirection = incident.topMetrics.map((m) => ({ m, direction: directionOf(m) })).filter((x): x is { m: MetricAttribution; direction: "up" | "down" } => x.direction !== undefined);
  const leading = withDirection.filter((x, i) => i === 0 || x.m.share >= PATTERN_MIN_SHARE).slice(0, MAX_PATTERN_METRICS);
  return {
    kind: incident.kind,
    containerNames: [...incident.containerNames].sort(),
    containers: [...incident.containers].sort(),
    minuteOfDay: minuteOfDayOf(incident.start),
    metrics: leading.map(({ m, direction }) => ({ metric: m.metric, direction, value: m.value, expected: m.expected, deviation: m.deviation, share: m.share, ...(m.unit !== undefined ? { unit: m.unit } : {}) })),
  };
}

/** A feedback record for `incident` (the pattern is taken from it as it is now). */
export function feedbackFor(incident: Incident, verdict: FeedbackVerdict, at: number, note?: string): FeedbackRecord {
  return { incidentId: incident.id, service: incident.service, verdict, ...(note !== undefined && note !== "" ? { note } : {}), at, pattern: patternOf(incident) };
}

/** The service's marks with `record` added: a newer verdict on the same incident replaces the older one. */
export function withFeedback(records: readonly FeedbackRecord[], record: FeedbackRecord): FeedbackRecord[] {
  return [...records.filter((r) => r.incidentId !== record.incidentId), record].slice(-MAX_FEEDBACK_RECORDS);
}

/**
 * How `a` compares with the mark `r`: undefined when it does not match; otherwise the ratio of the anomaly's
 * leading-metric deviation to the marked one (|value − expected|, the metric's unit).
 */
export function matchPattern(r: FeedbackRecord, a: Anomaly): { ratio: number } | undefined {
  if (a.service !== r.service || !r.pattern.containerNames.includes(a.containerName) || !inScope(r.pattern, a)) return undefined;
  const lead = a.attribution[0];
  if (!lead) return undefined;
  const marked = r.pattern.metrics.find((p) => p.metric === lead.metric);
  if (!marked || directionOf(lead) !== marked.direction) return undefined;
  for (const m of a.attribution) {
    if (m.share < PATTERN_MIN_SHARE) continue;
    const p = r.pattern.metrics.find((x) => x.metric === m.metric);
    if (p && directionOf(m) !== p.direction) return undefined;
  }
  const markedSize = Math.abs(marked.value - marked.expected);
  const size = Math.abs(lead.value - lead.expected);
  return { ratio: markedSize > 0 ? size / markedSize : size > 0 ? Number.POSITIVE_INFINITY : 1 };
}

/** What the marks make of one step's anomalies. */
export interface FeedbackJudgement {
  /** Anomalies matching a real mark: counted whatever the metric rules say. */
  readonly protectedAnomalies: readonly Anomaly[];
  /** Anomalies left out: they match a false-alarm / expected mark and are not much larger. */
  readonly suppressed: readonly Anomaly[];
  /** The rest: judged by the alert rules as usual. */
  readonly others: readonly Anomaly[];
  /** One tag per mark and effect that applied at this step. */
  readonly tags: readonly FeedbackTag[];
}

/** Sorts a step's anomalies by the service's marks (see the module comment for the rules). */
export function judgeFeedback(records: readonly FeedbackRecord[], anomalies: readonly Anomaly[]): FeedbackJudgement {
  if (records.length === 0) return { protectedAnomalies: [], suppressed: [], others: anomalies, tags: [] };
  const protectedAnomalies: Anomaly[] = [];
  const suppressed: Anomaly[] = [];
  const others: Anomaly[] = [];
  const tags = new Map<string, FeedbackTag>();
  const tag = (r: FeedbackRecord, effect: FeedbackEffect) => tags.set(`${r.incidentId}\u0000${effect}`, { incidentId: r.incidentId, verdict: r.verdict, effect });
  for (const a of anomalies) {
    const matches = records.map((r) => ({ r, match: matchPattern(r, a) })).filter((x): x is { r: FeedbackRecord; match: { ratio: number } } => x.match !== undefined);
    const real = matches.find((x) => x.r.verdict === "real");
    if (real) {
      tag(real.r, "protected");
      protectedAnomalies.push(a);
      continue;
    }
    const quieting = matches.find((x) => x.match.ratio < LARGER_DEVIATION_FACTOR);
    if (quieting) {
      tag(quieting.r, "suppressed");
      suppressed.push(a);
      continue;
    }
    for (const x of matches) tag(x.r, "larger");
    others.push(a);
  }
  return { protectedAnomalies, suppressed, others, tags: [...tags.values()] };
}

/** "false-alarm on checkout:2026-… (suppressed)": the marks that shaped an event, for people. */
export function describeFeedback(tags: readonly FeedbackTag[]): string {
  return tags.map((t) => `${t.verdict} on ${t.incidentId} (${t.effect})`).join(", ");
}
