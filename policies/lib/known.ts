/**
 * Reading resource inputs that may be unknown during `pulumi preview`.
 *
 * The analyzer wraps inputs in a proxy that throws when a policy reads a value not known yet (e.g. the
 * ARN of a key created in the same update); an uncaught throw turns the whole policy into an advisory
 * "can't run during preview". These helpers let a policy decide on what is known: a reference to a key
 * that does not exist yet is still a reference, and one unknown environment variable must not hide a
 * plaintext password next to it.
 */

function isUnknownValueError(err: unknown): boolean {
  // @pulumi/policy's internal UnknownValueError carries the sentinel of the unknown value.
  return err instanceof Error && "unknownTypeSentinel" in err;
}

/** Reads a value; undefined when it is unknown during preview. Any other error is rethrown. */
export function readKnown<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (isUnknownValueError(err)) return undefined;
    throw err;
  }
}

/**
 * True when the value is set: a non-empty string, or any other defined value, or unknown during
 * preview (an Output that will resolve to the ARN/id of a resource being created).
 */
export function isProvided(read: () => unknown): boolean {
  try {
    const value = read();
    return value !== undefined && value !== null && value !== "";
  } catch (err) {
    if (isUnknownValueError(err)) return true;
    throw err;
  }
}

/** The known entries of a map whose values may be unknown (unknown entries are skipped). */
export function knownEntries(record: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (record === undefined) return {};
  const known: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = readKnown(() => record[key]);
    if (value !== undefined) known[key] = value;
  }
  return known;
}

/** The known elements of a list whose elements may be unknown, and how many were unknown. */
export function knownElements<T>(list: readonly T[] | undefined): { known: T[]; unknown: number } {
  const known: T[] = [];
  let unknown = 0;
  for (let i = 0; i < (list?.length ?? 0); i++) {
    const value = readKnown(() => list?.[i]);
    if (value === undefined) unknown++;
    else known.push(value);
  }
  return { known, unknown };
}
