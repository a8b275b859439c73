import * as v from "valibot";
import { feedbackFor, LARGER_DEVIATION_FACTOR } from "../detection/feedback";
import { feedbackVerdictSchema } from "../detection/feedbackSchema";
import { describeIssues } from "../errors/parseWithSchema";
import { StateConflictError, type Clock, type Log, type StateStore } from "../ports";
import { feedbackKey, recordFeedback } from "./feedbackStore";
import { knownIncidents, serviceOfIncidentId } from "./knownIncidents";

/**
 * The HTTPS feedback action (a Lambda function URL with IAM auth): `POST {incidentId, verdict, note?}` marks an
 * incident exactly as `cad feedback` does, next to the detector state. Answers: 200 with the stored mark; 400 for
 * a body that is not such an object (naming the field); 404 for an incident the service's state does not hold;
 * 405 for another method; 409 when concurrent writers kept winning (retry); 500 otherwise (logged).
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
      verdict: feedbackVerdictSchema(),
      note: v.optional(v.pipe(v.string("a note (text)"), v.maxLength(1000, "a note of at most 1000 characters"))),
    },
    (issue) => (issue.expected === "never" ? "one of the known fields: incidentId, verdict, note" : "an object {incidentId, verdict, note?}"),
  );
}

export function makeFeedbackHandler(deps: FeedbackHandlerDeps): (request: FeedbackRequest) => Promise<FeedbackResponse> {
  const schema = bodySchema();
  return async (request) => {
    const method = request.requestContext?.http?.method ?? "POST";
    if (method !== "POST") return reply(405, { error: `use POST with a JSON body {incidentId, verdict, note?}, not ${method}` });
    const text = request.isBase64Encoded ? Buffer.from(request.body ?? "", "base64").toString("utf8") : (request.body ?? "");
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      return reply(400, { error: "the body is not JSON: send {incidentId, verdict, note?}" });
    }
    const parsed = v.safeParse(schema, input, { abortPipeEarly: true });
    if (!parsed.success) return reply(400, { error: describeIssues(parsed.issues).join("; ") });
    const { incidentId, verdict, note } = parsed.output;
    const service = serviceOfIncidentId(incidentId) as string;
    try {
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
