/**
 * The message of anything thrown. Duck-typed on purpose: inside a Lambda archive, Pulumi's closure serialiser links a
 * CadError subclass's constructor to its parent but not its prototype to Error.prototype, so `e instanceof Error` is
 * false there and `String(e)` prints "[object Object]" (seen in test/infra/notifierArchive.test.ts).
 */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === "string" ? message : String(error);
}

/** `name: message` of anything thrown (an AWS SDK error's name is its exception type), duck-typed like {@link errorMessage}. */
export function errorDescription(error: unknown): string {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return typeof name === "string" && typeof (error as { message?: unknown }).message === "string" ? `${name}: ${errorMessage(error)}` : errorMessage(error);
}
