/**
 * The message of anything thrown. Duck-typed on purpose: an error-shaped object that is not `instanceof Error` (from
 * another realm or copy of a class, or a plain object thrown) still gives its message, where `String(e)` would print
 * "[object Object]".
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
