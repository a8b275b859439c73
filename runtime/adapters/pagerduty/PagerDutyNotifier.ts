import { errorMessage } from "../../errors/errorMessage";
import type { Log, Secrets } from "../../ports";
import { NotifierError, type Notifier, type NotifyOutcome } from "../../notify/notifier";
import { pagerDutyEventOf, type PagerDutyEvent } from "../../notify/pagerDutyEvent";
import type { AlertBody } from "../sns/alertMessage";
import { retryAfterMs } from "../retry/retryAfter";
import { checkCredentialUrl, postJson } from "../notify/postJson";

/** PagerDuty's Events API v2 endpoint (US service region; the EU one is https://events.eu.pagerduty.com/v2/enqueue). */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

export interface PagerDutyNotifierOptions {
  /** Where the routing key is read from, cached per container by the Secrets adapter. */
  readonly secrets: Secrets;
  /** Path of the secret (relative to the KV mount); its key `routingKey` is the Events API v2 integration key. */
  readonly secretPath: string;
  /** Events API endpoint. Default {@link PAGERDUTY_EVENTS_URL}. */
  readonly url?: string;
  /** Per-request timeout, ms. Default 10 s. */
  readonly timeoutMs?: number;
  readonly log: Log;
  readonly fetch?: typeof fetch;
}

/**
 * Sends incident alerts to PagerDuty's Events API v2 (`POST /v2/enqueue`, mapping in runtime/notify/pagerDutyEvent.ts).
 * Answers: 202 accepted; 400 invalid event (permanent: `rejected`, with PagerDuty's errors); 429 rate-limited
 * (retryable, with Retry-After when sent); 5xx (retryable: `unavailable`); any other status is permanent.
 * The routing key is never logged nor put in an error.
 */
export class PagerDutyNotifier implements Notifier {
  readonly name = "pagerduty";
  private readonly url: URL;

  constructor(private readonly options: PagerDutyNotifierOptions) {
    this.url = checkCredentialUrl(options.url ?? PAGERDUTY_EVENTS_URL, "PagerDuty events URL");
  }

  async notify(alert: AlertBody): Promise<NotifyOutcome> {
    const where = `PagerDuty event for incident ${alert.incident.id} (${alert.eventType})`;
    let event: PagerDutyEvent | undefined;
    try {
      event = pagerDutyEventOf(alert);
    } catch (error) {
      throw new NotifierError("unmappable", `${where}: ${errorMessage(error)}`);
    }
    if (event === undefined) return "skipped";
    const routingKey = await this.routingKey();
    const answer = await postJson(this.url, { routing_key: routingKey, ...event }, "PagerDuty Events API", { timeoutMs: this.options.timeoutMs ?? 10_000, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) });
    const said = describeAnswer(answer.text);
    if (answer.status === 202) {
      this.options.log.info("PagerDuty accepted the event", { incidentId: alert.incident.id, eventId: alert.eventId, action: event.event_action, dedupKey: event.dedup_key });
      return "sent";
    }
    if (answer.status === 429) {
      const wait = retryAfterMs(answer.retryAfter);
      throw new NotifierError("rate-limited", `${where}: PagerDuty is rate limiting (429)${wait === undefined ? "" : `, retry after ${wait} ms`}${said}`, 429, wait);
    }
    if (answer.status >= 500) throw new NotifierError("unavailable", `${where}: PagerDuty answered ${answer.status}${said}`, answer.status);
    if (answer.status === 400) throw new NotifierError("rejected", `${where}: PagerDuty refused it as invalid (400)${said}`, 400);
    throw new NotifierError("gone", `${where}: PagerDuty answered ${answer.status}${said}`, answer.status);
  }

  private async routingKey(): Promise<string> {
    const path = this.options.secretPath;
    let data: Readonly<Record<string, string>>;
    try {
      data = await this.options.secrets.read(path);
    } catch (error) {
      throw new NotifierError("secret", `PagerDuty routing key: ${errorMessage(error)}`, undefined, undefined, error);
    }
    const key = data.routingKey;
    if (key === undefined || key.trim() === "") {
      throw new NotifierError("secret", `PagerDuty routing key: Vault secret "${path}" has no "routingKey" (keys: ${Object.keys(data).join(", ") || "none"}); put the Events API v2 integration key there`);
    }
    return key.trim();
  }
}

/** `: <status> — <message> (<errors>)` from PagerDuty's JSON answer, cut short; "" when there is nothing to say. */
function describeAnswer(text: string): string {
  let body: { status?: unknown; message?: unknown; errors?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return text.trim() === "" ? "" : `: ${text.trim().slice(0, 200)}`;
  }
  const parts = [body?.status, body?.message].filter((p): p is string => typeof p === "string" && p !== "");
  const errors = Array.isArray(body?.errors) ? ` (${body.errors.map(String).join("; ")})` : "";
  const out = `${parts.join(": ")}${errors}`.slice(0, 300);
  return out === "" ? "" : `: ${out}`;
}
