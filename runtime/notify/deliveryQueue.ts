/** The DeliveryQueue port: what a notifier worker needs from the queue it consumes, besides receiving. */
export interface DeliveryQueue {
  /**
   * Moves a message no retry can deliver into the dead-letter queue: the body unchanged, `attributes` saying why
   * (at most 10, each value at most 1,000 characters). Rejects when the dead-letter queue did not take it.
   */
  park(body: string, attributes: Readonly<Record<string, string>>): Promise<void>;
  /** Keeps a received message invisible for `seconds` (0–43,200) from now: it comes back after that, not sooner. */
  postpone(receiptHandle: string, seconds: number): Promise<void>;
}
