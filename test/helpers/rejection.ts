import { expect } from "vitest";

/**
 * The message a promise rejects with, checking that it rejects at all and with an error of `kind`: a promise that
 * resolves fails the test instead of handing back `undefined`.
 */
export async function rejectionMessage(p: Promise<unknown>, kind: abstract new (...args: never[]) => Error): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(kind);
  return (err as Error).message;
}

/** What a promise rejects with; fails the test when it resolves instead. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  const outcome = await p.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) expect.fail(`expected a rejection, but it resolved with ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}
