import { Random } from "../../runtime/model/random";
import type { RetryEnvironment } from "../../runtime/adapters/retry/retryWithBackoff";

/** A RetryEnvironment whose clock only moves when code sleeps (or the test advances it); records every sleep. */
export interface FakeRetryEnvironment extends RetryEnvironment {
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function fakeRetryEnvironment(seed = 7, startMs = 1_700_000_000_000): FakeRetryEnvironment {
  const rng = new Random(seed);
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => rng.next(),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
