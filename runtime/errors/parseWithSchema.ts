import * as v from "valibot";
import { CadError } from "./CadError";
import { describeInput } from "./quoteInput";

/**
 * The one way boundaries are validated: a valibot schema, and errors that name where (file, object, response),
 * the field (`normalisation.std[1]`), what was expected and what was found — the found value quoted and cut
 * to a few dozen characters, never echoed whole.
 */
export class SchemaError extends CadError {
  constructor(
    readonly where: string,
    /** One line per problem: `<field>: expected …, got …`. */
    readonly problems: readonly string[],
  ) {
    super(`${where}: ${problems.join("; ")}`, "SchemaError");
  }
}

type AnySchema = v.GenericSchema;

/** The field an issue is about, as code would write it: `result[0].data`, `normalisation.std[1]`; "" for the root. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let out = "";
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key)).slice(0, 60)}]`;
  }
  return out;
}

const ARTICLE: Readonly<Record<string, string>> = { Object: "an object", Array: "an array", string: "a string", number: "a number", boolean: "a boolean", integer: "an integer" };

/** Valibot's own messages ("Invalid …") quote the whole input: only ours, or `expected …` in words, are used. */
function expectation(issue: v.BaseIssue<unknown>): string {
  if (!issue.message.startsWith("Invalid ")) return issue.message;
  if (issue.input === undefined && issue.kind === "schema" && issue.expected?.startsWith('"')) return "missing";
  if (issue.type === "strict_object" && issue.expected === "never") return "no such field (unknown key)";
  const expected = issue.expected ?? issue.type;
  return `expected ${expected.split(" | ").map((e) => ARTICLE[e] ?? e).join(" or ")}`;
}

/** One readable line per issue (at most `max`), deepest sub-issue first for unions. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], max = 3): string[] {
  const lines = issues.slice(0, max).map((issue) => {
    const inner = issue.issues?.[0];
    const chosen = inner && issuePath(inner).length > issuePath(issue).length ? inner : issue;
    const path = issuePath(chosen);
    const what = expectation(chosen);
    // A check forwarded to a field (v.forward) carries the whole object as its input; the field's value is in the path.
    const last = chosen.path?.[chosen.path.length - 1];
    const found = last !== undefined && "value" in last ? last.value : chosen.input;
    return `${path === "" ? "" : `${path}: `}${what}${what === "missing" ? "" : `, got ${describeInput(found)}`}`;
  });
  if (issues.length > max) lines.push(`… and ${issues.length - max} more problem(s)`);
  return lines;
}

/**
 * Parses `input` with `schema` (all problems collected, not just the first), or throws a SchemaError naming `where`.
 * `rename` may reword a field path (e.g. add the metric a `normalisation.std[1]` belongs to).
 */
export function parseWithSchema<S extends AnySchema>(schema: S, input: unknown, where: string, rename?: (path: string) => string): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  const lines = describeIssues(result.issues);
  throw new SchemaError(where, rename ? lines.map((l) => rename(l)) : lines);
}

/** JSON.parse that names `where` in its error and quotes no more than the start of the text. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const detail = e instanceof Error ? e.message.replace(/(, ")[\s\S]*$/, "") : String(e);
    throw new SchemaError(where, [`not valid JSON (${detail.slice(0, 120)})`]);
  }
}
