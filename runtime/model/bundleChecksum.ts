import { createHash } from "node:crypto";

/** The bundle field that holds the checksum; every other field is covered by it. */
export const CHECKSUM_FIELD = "checksum";

/**
 * JSON with object keys sorted at every level (array order kept): the same content always gives the same text,
 * whatever order a writer or an editor put the keys in. Undefined object values are left out and non-finite
 * numbers become null, exactly as JSON.stringify would write them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    return text === undefined ? "null" : text;
  }
  if (Array.isArray(value)) return `[${value.map((x) => canonicalJson(x)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined && typeof record[k] !== "function")
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
}

/**
 * `sha256:<hex>` over every field of `bundle` except `checksum` itself, in canonical JSON. Generic on purpose: a
 * field added to the bundle later is covered without touching this code. Computed on the JSON form (what a
 * reader parses back), so typed arrays or `toJSON` methods cannot make writer and reader disagree.
 */
export function bundleChecksum(bundle: object): string {
  const json = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
  const content = Object.fromEntries(Object.entries(json).filter(([k]) => k !== CHECKSUM_FIELD));
  return `sha256:${createHash("sha256").update(canonicalJson(content)).digest("hex")}`;
}

/** `bundle` with its checksum set (replacing any stale one). */
export function withChecksum<T extends object>(bundle: T): T & { readonly checksum: string } {
  return { ...bundle, [CHECKSUM_FIELD]: bundleChecksum(bundle) } as T & { readonly checksum: string };
}
