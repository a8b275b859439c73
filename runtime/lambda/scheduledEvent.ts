/** The EventBridge "Scheduled Event" a scheduled Lambda receives (the fields the handlers use). */
export interface ScheduledEvent {
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  /** ISO-8601 time the schedule fired (UTC). */
  readonly time: string;
  readonly resources: readonly string[];
}

/**
 * The schedule's firing time as epoch ms: runs are keyed on it (not on the wall clock), so that a retried
 * invocation covers the same window as the original.
 */
export function scheduledTime(event: unknown): number {
  const time = typeof event === "object" && event !== null && "time" in event ? (event as { time: unknown }).time : undefined;
  const ms = typeof time === "string" ? Date.parse(time) : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`expected an EventBridge scheduled event with an ISO "time", got ${JSON.stringify(event)?.slice(0, 200)}`);
  return ms;
}
