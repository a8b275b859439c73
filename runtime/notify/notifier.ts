/**
 * The Notifier port: one on-call tool (PagerDuty, Slack) that incident alerts are delivered to, and the error it
 * rejects with, which says whether trying again later can help.
 */
import type { AlertBody } from "../adapters/sns/alertMessage";
import { CadError } from "../errors/CadError";

/** What a notifier did with an alert. `skipped`: this tool takes nothing for the event type (e.g. Slack on `update`). */
export type NotifyOutcome = "sent" | "skipped";

/** Delivers incident alerts to one on-call tool. */
export interface Notifier {
  /** Short name, used in logs, state keys and errors (`pagerduty`, `slack`). */
  readonly name: string;
  /** Delivers one alert. Rejects with a {@link NotifierError} (any other rejection counts as retryable). */
  notify(alert: AlertBody): Promise<NotifyOutcome>;
}

/**
 * - `rate-limited` (429), `unavailable` (5xx), `unreachable` (network, timeout), `secret` (the credential could not
 *   be read from Vault): retryable — the message goes back to the queue and, after its retries, to the dead-letter queue.
 * - `rejected` (the tool refused this message: 400 invalid event / invalid_payload), `gone` (403/404/410: the
 *   integration or channel is disabled, removed or archived), `unmappable` (the alert cannot be expressed for this
 *   tool): permanent — straight to the dead-letter queue with the reason.
 */
export type NotifierErrorKind = "rate-limited" | "unavailable" | "unreachable" | "secret" | "rejected" | "gone" | "unmappable";

const RETRYABLE: readonly NotifierErrorKind[] = ["rate-limited", "unavailable", "unreachable", "secret"];

/** A delivery failed. The message names the tool, the incident and the cause, never a credential. */
export class NotifierError extends CadError {
  readonly retryable: boolean;

  constructor(
    readonly kind: NotifierErrorKind,
    message: string,
    readonly status?: number,
    /** For `rate-limited`: how long the tool asked us to wait (Retry-After), ms. */
    readonly retryAfterMs?: number,
    cause?: unknown,
  ) {
    super(message, "NotifierError", { cause });
    this.retryable = RETRYABLE.includes(kind);
  }
}

/** True when a failure may pass on a later attempt: retryable NotifierErrors, and anything unexpected. */
export function isRetryable(error: unknown): boolean {
  // Duck-typed: anything with the NotifierError shape counts, whichever copy of the class made it.
  const e = error as { name?: unknown; retryable?: unknown } | null;
  if (e?.name === "NotifierError" && typeof e.retryable === "boolean") return e.retryable;
  return true;
}
