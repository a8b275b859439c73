/**
 * What an incident alert says: a JSON body for machines, a readable subject for people, and attributes for
 * subscription filters — within SNS's limits (256 KB in all, subject < 100 printable ASCII characters,
 * <= 10 attributes for raw delivery to SQS). Pure: no I/O.
 */
import { describeMetric } from "../../detection/describeMetric";
import { describeFeedback } from "../../detection/feedback";
import { NAMED_CAUSES } from "../../model/detection";
import type { FeedbackTag, IncidentEvent, MetricAttribution } from "../../types";

/** SNS's limit on one message: body, subject and attributes together, bytes. */
export const SNS_MAX_BYTES = 262_144;
/** SNS: "less than 100 characters long". */
export const SUBJECT_MAX_CHARS = 99;
export const MAX_ATTRIBUTES = 10;

export type Severity = "critical" | "high" | "medium" | "low";

/** Severity from the incident's peak grade in [0, 1]: >= 0.75 critical, >= 0.5 high, >= 0.25 medium, else low. */
export function severityOf(grade: number): Severity {
  if (grade >= 0.75) return "critical";
  if (grade >= 0.5) return "high";
  if (grade >= 0.25) return "medium";
  return "low";
}

/**
 * The JSON body (schema `cad.incident-event/3`; /3 added the `restore` event type: the task count back at its
 * baseline after a resolved incident). `rules`, `calendar`, `feedback`, `giveFeedback` and `giveFeedbackUrl` are optional fields added within /3: a receiver that does not
 * know it ignores it, and nothing else changed.
 */
export interface AlertBody {
  readonly schema: "cad.incident-event/3";
  /** Stable id of this event (`<incident id>#<n>`): a re-sent event has the same one, so receivers can de-duplicate. */
  readonly eventId: string;
  readonly eventType: IncidentEvent["type"];
  /** ISO 8601 UTC. */
  readonly at: string;
  readonly summary: string;
  /** The operators' alert rules that changed this event (`maintenance:<window>`, `deployment`, `metric:<name>`); absent when none. */
  readonly rules?: readonly string[];
  /** The operators' feedback marks that shaped this event: the marked incident, its verdict, the effect; absent when none. */
  readonly feedback?: readonly FeedbackTag[];
  /** How on call marks this incident: the exact `cad feedback` command (pick one verdict). */
  readonly giveFeedback?: string;
  /** With the HTTPS feedback action deployed: the same mark as a SigV4-signed POST to its function URL (`awscurl`; pick one verdict). */
  readonly giveFeedbackUrl?: string;
  /** The service calendar's level (and holiday) that scaled the expected values of load-like metrics; absent when none did. */
  readonly calendar?: { readonly level: number; readonly holiday?: string };
  readonly incident: {
    readonly id: string;
    readonly service: string;
    readonly status: string;
    readonly kind: string;
    readonly severity: Severity;
    readonly start: string;
    /** Set when a pulse's end opened the incident: when its metrics came back (the alert's values are the pulse's). */
    readonly pulseEnd?: string;
    readonly lastAnomalyAt: string;
    readonly resolvedAt?: string;
    readonly durationSeconds: number;
    readonly containerCount: number;
    readonly containers: readonly string[];
    /** Container names (replica groups) affected; "" = containers without a name. */
    readonly containerNames: readonly string[];
    readonly anomalyCount: number;
    readonly peakScore: number;
    readonly threshold: number;
    /** Anomaly grade in [0, 1] at the incident's peak, and the detector's confidence in it. */
    readonly peakGrade: number;
    readonly confidence: number;
    /** The metrics that drive it: value seen vs value expected (same unit), deviation in standard deviations. */
    readonly topMetrics: readonly (MetricAttribution & { readonly text: string })[];
  };
  readonly scaling: {
    readonly action: string;
    readonly fromTasks: number;
    readonly toTasks: number;
    readonly applied: boolean;
    readonly reason: string;
    readonly error?: string;
  } | null;
  /** Present when lists were shortened to fit SNS's size limit: how many of how many are listed. */
  readonly truncated?: Readonly<Record<string, { readonly shown: number; readonly total: number }>>;
}

export interface AlertMessage {
  readonly subject: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));

/** Makes `text` a valid SNS subject: printable ASCII only, one line, fewer than 100 characters. */
export function toSubject(text: string): string {
  const ascii = text.replace(/[\r\n\t]+/g, " ").replace(/[^\x20-\x7e]/g, "?").trim();
  return ascii.length <= SUBJECT_MAX_CHARS ? ascii : `${ascii.slice(0, SUBJECT_MAX_CHARS - 3)}...`;
}

function headline(event: IncidentEvent, withConfidence = true): string {
  const { incident } = event;
  const what = incident.kind === "unknown" ? "anomaly" : incident.kind;
  const n = incident.containers.length;
  return `${what} on ${n} container${n === 1 ? "" : "s"} (grade ${round(incident.peakGrade, 2)}${withConfidence ? `, confidence ${round(incident.confidence, 2)}` : ""})`;
}

