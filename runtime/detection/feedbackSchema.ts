import * as v from "valibot";
import { parseWithSchema } from "../errors/parseWithSchema";
import { FEEDBACK_VERDICTS, MAX_FEEDBACK_RECORDS, type FeedbackRecord, type FeedbackVerdict } from "./feedback";

/**
 * Schemas of operators' feedback: a record (the CLI and the feedback Lambda build one, the detector reads them) and
 * a service's feedback memory as stored next to its detector state. Built when called (at cold start in a Lambda).
 */

export const FEEDBACK_MEMORY_FORMAT = "cad-feedback/1";

/** A service's feedback, as one StateStore object (JSON). */
export interface FeedbackMemory {
  readonly format: typeof FEEDBACK_MEMORY_FORMAT;
  readonly service: string;
  /** Oldest first; one per incident (a newer verdict replaced an older one). */
  readonly records: readonly FeedbackRecord[];
}

const verdictWhat = `one of ${FEEDBACK_VERDICTS.join(", ")}`;

/** The verdict schema (the CLI's --verdict and the HTTPS action's body use it). */
export function feedbackVerdictSchema() {
  return v.picklist(FEEDBACK_VERDICTS as FeedbackVerdict[], verdictWhat);
}

export function feedbackRecordSchema() {
  const finite = (what: string) => v.pipe(v.number(what), v.finite(what));
  const text = (what: string) => v.pipe(v.string(what), v.nonEmpty(what));
  const patternMetric = v.object({
    metric: text("a metric name"),
    direction: v.picklist(["up", "down"], '"up" or "down"'),
    value: finite("a finite number (the metric's unit)"),
    expected: finite("a finite number (the metric's unit)"),
    deviation: finite("a finite number of standard deviations"),
    share: v.pipe(v.number("a share in [0, 1]"), v.minValue(0, "a share in [0, 1]"), v.maxValue(1, "a share in [0, 1]")),
    unit: v.optional(v.string("a unit name")),
  });
  return v.object({
    incidentId: text("an incident id such as checkout:2026-01-06T10:00:00.000Z"),
    service: text("a service name"),
    verdict: feedbackVerdictSchema(),
    note: v.optional(v.pipe(v.string("a note (text)"), v.maxLength(1000, "a note of at most 1000 characters"))),
    at: v.pipe(v.number("epoch milliseconds"), v.integer("epoch milliseconds"), v.minValue(0, "epoch milliseconds")),
    pattern: v.object({
      kind: v.picklist(["saturation", "memory-leak", "crash-loop", "cpu-throttling", "network", "unknown"], "an incident kind"),
      containerNames: v.array(v.string("a container name"), "a list of container names"),
      metrics: v.pipe(v.array(patternMetric, "a list of metrics"), v.minLength(1, "at least one metric")),
      containers: v.optional(v.array(v.string("a container id"), "a list of container ids")),
      minuteOfDay: v.optional(v.pipe(v.number("a minute of the UTC day"), v.integer("a minute of the UTC day"), v.minValue(0, "a minute of the UTC day (0-1439)"), v.maxValue(1439, "a minute of the UTC day (0-1439)"))),
    }),
  });
}

export function feedbackMemorySchema() {
  return v.object({
    format: v.literal(FEEDBACK_MEMORY_FORMAT, `"${FEEDBACK_MEMORY_FORMAT}"`),
    service: v.pipe(v.string("a service name"), v.nonEmpty("a service name")),
    records: v.pipe(v.array(feedbackRecordSchema(), "a list of feedback records"), v.maxLength(MAX_FEEDBACK_RECORDS, `at most ${MAX_FEEDBACK_RECORDS} records`)),
  });
}

/** Parses a stored feedback memory, or throws a SchemaError naming `where` and the field (`records[0].verdict`). */
export function parseFeedbackMemory(input: unknown, where: string): FeedbackMemory {
  return parseWithSchema(feedbackMemorySchema(), input, where) as FeedbackMemory;
}

/** Parses one feedback record, or throws a SchemaError naming `where` and the field. */
export function parseFeedbackRecord(input: unknown, where: string): FeedbackRecord {
  return parseWithSchema(feedbackRecordSchema(), input, where) as FeedbackRecord;
}
