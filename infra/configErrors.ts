/**
 * The one error the stack config raises: which key, what a valid value looks like, what was found. Built from the
 * first issue the config schema (valibot) reports, so every rule reads the same way, e.g.
 * `config "container-anomaly-detection:services[0].minTasks": expected an integer from 0 to 1000, got "2"`.
 */
import type * as v from "valibot";

/** A configuration value is missing or malformed. The message names the key, what was expected and what was found. */
export class ConfigError extends Error {
  constructor(
    /** Full key path, e.g. `container-anomaly-detection:endpoint.mode`. */
    readonly key: string,
    /** What a valid value looks like. */
    readonly expected: string,
    /** The offending value (undefined when missing). */
    readonly found: unknown,
  ) {
    super(`config "${key}": expected ${expected}, ${found === undefined ? "but it is not set" : `got ${describe(found)}`}`);
    this.name = "ConfigError";
  }
}

/** At most ~80 characters of the value, as JSON: enough to recognise it, never a whole file. */
export function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** `maxAnomalyRate` → ["max", "anomaly", "rate"]. */
const words = (name: string): string[] => name.split(/(?=[A-Z])|[^A-Za-z0-9]+/).filter((w) => w !== "").map((w) => w.toLowerCase());

/**
 * The known name `word` most likely stands for: the closest one when it is a typo of it (case and a few letters),
 * else one that contains all of its words (`maxRate` → `maxAnomalyRate`).
 */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(word, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best !== undefined && best.distance <= Math.max(2, Math.floor(best.name.length / 3))) return best.name;
  const parts = words(word);
  return parts.length === 0 ? undefined : known.find((name) => parts.every((p) => words(name).includes(p)));
}

/** The expectation for a key that is not part of the schema: the closest known key, or the list of them. */
export function unknownKeyExpectation(key: string, known: readonly string[]): string {
  const suggestion = didYouMean(key, known);
  return `one of the known settings${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}: ${known.join(", ")}`;
}

/** `services[0].minTasks` from an issue path. */
function pathText(path: readonly v.IssuePathItem[]): string {
  return path.reduce<string>((text, item) => {
    const key = item.key as unknown;
    if (typeof key === "number") return `${text}[${key}]`;
    return text === "" ? String(key) : `${text}.${String(key)}`;
  }, "");
}

/**
 * The ConfigError for the first issue of a failed parse. Top-level keys are put in `namespace` unless they carry
 * their own (`aws:region`).
 */
export function configErrorFromIssue(issue: v.BaseIssue<unknown>, namespace: string): ConfigError {
  const path = issue.path ?? [];
  const relative = pathText(path);
  // Only a top-level key carries its own namespace (`aws:region`); a nested map key may hold a colon (a tag key).
  const first = path[0] as v.IssuePathItem | undefined;
  const top = first === undefined ? "" : String(first.key);
  const key = relative === "" ? namespace : top.includes(":") ? relative : `${namespace}:${relative}`;
  const last = path[path.length - 1];
  // For a key-level issue (unknown or missing key) the value at the key is the one to show.
  const found = last !== undefined && last.origin === "key" ? last.value : issue.input;
  return new ConfigError(key, issue.message, found);
}