function subjectOf(event: IncidentEvent, severity: Severity): string {
  const { incident } = event;
  const tag = { open: "OPEN", update: "UPDATE", resolve: "RESOLVED", restore: "RESTORED" }[event.type];
  const scaling = event.scaling && event.scaling.action !== "none" ? (event.scaling.applied ? `, scaled ${event.scaling.fromTasks}->${event.scaling.toTasks}` : ", scaling FAILED") : "";
  return toSubject(`[CAD] ${tag} ${severity} ${incident.service}: ${headline(event, false)}${scaling}`);
}

function summaryOf(event: IncidentEvent, severity: Severity): string {
  const { incident } = event;
  const top = incident.topMetrics
    .slice(0, NAMED_CAUSES)
    .map((m) => `${describeMetric(m)} [${Math.round(m.share * 100)}% of the score]`)
    .join("; ");
  const verb =
    event.type === "resolve" || event.type === "restore" ? `resolved at ${iso(incident.resolvedAt ?? event.at)}${event.type === "restore" ? `, tasks restored at ${iso(event.at)}` : ""}` : `since ${iso(incident.start)}`;
  const scaling = event.scaling
    ? event.scaling.action === "none"
      ? ` No scaling: ${event.scaling.reason}.`
      : event.scaling.applied
        ? ` Scaling ${event.scaling.action} ${event.scaling.fromTasks} -> ${event.scaling.toTasks} tasks: ${event.scaling.reason}.`
        : ` Scaling ${event.scaling.action} FAILED: ${event.scaling.error ?? event.scaling.reason}.`
    : "";
  const pulse = incident.pulseEnd !== undefined ? ` A pulse: the metrics came back at ${iso(incident.pulseEnd)}; the values shown are the pulse's.` : "";
  const rules = event.rules && event.rules.length > 0 ? ` Alert rules applied: ${event.rules.join(", ")}.` : "";
  const calendar = event.calendar ? ` Calendar: expected traffic at ${Math.round(event.calendar.level * 100)} % of a normal hour${event.calendar.holiday !== undefined ? ` (holiday ${event.calendar.holiday})` : ""}.` : "";
  const feedback = event.feedback && event.feedback.length > 0 ? ` Feedback applied: ${describeFeedback(event.feedback)}.` : "";
  return `${severity} ${incident.service}: ${headline(event)}, ${verb}. Top metrics: ${top || "none"}.${pulse}${scaling}${rules}${calendar}${feedback}`;
}

/**
 * The command that marks `incidentId` (pick one verdict), with `storeOptions` (e.g. `--bucket NAME`) when the sender
 * knows where the feedback goes. The id is single-quoted for POSIX shells: incident ids hold colons.
 */
export function feedbackCommand(incidentId: string, storeOptions?: string): string {
  const quoted = `'${incidentId.replace(/'/g, `'\\''`)}'`;
  return `cad feedback --incident ${quoted} --verdict false-alarm|real|expected${storeOptions ? ` ${storeOptions}` : ""}`;
}

/** Where this deployment's feedback goes: the `cad feedback` store options (e.g. `--bucket NAME`) and, when deployed, the feedback action's function URL. */
export interface FeedbackReach {
  readonly storeOptions?: string;
  readonly url?: string;
}

/** A function URL's region, from its host `<url-id>.lambda-url.<region>.on.aws`; undefined for another URL. */
export function functionUrlRegion(url: string): string | undefined {
  return /^https:\/\/[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws\/?$/.exec(url)?.[1];
}

/**
 * The POST that marks `incidentId` through the feedback action's function URL (AWS_IAM auth), signed with SigV4 by
 * awscurl from the caller's usual AWS credentials (service `lambda`, the URL's region): pick one verdict. The JSON
 * body is single-quoted for POSIX shells.
 */
export function feedbackUrlCommand(incidentId: string, url: string): string {
  const region = functionUrlRegion(url);
  const body = `{"incidentId":${JSON.stringify(incidentId)},"verdict":"false-alarm|real|expected"}`;
  return `awscurl --service lambda${region ? ` --region ${region}` : ""} -X POST -d '${body.replace(/'/g, `'\\''`)}' ${url}`;
}

