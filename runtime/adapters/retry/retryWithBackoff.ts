import { CadError } from "../../errors/CadError";
import { errorDescription } from "../../errors/errorMessage";
/**
 * Retries an operation with "full jitter" exponential back-off inside a total time budget.
 * Time and randomness are injected, so tests run without sleeping and are deterministic.
 */

export interface RetryPolicy {
  /** Attempts in total, including the first (>= 1). */
  readonly maxAttempts: number;
  /** Back-off cap of the first retry, milliseconds; doubles per retry. */
  readonly baseDelayMs: number;
  /** Upper bound of a single back-off, milliseconds. */
  readonly maxDelayMs: number;
  /** Total budget from the first attempt, milliseconds: no retry starts if its back-off would end past it. */
  readonly deadlineMs: number;
}

export interface RetryEnvironment {
  /** Waits `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

/** Real time and Math.random: what production uses. */
export const systemRetryEnvironment: RetryEnvironment = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
  now: () => Date.now(),
};

/** Thrown when a retryable failure persisted until the attempts or the deadline ran out. `cause` is the last failure. */
export class RetryGaveUpError extends CadError {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly why: "attempts" | "deadline",
    cause: unknown,
  ) {
    const detail = errorDescription(cause);
    const limit =
      why === "attempts"
        ? `after ${attempts} attempts (${elapsedMs} ms)`
        : `after ${attempts} attempts: the next back-off would pass the deadline (${elapsedMs} ms spent)`;
    super(`${operation} failed ${limit}; last error: ${detail}`, "RetryGaveUpError", { cause });
  }
}

/** Validates a policy; throws naming the bad field. */
export function checkRetryPolicy(policy: RetryPolicy): void {
  const fields: [keyof RetryPolicy, number][] = [
    ["maxAttempts", policy.maxAttempts],
    ["baseDelayMs", policy.baseDelayMs],
    ["maxDelayMs", policy.maxDelayMs],
    ["deadlineMs", policy.deadlineMs],
  ];
  for (const [name, value] of fields) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`retry policy ${name} must be a finite number >= 0, got ${value}`);
  }
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new Error(`retry policy maxAttempts must be an integer >= 1, got ${policy.maxAttempts}`);
  }
}

/** Back-off before retry number `retry` (1 = first retry): uniform in [0, min(maxDelay, base * 2^(retry-1))). */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/**
 * Runs `attempt` until it resolves. A failure for which `isRetryable` is false is rethrown unchanged at once;
 * a retryable one is retried after a jittered back-off while attempts and the deadline allow, then
 * RetryGaveUpError (cause = last failure). `attempt` receives its number (1-based) and the milliseconds left.
 */
export async function retryWithBackoff<T>(
  operation: string,
  attempt: (attemptNumber: number, remainingMs: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  policy: RetryPolicy,
  env: RetryEnvironment = systemRetryEnvironment,
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void,
): Promise<T> {
  checkRetryPolicy(policy);
  const started = env.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n, Math.max(0, started + policy.deadlineMs - env.now()));
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (n >= policy.maxAttempts) throw new RetryGaveUpError(operation, n, env.now() - started, "attempts", error);
      const delayMs = backoffDelayMs(policy, n, env.random);
      if (env.now() + delayMs >= started + policy.deadlineMs) {
        throw new RetryGaveUpError(operation, n, env.now() - started, "deadline", error);
      }
      onRetry?.({ attempt: n, delayMs, error });
      await env.sleep(delayMs);
    }
  }
}
