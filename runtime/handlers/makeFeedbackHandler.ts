import * as v from "valibot";
import { feedbackFor, LARGER_DEVIATION_FACTOR } from "../detection/feedback";
import { feedbackVerdictSchema } from "../detection/feedbackSchema";
import { describeIssues } from "../errors/parseWithSchema";
import { StateConflictError, type Clock, type Log, type StateStore } from "../ports";
import { feedbackKey, recordFeedback, removeFeedback } from "./feedbackStore";
import { knownIncidents, serviceOfIncidentId } from "./knownIncidents";

/**
 * The HTTPS feedback action (a Lambda function URL with IAM auth): `POST {incidentId, verdict, note?}` marks an
 * incident exactly as `cad feedback` does, next to the detector state; `POST {incidentId, remove: true}` takes the
 * mark on that incident back, as `cad feedback --remove` does. Answers: 200 with the stored (or removed) mark; 400
 * for a body that is not such an object (naming the field); 404 for an incident the service's state does not hold
 * (for a removal: no mark on it); 405 for another method; 409 when concurrent writers kept winning (retry); 500
 * otherwise (logged).
 */
export interface FeedbackHandlerDeps {
  readonly state: StateStore;
  readonly clock: Clock;
  readonly log: Log;
}

/** The parts of a function URL request (payload format 2.0) the handler reads. */
export interface FeedbackRequest {
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly http?: { readonly method?: string } };
}

export interface FeedbackResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const reply = (statusCode: number, body: unknown): FeedbackResponse => ({ statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

function bodySchema() {
  return v.strictObject(
    {
      incidentId: v.pipe(v.string("an incident id <service>:<start>"), v.check((s) => serviceOfIncidentId(s) !== undefined, "an incident id <service>:<start>, e.g. checkout:2026-01-06T10:00:00.000Z")),
      verdict: v.optional(feedbackVerdictSchema()),
      note: v.optional(v.pipe(v.string("a note (text)"), v.maxLength(1000, "a note of at most 1000 characters"))),
      remove: v.optional(v.literal(true, "true (take the mark on incidentId back)")),
    },
    (issue) => (issue.expected === "never" ? "one of the known fields: incidentId, verdict, note, remove" : `an object ${BODY}`),
  );
}

const BODY = "{incidentId, verdict, note?} or {incidentId, remove: true}";

export function makeFeedbackHandler(deps: FeedbackHandlerDeps): (request: FeedbackRequest) => Promise<FeedbackResponse> {
  const schema = bodySchema();
  return async (request) => {
    const method = request.requestContext?.http?.method ?? "POST";
    if (method !== "POST") return reply(405, { error: `use POST with a JSON body ${BODY}, not ${method}` });
    const text = request.isBase64Encoded ? Buffer.from(request.body ?? "", "base64").toString("utf8") : (request.body ?? "");
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      return reply(400, { error: `the body is not JSON: send ${BODY}` });
    }
    const parsed = v.safeParse(schema, input, { abortPipeEarly: true });
    if (!parsed.success) return reply(400, { error: describeIssues(parsed.issues).join("; ") });
    const { incidentId, verdict, note, remove } = parsed.output;
    if ((verdict === undefined) === (remove === undefined)) return reply(400, { error: "give either verdict (false-alarm, real or expected: mark the incident) or remove: true (take its mark back)" });
    if (remove && note !== undefined) return reply(400, { error: "note: goes with a verdict (a removed mark keeps no note)" });
    const service = serviceOfIncidentId(incidentId) as string;
    try {
      if (verdict === undefined) {
        const { removed, memory } = await removeFeedback(deps.state, service, incidentId);
        if (!removed) return reply(404, { error: `no mark on "${incidentId}": the feedback of service "${service}" holds ${memory.records.length} mark(s)` });
        deps.log.info("feedback removed", { incidentId, service, verdict: removed.verdict, marks: memory.records.length });
        return reply(200, { removed, key: feedbackKey(service), marks: memory.records.length, effect: "the pattern alerts as it did before the mark" });
      }
      const known = await knownIncidents(deps.state, service);
      const incident = known?.find((i) => i.id === incidentId);
      if (!incident) return reply(404, { error: `unknown incident "${incidentId}": the detector state of service "${service}" holds ${known && known.length > 0 ? known.map((i) => i.id).join(", ") : "no incident"}` });
      const record = feedbackFor(incident, verdict, deps.clock.now(), note);
      const memory = await recordFeedback(deps.state, record);
      deps.log.info("feedback stored", { incidentId, service, verdict, marks: memory.records.length });
      return reply(200, { stored: record, key: feedbackKey(service), marks: memory.records.length, effect: verdict === "real" ? "the pattern keeps alerting" : `the pattern is quiet unless at least ${LARGER_DEVIATION_FACTOR}x larger` });
    } catch (err) {
      if (err instanceof StateConflictError) return reply(409, { error: "other feedback was being stored at the same time; send it again" });
      deps.log.error("feedback could not be stored", { incidentId, error: err instanceof Error ? err.message : String(err) });
      return reply(500, { error: "the feedback could not be stored (logged)" });
    }
  };
}
