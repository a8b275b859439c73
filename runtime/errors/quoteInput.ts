/** Most characters of someone's input an error message repeats: a 10 MB cell must not end up in a log line. */
export const MAX_QUOTED_CHARS = 80;

/**
 * `text` as a JSON string literal, cut to `max` characters with the length of the rest said, so error messages
 * that quote input stay one readable line whatever the input was: `"abc…" (10485680 more characters)`.
 */
export function quoteInput(text: string, max = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(`${text.slice(0, max)}…`)} (${text.length - max} more characters)`;
}

/**
 * Any value as a short phrase for an error message: strings quoted (and cut), numbers and booleans as written,
 * objects and arrays by kind and size, never their whole content.
 */
export function describeInput(value: unknown, max = MAX_QUOTED_CHARS): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing (missing)";
  if (typeof value === "string") return quoteInput(value, max);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 5).map((k) => quoteInput(k, 30)).join(", ");
    return keys.length === 0 ? "an empty object" : `an object with keys ${shown}${keys.length > 5 ? `, … (${keys.length} keys)` : ""}`;
  }
  return typeof value;
}
