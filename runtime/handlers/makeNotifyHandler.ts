import * as v from "valibot";
import { errorMessage } from "../errors/errorMessage";
import { parseWithSchema } from "../errors/parseWithSchema";
import type { AlertBody } from "../adapters/sns/alertMessage";
import { eventSequence, parseAlertBody } from "../notify/alertBodySchema";
import type { DeliveryQueue } from "../notify/deliveryQueue";
import { isRetryable, type Notifier, type NotifierError } from "../notify/notifier";
import { StateConflictError, type Clock, type Log, type StateStore } from "../ports";
import type { SqsBatchResponse } from "./sqsBatch";

/** The fields of Lambda's SQS event a notifier uses. */
const sqsEventSchema = v.looseObject({
  Records: v.array(
    v.looseObject({
      messageId: v.pipe(v.string(), v.minLength(1)),
      receiptHandle: v.string(),
      body: v.string(),
      attributes: v.optional(v.looseObject({ ApproximateReceiveCount: v.optional(v.string()) })),
    }),
  ),
});

export interface NotifyDeps {
  readonly notifier: Notifier;
  readonly queue: DeliveryQueue;
  /** Per incident, the newest event this notifier delivered: later arrivals of older events are dropped. */
  readonly progress: StateStore;
  /** Attempts of a retryable failure before the message is parked in the dead-letter queue with its last error (>= 1). */
  readonly maxAttempts: number;
  readonly clock: Clock;
  readonly log: Log;
}

/** What became of one message. `superseded`: a newer event of its incident was already delivered. */
export type NotifyMessageOutcome = "sent" | "skipped" | "superseded" | "parked" | "retry";

export interface NotifyResult extends SqsBatchResponse {
  readonly outcomes: readonly { readonly messageId: string; readonly incidentId?: string; readonly eventId?: string; readonly outcome: NotifyMessageOutcome; readonly error?: string }[];
}

interface Progress {
  /** Sequence number (`n` of `<incident id>#<n>`) of the newest event delivered. */
  readonly lastSent: number;
  readonly eventId: string;
  /** Epoch ms. */
  readonly at: number;
}

interface Parsed {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly text: string;
  readonly receives: number;
  readonly alert: AlertBody;
  readonly sequence: number;
}

/** A state key segment for any incident id: percent-encoded, including the characters state keys refuse. */
export function progressKey(notifier: string, incidentId: string): string {
  const segment = encodeURIComponent(incidentId).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `notify/${notifier}/${segment}`;
}

/** The alert's JSON text: the SQS body itself (raw delivery), or the `Message` of an SNS envelope. */
function alertText(body: string): string {
  try {
    const envelope = JSON.parse(body) as { Type?: unknown; Message?: unknown };
    if (envelope.Type === "Notification" && typeof envelope.Message === "string") return envelope.Message;
  } catch {
    // Not JSON: parseAlertBody says so.
  }
  return body;
}

const describe = errorMessage;

/**
 * A notifier worker: consumes an SQS batch of incident alerts (the alert topic's messages, raw delivery) and delivers
 * each to one on-call tool, answering with the messages to retry (ReportBatchItemFailures).
 *
 * - Order per incident: a batch's alerts are grouped by incident and sent oldest first; after a retryable failure the
 *   incident's later alerts in the batch are retried with it. Across batches, the newest event delivered per incident
 *   is kept in `progress`: an older event arriving later (a retry that lost the race) is dropped as superseded, so the
 *   tool always ends at the incident's latest state (a late `open` never re-opens a resolved PagerDuty alert).
 * - Retryable failures (429, 5xx, network, Vault) go back to the queue; a 429 with Retry-After postpones the message by
 *   that long. At the `maxAttempts`-th receive, the message is parked in the dead-letter queue with its last error.
 * - Permanent failures (400 invalid, 403/404/410, malformed alert) are parked at once with the reason: never retried.
 * Nothing is lost: every message is delivered, superseded, or in the dead-letter queue; a message that could not be
 * parked is retried.
 */
