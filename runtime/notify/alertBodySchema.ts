/**
 * The incident alert as the topic's subscribers receive it (schema `cad.incident-event/3`, built by
 * runtime/adapters/sns/alertMessage.ts), parsed back at the notifiers' boundary. Objects are loose so that a field
 * added in a later minor change does not break a notifier; the schema id is exact, so a new major version does.
 * Pure: no I/O.
 */
import * as v from "valibot";
import { parseJson, parseWithSchema } from "../errors/parseWithSchema";
import type { AlertBody } from "../adapters/sns/alertMessage";

const iso = v.pipe(v.string(), v.isoTimestamp("an ISO 8601 timestamp"));
const finite = v.pipe(v.number(), v.finite());

const MetricSchema = v.looseObject({
  metric: v.string(),
  role: v.string(),
  unit: v.optional(v.string()),
  share: finite,
  value: finite,
  expected: finite,
  deviation: finite,
  text: v.string(),
});

export const AlertBodySchema = v.looseObject({
  schema: v.literal("cad.incident-event/3"),
  eventId: v.pipe(v.string(), v.regex(/#\d+$/, "an event id `<incident id>#<n>`")),
  eventType: v.picklist(["open", "update", "resolve", "restore"]),
  at: iso,
  summary: v.string(),
  feedback: v.optional(v.array(v.looseObject({ incidentId: v.string(), verdict: v.picklist(["false-alarm", "real", "expected"]), effect: v.picklist(["suppressed", "larger", "protected"]) }))),
  giveFeedback: v.optional(v.string()),
  giveFeedbackUrl: v.optional(v.string()),
  incident: v.looseObject({
    id: v.pipe(v.string(), v.minLength(1)),
    service: v.pipe(v.string(), v.minLength(1)),
    status: v.string(),
    kind: v.string(),
    severity: v.picklist(["critical", "high", "medium", "low"]),
    start: iso,
    pulseEnd: v.optional(iso),
    lastAnomalyAt: iso,
    resolvedAt: v.optional(iso),
    durationSeconds: finite,
    containerCount: finite,
    containers: v.array(v.string()),
    containerNames: v.array(v.string()),
    anomalyCount: finite,
    peakScore: finite,
    threshold: finite,
    peakGrade: finite,
    confidence: finite,
    topMetrics: v.array(MetricSchema),
  }),
  scaling: v.nullable(
    v.looseObject({
      action: v.string(),
      fromTasks: finite,
      toTasks: finite,
      applied: v.boolean(),
      reason: v.string(),
      error: v.optional(v.string()),
    }),
  ),
  truncated: v.optional(v.record(v.string(), v.looseObject({ shown: finite, total: finite }))),
});

/** Parses one alert message's JSON text; throws a SchemaError naming `where` and the bad field. */
export function parseAlertBody(text: string, where: string): AlertBody {
  const parsed = parseWithSchema(AlertBodySchema, parseJson(text, where), where);
  return parsed as AlertBody;
}

/** The event's sequence number within its incident: `n` of `<incident id>#<n>` (1 = the open event). */
export function eventSequence(body: Pick<AlertBody, "eventId">): number {
  return Number(body.eventId.slice(body.eventId.lastIndexOf("#") + 1));
}
