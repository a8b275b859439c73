/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unparseable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `attempt` (0-based) of a rate-limited (HTTP 429) request: the server's
 * Retry-After when it sent one, else 1 s doubling per attempt; never more than `capMs`.
 */
export function rateLimitWaitMs(retryAfterHeader: string | null | undefined, attempt: number, capMs: number): number {
  return Math.min(capMs, retryAfterMs(retryAfterHeader) ?? 1000 * 2 ** attempt);
}
