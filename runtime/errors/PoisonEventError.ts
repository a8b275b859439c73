import { CadError } from "./CadError";
import { errorMessage } from "./errorMessage";

/**
 * An alert event that can never be delivered (malformed: it fails the incident-event schema, or cannot be encoded
 * as a message), which the sink parked in its dead-letter place (`parkedIn`: a queue URL, a file, or the error
 * log). Retrying it would fail the same way forever, so the outbox drops it and goes on with the next event.
 */
export class PoisonEventError extends CadError {
  /** Marks the error for callers that check by shape rather than by class. */
  readonly poison: true;

  constructor(
    message: string,
    /** Where the event now is. */
    readonly parkedIn: string,
    /** What is wrong with it, one line per problem. */
    readonly problems: readonly string[],
  ) {
    super(message, "PoisonEventError");
    this.poison = true;
  }
}

/** The event as JSON for a dead-letter place, whatever it is (circular, BigInt…), cut to `maxChars`. */
export function deadLetterText(value: unknown, maxChars: number): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch (err) {
    text = `unserialisable event (${errorMessage(err)}): ${String(value)}`;
  }
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters cut)`;
}

/** The incident id of something that may or may not be an incident event, for log lines. */
export function incidentIdOf(value: unknown): string {
  const id = (value as { incident?: { id?: unknown } } | null | undefined)?.incident?.id;
  return typeof id === "string" ? id.slice(0, 120) : "(unknown incident)";
}
