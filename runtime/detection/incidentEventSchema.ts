import * as v from "valibot";
import { describeIssues } from "../errors/parseWithSchema";
import type { IncidentEvent } from "../types";

const finite = v.pipe(v.number(), v.finite("expected a finite number"));
const epochMs = v.pipe(v.number(), v.integer("expected epoch milliseconds"), v.minValue(0, "expected epoch milliseconds"));
const count = v.pipe(v.number(), v.integer("expected a whole number >= 0"), v.minValue(0, "expected a whole number >= 0"));
const text = v.pipe(v.string(), v.nonEmpty("expected a non-empty string"));
const ROLES = ["cpu", "memory", "network-rx", "network-tx", "restarts", "throttling", "latency", "other"] as const;
const KINDS = ["saturation", "memory-leak", "crash-loop", "cpu-throttling", "network", "unknown"] as const;

/**
 * An incident event as it sits in the alert outbox (saved with the detector state, read back from S3 or a file)
 * and reaches an alert sink. Loose objects: fields added by a newer writer (an event id, say) pass through.
 */
export const INCIDENT_EVENT_SCHEMA = v.looseObject({
  type: v.picklist(["open", "update", "resolve"], "expected open, update or resolve"),
  at: epochMs,
  incident: v.looseObject({
    id: text,
    service: text,
    status: v.picklist(["open", "resolved"], "expected open or resolved"),
    kind: v.picklist(KINDS, `expected one of ${KINDS.join(", ")}`),
    start: epochMs,
    lastAnomalyAt: epochMs,
    resolvedAt: v.optional(epochMs),
    containers: v.array(v.string()),
    anomalyCount: count,
    peakScore: finite,
    peakGrade: finite,
    threshold: finite,
    topMetrics: v.array(
      v.looseObject({ metric: v.string(), role: v.picklist(ROLES, `expected one of ${ROLES.join(", ")}`), share: finite, value: finite, expected: finite }),
    ),
  }),
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
