import { jsonReply, startLoopbackServer, type LoopbackReply, type RunningServer } from "./loopbackServer";

/** One alert as the loopback PagerDuty keeps it, per dedup_key. */
export interface PagerDutyAlert {
  readonly dedupKey: string;
  status: "triggered" | "resolved";
  /** Trigger events received for it (the first opened it; later ones were added to its log). */
  triggers: number;
  /** Times an on-call engineer would have been paged (a trigger that opened or re-opened the alert). */
  pages: number;
  /** The latest trigger's payload. */
  payload: Record<string, unknown>;
}

/** A canned answer instead of processing the next event: a status with PagerDuty's body for it. */
export interface PagerDutyFault {
  readonly status: 400 | 429 | 500 | 502 | 503;
  /** Sent as Retry-After (429 only). */
  readonly retryAfter?: string;
}

export interface PagerDutyServer extends RunningServer {
  /** Every request body received, parsed, in order (accepted or not). */
  readonly received: Record<string, unknown>[];
  /** Alerts by dedup_key. */
  readonly alerts: Map<string, PagerDutyAlert>;
  /** The next requests get these answers, one each, before normal processing resumes. */
  fail(...faults: PagerDutyFault[]): void;
}

const SEVERITIES = ["critical", "error", "warning", "info"];
const ACTIONS = ["trigger", "acknowledge", "resolve"];

/** The problems PagerDuty reports for an invalid Events API v2 alert event ([] = valid). */
function problems(event: Record<string, unknown>, routingKeys: readonly string[]): string[] {
  const out: string[] = [];
  if (typeof event.routing_key !== "string" || event.routing_key.length !== 32) out.push("'routing_key' must be a 32 character string");
  else if (!routingKeys.includes(event.routing_key)) out.push("Invalid routing key");
  if (!ACTIONS.includes(String(event.event_action))) out.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  const dedup = event.dedup_key;
  if (dedup !== undefined && (typeof dedup !== "string" || dedup.length > 255)) out.push("'dedup_key' must be a string of at most 255 characters");
  if (event.event_action !== "trigger" && typeof dedup !== "string") out.push("'dedup_key' is required for acknowledge and resolve events");
  if (event.event_action === "trigger") {
    const payload = event.payload as Record<string, unknown> | undefined;
    if (typeof payload !== "object" || payload === null) out.push("'payload' is missing or not an object");
    else {
      if (typeof payload.summary !== "string" || payload.summary === "") out.push("'payload.summary' is missing");
      else if (payload.summary.length > 1024) out.push("'payload.summary' must be at most 1024 characters");
      if (typeof payload.source !== "string" || payload.source === "") out.push("'payload.source' is missing");
      if (!SEVERITIES.includes(String(payload.severity))) out.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
      if (payload.timestamp !== undefined && Number.isNaN(Date.parse(String(payload.timestamp)))) out.push("'payload.timestamp' must be an ISO 8601 timestamp");
    }
  }
  return out;
}

/**
 * A loopback server speaking PagerDuty's Events API v2 alert events: `POST /v2/enqueue` with a JSON body, answers
 * 202 `{status: "success", message: "Event processed", dedup_key}`, 400 `{status: "invalid event", message: "Event
 * object is invalid", errors: [...]}`, and, on demand ({@link PagerDutyServer.fail}), 429 (with or without
 * Retry-After) or 5xx. Alerts follow PagerDuty's rules: a trigger opens an alert for its
 * dedup_key (or is added to the open one), a resolve resolves the open alert and is ignored when there is none, a
 * trigger for a resolved alert opens it again (and pages again).
 */
export async function startPagerDutyServer(options: { readonly routingKeys: readonly string[] }): Promise<PagerDutyServer> {
  const received: Record<string, unknown>[] = [];
  const alerts = new Map<string, PagerDutyAlert>();
  const faults: PagerDutyFault[] = [];
  let counter = 0;
  const server = await startLoopbackServer((req): LoopbackReply => {
    if (req.method !== "POST" || req.path !== "/v2/enqueue") return jsonReply(404, { status: "error", message: "Not found" });
    const fault = faults.shift();
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return jsonReply(400, { status: "invalid event", message: "Event object is invalid", errors: ["Request body is not valid JSON"] });
    }
    received.push(event);
    if (fault !== undefined) {
      if (fault.status === 429) return jsonReply(429, { status: "throttle event", message: "Requests for this service are arriving too quickly. Please retry later." }, fault.retryAfter ? { "Retry-After": fault.retryAfter } : {});
      if (fault.status === 400) return jsonReply(400, { status: "invalid event", message: "Event object is invalid", errors: ["injected"] });
      return { status: fault.status, headers: { "Content-Type": "text/plain" }, body: "Internal Server Error" };
    }
    const found = problems(event, options.routingKeys);
    if (found.length > 0) return jsonReply(400, { status: "invalid event", message: "Event object is invalid", errors: found });
    const dedupKey = typeof event.dedup_key === "string" ? event.dedup_key : `generated-${++counter}`;
    const alert = alerts.get(dedupKey);
    if (event.event_action === "trigger") {
      const payload = event.payload as Record<string, unknown>;
      if (alert === undefined) alerts.set(dedupKey, { dedupKey, status: "triggered", triggers: 1, pages: 1, payload });
      else {
        if (alert.status === "resolved") alert.pages++;
        alert.status = "triggered";
        alert.triggers++;
        alert.payload = payload;
      }
    } else if (event.event_action === "resolve" && alert?.status === "triggered") alert.status = "resolved";
    return jsonReply(202, { status: "success", message: "Event processed", dedup_key: dedupKey });
  });
  return {
    ...server,
    received,
    alerts,
    fail: (...more: PagerDutyFault[]) => faults.push(...more),
  };
}
