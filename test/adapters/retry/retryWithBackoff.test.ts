import { describe, expect, it } from "vitest";
import { backoffDelayMs, RetryGaveUpError, retryWithBackoff, type RetryPolicy } from "../../../runtime/adapters/retry/retryWithBackoff";
import { fakeRetryEnvironment } from "../../helpers/fakeRetryEnvironment";

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, deadlineMs: 10_000 };
const retryable = (): boolean => true;

describe("retryWithBackoff", () => {
  it("returns the first success and sleeps a jittered, growing back-off before each retry", async () => {
    const env = fakeRetryEnvironment();
    let calls = 0;
    const value = await retryWithBackoff("op", async () => {
      calls++;
      if (calls < 4) throw new Error(`fail ${calls}`);
      return "ok";
    }, retryable, policy, env);
    expect(value).toBe("ok");
    expect(calls).toBe(4);
    expect(env.sleeps).toHaveLength(3);
    env.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(Math.min(1_000, 100 * 2 ** i));
    });
  });

  it("rethrows a non-retryable failure at once", async () => {
    const env = fakeRetryEnvironment();
    const boom = new Error("bad request");
    await expect(retryWithBackoff("op", () => Promise.reject(boom), () => false, policy, env)).rejects.toBe(boom);
    expect(env.sleeps).toEqual([]);
  });

  it("gives up after maxAttempts with the last error as cause", async () => {
    const env = fakeRetryEnvironment();
    let calls = 0;
    const error = await retryWithBackoff("op", () => Promise.reject(new Error(`fail ${++calls}`)), retryable, policy, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryGaveUpError);
    expect((error as RetryGaveUpError).why).toBe("attempts");
    expect((error as Error).message).toMatch(/^op failed after 5 attempts .*fail 5/);
    expect(calls).toBe(5);
  });

  it("stops before a back-off that would pass the deadline, and tells the attempt how much time is left", async () => {
    const env = fakeRetryEnvironment();
    const remaining: number[] = [];
    const error = await retryWithBackoff("op", async (_n, remainingMs) => {
      remaining.push(remainingMs);
      env.advance(400);
      throw new Error("slow");
    }, retryable, { ...policy, maxAttempts: 100, deadlineMs: 2_000 }, env).catch((e: unknown) => e);
    expect((error as RetryGaveUpError).why).toBe("deadline");
    expect(remaining[0]).toBe(2_000);
    expect(remaining.every((ms, i) => i === 0 || ms < remaining[i - 1])).toBe(true);
    // Every attempt started inside the budget; only the last one's own duration (400 ms) may run past it.
    expect(remaining.every((ms) => ms > 0)).toBe(true);
    expect(env.now() - 1_700_000_000_000).toBeLessThanOrEqual(2_000 + 400);
  });

  it("rejects a policy with a bad field, naming it", async () => {
    await expect(retryWithBackoff("op", async () => 1, retryable, { ...policy, maxAttempts: 0 })).rejects.toThrow(/maxAttempts/);
    await expect(retryWithBackoff("op", async () => 1, retryable, { ...policy, deadlineMs: Number.NaN })).rejects.toThrow(/deadlineMs/);
  });

  it("caps the back-off at maxDelayMs", () => {
    expect(backoffDelayMs(policy, 20, () => 0.999)).toBeLessThan(1_000);
    expect(backoffDelayMs(policy, 1, () => 0.5)).toBe(50);
  });
});
