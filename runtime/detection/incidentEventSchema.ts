import * as v from "valibot";
import { describeIssues } from "../errors/parseWithSchema";
import { incidentSchema } from "./incidentSchemas";
import type { IncidentEvent } from "../types";

const epochMs = v.pipe(v.number(), v.integer("expected epoch milliseconds"), v.minValue(0, "expected epoch milliseconds"));
const count = v.pipe(v.number(), v.integer("expected a whole number >= 0"), v.minValue(0, "expected a whole number >= 0"));
const text = v.pipe(v.string(), v.nonEmpty("expected a non-empty string"));

/**
 * An incident event as it sits in the alert outbox (saved with the detector state, read back from S3 or a file)
 * and reaches an alert sink. Loose objects: fields added by a newer writer (an event id, say) pass through.
 */
export const INCIDENT_EVENT_SCHEMA = v.looseObject({
  id: text,
  type: v.picklist(["open", "update", "resolve", "restore"], "expected open, update, resolve or restore"),
  at: epochMs,
  incident: incidentSchema,
  rules: v.optional(v.array(text)),
  feedback: v.optional(
    v.array(
      v.looseObject({
        incidentId: text,
        verdict: v.picklist(["false-alarm", "real", "expected"], "expected false-alarm, real or expected"),
        effect: v.picklist(["suppressed", "larger", "protected"], "expected suppressed, larger or protected"),
      }),
    ),
  ),
  calendar: v.optional(v.looseObject({ level: v.pipe(v.number(), v.finite("expected a finite level"), v.gtValue(0, "expected a level above 0")), holiday: v.optional(text) })),
  scaling: v.optional(
    v.looseObject({
      service: v.string(),
      action: v.picklist(["scale-out", "restore", "none"], "expected scale-out, restore or none"),
      fromTasks: count,
      toTasks: count,
      reason: v.string(),
      applied: v.boolean(),
      dryRun: v.optional(v.boolean()),
      error: v.optional(v.string()),
    }),
  ),
});

/**
 * Why `value` is not a deliverable incident event (one line per problem, input quoted at most ~80 characters),
 * or undefined when it is one. A check, not a transform: the caller keeps sending the event it has.
 */
export function incidentEventProblems(value: unknown): string[] | undefined {
  const result = v.safeParse(INCIDENT_EVENT_SCHEMA, value, { abortPipeEarly: true });
  return result.success ? undefined : describeIssues(result.issues);
}

/** True when `value` is a well-formed incident event. */
export function isIncidentEvent(value: unknown): value is IncidentEvent {
  return incidentEventProblems(value) === undefined;
}
