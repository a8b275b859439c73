/**
 * Reading a Lambda's environment variables: the error every entry module fails its cold start with (naming the
 * variable and, in JSON-valued ones, the field), and the readers that raise it. The variables themselves and what
 * each function reads are in lambdaEnv.ts and notifyEnv.ts.
 */
import { safeParse } from "valibot";
import type { BaseIssue, GenericSchema } from "valibot";

/** A function's environment is missing a variable or holds a malformed one (`name` is "LambdaEnvError"). */
export interface LambdaEnvError extends Error {
  readonly name: "LambdaEnvError";
  /** The offending variable. */
  readonly variable: string;
}

/**
 * Builds a LambdaEnvError: a real Error with the variable's name beside the message, recognised by its `name`.
 */
export function lambdaEnvError(variable: string, problem: string): LambdaEnvError {
  return Object.assign(new Error(`environment variable ${variable}: ${problem}`), { name: "LambdaEnvError" as const, variable });
}

/** True for errors built by {@link lambdaEnvError}. */
export function isLambdaEnvError(error: unknown): error is LambdaEnvError {
  return error instanceof Error && error.name === "LambdaEnvError";
}

/** A function's environment (process.env, or a test's). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The variable's value; a missing or blank one is an error naming it. */
export function requiredVariable(env: Env, variable: string): string {
  const value = env[variable];
  if (value === undefined || value.trim() === "") throw lambdaEnvError(variable, "is not set");
  return value;
}

/** The variable's value parsed as JSON; missing, blank or not JSON is an error naming it. */
export function jsonVariable(env: Env, variable: string): unknown {
  try {
    return JSON.parse(requiredVariable(env, variable)) as unknown;
  } catch (e) {
    if (isLambdaEnvError(e)) throw e;
    throw lambdaEnvError(variable, "is not valid JSON");
  }
}

/** `[0].minTasks` / `splunk.index` from a valibot issue path. */
function pathOf(issue: BaseIssue<unknown>): string {
  return (issue.path ?? []).reduce<string>((text, item) => {
    const key = item.key as unknown;
    return typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`;
  }, "");
}

/** At most ~80 characters of a value, for error messages. */
function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Parses a JSON-valued variable with a schema. The program writes these variables, so the schemas are strict:
 * an unknown key or a number written as a string is a broken deployment, reported with the variable and the field.
 */
export function parseJsonVariable<T>(env: Env, variable: string, schema: GenericSchema<unknown, T>): T {
  const result = safeParse(schema, jsonVariable(env, variable));
  if (result.success) return result.output;
  // A misspelt key also shows up as a missing one: report the misspelling.
  const issue = result.issues.find((i) => i.expected === "never") ?? result.issues[0];
  const path = pathOf(issue);
  const last = issue.path?.[issue.path.length - 1];
  const found = last !== undefined && last.origin === "key" ? last.value : issue.input;
  const problem = issue.expected === "never" ? "is not a known setting" : `expected ${issue.message}, ${found === undefined ? "but it is missing" : `got ${shown(found)}`}`;
  throw lambdaEnvError(variable, path === "" ? problem : `${path}: ${problem}`);
}

/**
 * A variable whose value must match `schema`: missing or blank is "is not set", a mismatch "must be <what>, got
 * <the value's first 60 characters>".
 */
export function checkedVariable(env: Env, variable: string, schema: GenericSchema<string>, what: string): string {
  const value = requiredVariable(env, variable);
  if (!safeParse(schema, value).success) throw lambdaEnvError(variable, `must be ${what}, got ${JSON.stringify(value.slice(0, 60))}`);
  return value;
}