/** The body with at most `containers` containers and `metrics` metrics listed, and strings cut to `maxText` chars. */
function bodyOf(event: IncidentEvent, severity: Severity, containers: number, metrics: number, maxText: number, reach?: FeedbackReach): AlertBody {
  const { incident } = event;
  const cut = (s: string): string => (s.length <= maxText ? s : `${s.slice(0, maxText)}... (${s.length - maxText} more characters)`);
  const truncated: Record<string, { shown: number; total: number }> = {};
  if (containers < incident.containers.length) truncated.containers = { shown: containers, total: incident.containers.length };
  if (metrics < incident.topMetrics.length) truncated.topMetrics = { shown: metrics, total: incident.topMetrics.length };
  const end = incident.resolvedAt ?? incident.lastAnomalyAt;
  return {
    schema: "cad.incident-event/3",
    eventId: event.id,
    eventType: event.type,
    at: iso(event.at),
    summary: cut(summaryOf(event, severity)),
    ...(event.rules && event.rules.length > 0 ? { rules: event.rules.map(cut) } : {}),
    ...(event.calendar ? { calendar: event.calendar.holiday !== undefined ? { level: event.calendar.level, holiday: cut(event.calendar.holiday) } : { level: event.calendar.level } } : {}),
    ...(event.feedback && event.feedback.length > 0 ? { feedback: event.feedback } : {}),
    giveFeedback: cut(feedbackCommand(incident.id, reach?.storeOptions)),
    ...(reach?.url ? { giveFeedbackUrl: cut(feedbackUrlCommand(incident.id, reach.url)) } : {}),
    incident: {
      id: incident.id,
      service: incident.service,
      status: incident.status,
      kind: incident.kind,
      severity,
      start: iso(incident.start),
      ...(incident.pulseEnd !== undefined ? { pulseEnd: iso(incident.pulseEnd) } : {}),
      lastAnomalyAt: iso(incident.lastAnomalyAt),
      ...(incident.resolvedAt !== undefined ? { resolvedAt: iso(incident.resolvedAt) } : {}),
      durationSeconds: Math.max(0, Math.round((end - incident.start) / 1000)),
      containerCount: incident.containers.length,
      containers: incident.containers.slice(0, containers).map(cut),
      containerNames: incident.containerNames.map(cut),
      anomalyCount: incident.anomalyCount,
      peakScore: incident.peakScore,
      threshold: incident.threshold,
      peakGrade: incident.peakGrade,
      confidence: incident.confidence,
      topMetrics: incident.topMetrics.slice(0, metrics).map((m) => ({ ...m, metric: cut(m.metric), text: cut(describeMetric(m)) })),
    },
    scaling: event.scaling
      ? {
          action: event.scaling.action,
          fromTasks: event.scaling.fromTasks,
          toTasks: event.scaling.toTasks,
          applied: event.scaling.applied,
          reason: cut(event.scaling.reason),
          ...(event.scaling.error !== undefined ? { error: cut(event.scaling.error) } : {}),
        }
      : null,
    ...(Object.keys(truncated).length ? { truncated } : {}),
  };
}

/** Largest n in [0, max] with fits(n), assuming fits is monotone (true up to some n). */
function largestFitting(max: number, fits: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const utf8 = (s: string): number => Buffer.byteLength(s, "utf8");

/**
 * Builds the alert for one incident event. Lists (containers first, then top metrics) are shortened, and said
 * to be, until the whole message — body, subject and attributes — fits in `maxBytes`.
 */
export function buildAlertMessage(event: IncidentEvent, maxBytes = SNS_MAX_BYTES, reach?: FeedbackReach): AlertMessage {
  const { incident } = event;
  if (!incident.service) throw new Error(`incident ${JSON.stringify(incident.id)} has no service: cannot address an alert`);
  const severity = severityOf(incident.peakGrade);
  const subject = subjectOf(event, severity);
  const attributes: Record<string, string> = { eventId: event.id, eventType: event.type, service: incident.service, severity, kind: incident.kind };
  // Subscription filters can route or drop rule-tagged alerts (e.g. those sent during a deployment).
  if (event.rules && event.rules.length > 0) attributes.rules = event.rules.join(",");
  // …and those feedback shaped (`false-alarm:larger`, `real:protected`).
  if (event.feedback && event.feedback.length > 0) attributes.feedback = [...new Set(event.feedback.map((f) => `${f.verdict}:${f.effect}`))].join(",");
  const overhead = utf8(subject) + Object.entries(attributes).reduce((sum, [k, v]) => sum + utf8(k) + utf8("String") + utf8(v), 0);
  const budget = maxBytes - overhead;
  const fits = (b: AlertBody): boolean => utf8(JSON.stringify(b)) <= budget;
  const all = { c: incident.containers.length, m: incident.topMetrics.length };
  for (const maxText of [Number.POSITIVE_INFINITY, 1_000, 100]) {
    if (!fits(bodyOf(event, severity, 0, 0, maxText, reach))) continue;
    const m = largestFitting(all.m, (n) => fits(bodyOf(event, severity, 0, n, maxText, reach)));
    const c = largestFitting(all.c, (n) => fits(bodyOf(event, severity, n, m, maxText, reach)));
    // The top metrics explain the incident: they get the room first, the container list fills what is left.
    return { subject, attributes, body: JSON.stringify(bodyOf(event, severity, c, m, maxText, reach)) };
  }
  throw new Error(`alert for incident ${incident.id} cannot fit in ${maxBytes} bytes even with every list emptied`);
}
