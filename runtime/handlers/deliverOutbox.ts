import type { AlertSink, Log, RunMetrics } from "../ports";
import type { IncidentEvent } from "../types";
import { errorMessage } from "../errors/errorMessage";

/** What delivering an outbox did. */
export interface OutboxDelivery {
  /** Events the sink accepted. */
  readonly sent: number;
  /** Events the sink could not publish but parked in its dead-letter place (malformed ones included). */
  readonly parked: number;
  /** Of `parked`: malformed (poison) events, which no retry could ever deliver. */
  readonly poisoned: number;
  /** Events still to deliver, in order: the new outbox. */
  readonly pending: IncidentEvent[];
  /**
   * Set when the run must fail so the platform retries or alarms: a send failed (the event stays pending), or a
   * well-formed alert could only be parked. Not set for poison events alone: they are parked and counted.
   */
  readonly error?: string;
}

interface ParkedShape {
  readonly parkedIn?: unknown;
  readonly poison?: unknown;
}

/**
 * Sends the outbox in order. An event the sink accepts leaves it; one the sink parked in its dead-letter place
 * (`parkedIn` on the error) leaves it too, since re-sending would duplicate it; a malformed (poison) event —
 * parked by the sink with `poison: true` — is counted and the events behind it still go out, so one bad entry
 * never blocks alerting run after run. Any other failure stops delivery and keeps that event and the rest, in
 * order, for the next run.
 */
export async function deliverOutbox(outbox: readonly IncidentEvent[], deps: { readonly alerts: AlertSink; readonly log: Log; readonly metrics?: RunMetrics; readonly service: string }): Promise<OutboxDelivery> {
  const { alerts, log, metrics, service } = deps;
  const pending = [...outbox];
  let sent = 0;
  let parked = 0;
  let poisoned = 0;
  let error: string | undefined;
  while (pending.length > 0) {
    try {
      await alerts.send(pending[0]);
      pending.shift();
      sent++;
    } catch (err) {
      const message = errorMessage(err);
      metrics?.record("alertsFailed", 1);
      const { parkedIn, poison } = (err ?? {}) as ParkedShape;
      if (typeof parkedIn === "string" && parkedIn !== "") {
        pending.shift();
        parked++;
        if (poison === true) {
          poisoned++;
          log.error("malformed alert event parked; delivering the rest of the outbox", { service, parkedIn, error: message, remaining: pending.length });
          continue;
        }
        // The sink parked the message in its dead-letter queue: it is safe there; re-sending would duplicate it.
        error = message;
        log.error("alert not published; parked in the dead-letter queue", { service, deadLetterQueue: parkedIn, error: message });
        continue;
      }
      error = message;
      log.error("alert delivery failed; kept in the outbox for the next run", { service, pending: pending.length, error: message });
      break;
    }
  }
  return { sent, parked, poisoned, pending, ...(error !== undefined ? { error } : {}) };
}