export function makeNotifyHandler(deps: NotifyDeps): (event: unknown) => Promise<NotifyResult> {
  if (!Number.isInteger(deps.maxAttempts) || deps.maxAttempts < 1) throw new Error(`makeNotifyHandler: maxAttempts must be an integer >= 1, got ${deps.maxAttempts}`);
  const { notifier, queue, log } = deps;

  const park = async (messageId: string, text: string, reason: Record<string, string>): Promise<NotifyMessageOutcome> => {
    try {
      await queue.park(text, { notifier: notifier.name, failedAt: new Date(deps.clock.now()).toISOString(), ...reason });
      log.error("alert parked in the dead-letter queue", { notifier: notifier.name, messageId, ...reason });
      return "parked";
    } catch (error) {
      log.error("alert could not be parked in the dead-letter queue; it will be retried", { notifier: notifier.name, messageId, ...reason, deadLetterError: describe(error) });
      return "retry";
    }
  };

  const recordSent = async (key: string, m: Parsed): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await deps.progress.load<Progress>(key);
      if (stored && stored.value.lastSent >= m.sequence) return;
      try {
        await deps.progress.save<Progress>(key, { lastSent: m.sequence, eventId: m.alert.eventId, at: deps.clock.now() }, stored?.version);
        return;
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
      }
    }
    throw new Error(`progress of ${key} kept changing under us (5 conflicts)`);
  };

  const deliver = async (m: Parsed): Promise<{ outcome: NotifyMessageOutcome; error?: string }> => {
    const { alert } = m;
    const ids = { incidentId: alert.incident.id, eventId: alert.eventId, eventType: alert.eventType };
    const key = progressKey(notifier.name, alert.incident.id);
    const stored = await deps.progress.load<Progress>(key);
    if (stored && stored.value.lastSent >= m.sequence) {
      log.info("alert superseded: a newer event of the incident was already delivered", { notifier: notifier.name, ...ids, delivered: stored.value.eventId });
      return { outcome: "superseded" };
    }
    let outcome: "sent" | "skipped";
    try {
      outcome = await notifier.notify(alert);
    } catch (error) {
      const message = describe(error);
      const status = (error as Partial<NotifierError>).status;
      const reason = { ...ids, error: message, ...(status === undefined ? {} : { status: String(status) }), attempts: String(m.receives) };
      if (!isRetryable(error)) return { outcome: await park(m.messageId, m.text, { ...reason, permanent: "true" }), error: message };
      if (m.receives >= deps.maxAttempts) return { outcome: await park(m.messageId, m.text, { ...reason, permanent: "false" }), error: message };
      const waitMs = (error as Partial<NotifierError>).retryAfterMs;
      if (waitMs !== undefined) {
        await queue.postpone(m.receiptHandle, waitMs / 1000).catch((e: unknown) => log.warn("could not postpone a rate-limited alert; it comes back after the visibility timeout", { messageId: m.messageId, error: describe(e) }));
      }
      log.warn("alert not delivered; it will be retried", { notifier: notifier.name, ...reason, ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }) });
      return { outcome: "retry", error: message };
    }
    if (outcome === "sent") await recordSent(key, m);
    return { outcome };
  };

  return async (event) => {
    const { Records } = parseWithSchema(sqsEventSchema, event, `${notifier.name} notifier: SQS event`);
    const outcomes = new Map<string, NotifyResult["outcomes"][number]>();
    const groups = new Map<string, Parsed[]>();
    for (const r of Records) {
      const text = alertText(r.body);
      let alert: AlertBody;
      try {
        alert = parseAlertBody(text, `alert message ${r.messageId}`);
      } catch (error) {
        const outcome = await park(r.messageId, r.body, { error: describe(error), permanent: "true" });
        outcomes.set(r.messageId, { messageId: r.messageId, outcome, error: describe(error) });
        continue;
      }
      const parsed: Parsed = { messageId: r.messageId, receiptHandle: r.receiptHandle, text, receives: Number(r.attributes?.ApproximateReceiveCount ?? "1") || 1, alert, sequence: eventSequence(alert) };
      groups.set(alert.incident.id, [...(groups.get(alert.incident.id) ?? []), parsed]);
    }
    await Promise.all(
      [...groups.values()].map(async (group) => {
        group.sort((a, b) => a.sequence - b.sequence);
        let blocked: string | undefined;
        for (const m of group) {
          const ids = { messageId: m.messageId, incidentId: m.alert.incident.id, eventId: m.alert.eventId };
          if (blocked !== undefined) {
            outcomes.set(m.messageId, { ...ids, outcome: "retry", error: `not attempted: an earlier event of the incident failed (${blocked})` });
            continue;
          }
          const result = await deliver(m).catch((error: unknown) => ({ outcome: "retry" as const, error: describe(error) }));
          if (result.outcome === "retry") blocked = result.error ?? "retry";
          outcomes.set(m.messageId, { ...ids, ...result });
        }
      }),
    );
    const ordered = Records.map((r) => outcomes.get(r.messageId) ?? { messageId: r.messageId, outcome: "retry" as const });
    return { batchItemFailures: ordered.filter((o) => o.outcome === "retry").map((o) => ({ itemIdentifier: o.messageId })), outcomes: ordered };
  };
}
