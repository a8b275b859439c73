import { existsSync, readFileSync } from "node:fs";
import * as v from "valibot";
import type { FeedbackPattern, FeedbackVerdict } from "../runtime/detection/feedback";
import { feedbackRecordSchema, feedbackVerdictSchema } from "../runtime/detection/feedbackSchema";
import { parseJson, parseWithSchema } from "../runtime/errors/parseWithSchema";
import { CliError, EXIT_USAGE } from "./cliError";

/**
 * One line of a `cad backtest --feedback FILE`: a verdict on an incident of the replay (by its id, as a previous
 * backtest of the same data printed it), given when the replay resolves that incident; or a verdict on a pattern
 * (the shape a stored feedback record holds), given from `at` (default: from the start of the replay).
 */
export type BacktestFeedback =
  | { readonly incidentId: string; readonly verdict: FeedbackVerdict; readonly note?: string }
  | { readonly service: string; readonly pattern: FeedbackPattern; readonly verdict: FeedbackVerdict; readonly note?: string; readonly at?: number; readonly name: string };

function fileSchema() {
  const record = feedbackRecordSchema();
  const note = v.optional(v.pipe(v.string("a note (text)"), v.maxLength(1000, "a note of at most 1000 characters")));
  const byId = v.strictObject({ incidentId: v.pipe(v.string("an incident id"), v.nonEmpty("an incident id")), verdict: feedbackVerdictSchema(), note });
  const byPattern = v.strictObject({
    name: v.optional(v.pipe(v.string("a name for the alerts to show"), v.nonEmpty("a name for the alerts to show"))),
    service: v.pipe(v.string("a service name"), v.nonEmpty("a service name")),
    pattern: record.entries.pattern,
    verdict: feedbackVerdictSchema(),
    note,
    at: v.optional(v.pipe(v.string("an ISO 8601 time"), v.isoTimestamp("an ISO 8601 time, e.g. 2026-01-06T10:00:00Z"))),
  });
  const entryWhat = "an entry {incidentId, verdict, note?} or {service, pattern, verdict, note?, at?, name?}";
  return { list: v.array(v.unknown(), "a JSON list of feedback entries"), object: v.record(v.string(), v.unknown(), entryWhat), byId, byPattern };
}

/**
 * Reads `--feedback FILE`: a JSON list of entries (see {@link BacktestFeedback}).
 *
 * @throws CliError (usage, exit 2) for a missing file or content that is not such a list, naming the entry and field.
 */
export function readFeedbackFile(file: string, option: string): BacktestFeedback[] {
  if (!existsSync(file)) throw new CliError(`${option} ${file}: no such file`, EXIT_USAGE);
  try {
    const schema = fileSchema();
    const list = parseWithSchema(schema.list, parseJson(readFileSync(file, "utf8"), file), file);
    return list.map((raw, i): BacktestFeedback => {
      const where = `${file}[${i}]`;
      // An entry with an incidentId is judged as one; any other as a pattern entry, so errors name that entry's fields.
      const e = "incidentId" in parseWithSchema(schema.object, raw, where) ? parseWithSchema(schema.byId, raw, where) : parseWithSchema(schema.byPattern, raw, where);
      if ("incidentId" in e) return { incidentId: e.incidentId, verdict: e.verdict, ...(e.note !== undefined ? { note: e.note } : {}) };
      return { service: e.service, pattern: e.pattern, verdict: e.verdict, name: e.name ?? `${file}[${i}]`, ...(e.note !== undefined ? { note: e.note } : {}), ...(e.at !== undefined ? { at: Date.parse(e.at) } : {}) };
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT_USAGE);
  }
}
