/**
 * Field validators for the stack configuration. Each takes the full config key path of the value it checks
 * (e.g. `container-anomaly-detection:services[1].maxTasks`) so that every error names exactly what is wrong.
 */

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

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A plain JSON object as parsed from structured config. */
export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function requireObject(key: string, value: unknown): JsonObject {
  if (!isObject(value)) throw new ConfigError(key, "an object", value);
  return value;
}

export function requireArray(key: string, value: unknown, minLength = 0): readonly unknown[] {
  if (!Array.isArray(value) || value.length < minLength) {
    throw new ConfigError(key, minLength > 0 ? `a list with at least ${minLength} entr${minLength === 1 ? "y" : "ies"}` : "a list", value);
  }
  return value;
}

export function requireString(key: string, value: unknown, pattern?: RegExp, patternText?: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new ConfigError(key, "a non-empty string", value);
  if (pattern && !pattern.test(value)) throw new ConfigError(key, patternText ?? `a string matching ${String(pattern)}`, value);
  return value;
}

/** Accepts numbers and numeric strings (Pulumi passes plain `pulumi config set` values as strings). */
export function requireInteger(key: string, value: unknown, min: number, max: number): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(key, `an integer from ${min} to ${max}`, value);
  }
  return n;
}

/** A number in (min, max], e.g. a fraction in (0, 1]; numeric strings accepted like requireInteger. */
export function requireNumberAbove(key: string, value: unknown, min: number, max: number): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= min || n > max) throw new ConfigError(key, `a number above ${min} and at most ${max}`, value);
  return n;
}

export function requireOneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw new ConfigError(key, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`, value);
  return match;
}

export function requireHttpsUrl(key: string, value: unknown, allowHttp = false): string {
  const text = requireString(key, value);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(key, "an absolute URL", value);
  }
  if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:")) {
    throw new ConfigError(key, allowHttp ? "an http(s) URL" : "an https URL", value);
  }
  return text.replace(/\/+$/, "");
}

/** Rejects keys that are not part of the schema: a typo must not silently fall back to a default. */
export function rejectUnknownKeys(key: string, value: JsonObject, known: readonly string[]): void {
  for (const field of Object.keys(value)) {
    if (!known.includes(field)) throw new ConfigError(`${key}.${field}`, `no such setting (known: ${known.join(", ")})`, value[field]);
  }
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,\-/#LW]+$/;

/**
 * Validates an EventBridge schedule expression: `rate(<n> <unit>)` (singular unit exactly when n is 1, as
 * EventBridge requires) or `cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>)` with one of
 * day-of-month / day-of-week set to `?`.
 */
export function requireScheduleExpression(key: string, value: unknown): string {
  const text = requireString(key, value);
  const expected = 'an EventBridge schedule: "rate(5 minutes)", "rate(1 hour)" or "cron(0/5 * * * ? *)"';
  const rate = RATE.exec(text);
  if (rate) {
    const n = Number(rate[1]);
    const singular = !rate[2].endsWith("s");
    if (n < 1 || singular !== (n === 1)) throw new ConfigError(key, expected, value);
    return text;
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    const valid = fields.length === 6 && fields.every((f) => CRON_FIELD.test(f)) && (fields[2] === "?") !== (fields[4] === "?");
    if (!valid) throw new ConfigError(key, expected, value);
    return text;
  }
  throw new ConfigError(key, expected, value);
}
