import * as v from "valibot";

/** Thrown when a value does not match its schema; the message names where, the field and what was expected. */
export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaError";
  }
}

/** At most this many characters of a received value are quoted in a message. */
const QUOTE_MAX = 80;

/**
 * Checks `value` against a valibot `schema` and returns the typed output, or throws a {@link SchemaError}
 * naming `where`, the path of the first offending field and what was expected (e.g.
 * `s3://b/detector/checkout.bin: detector.groups.0.model.updates: expected an integer >= 0, received -3`).
 */
export function parseWith<const S extends v.GenericSchema>(schema: S, value: unknown, where: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue) ?? "";
  const received = issue.received.length > QUOTE_MAX ? `${issue.received.slice(0, QUOTE_MAX)}…` : issue.received;
  const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more problem${result.issues.length > 2 ? "s" : ""})` : "";
  const what = issue.received === "undefined" ? "is missing" : issue.expected !== null && issue.message.startsWith("Invalid") ? `expected ${issue.expected}, received ${received}` : issue.message;
  throw new SchemaError(`${where}: ${path === "" ? "" : `${path}: `}${what}${more}`);
}
