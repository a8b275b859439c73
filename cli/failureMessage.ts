import { CadError } from "../runtime/errors/CadError";
import { CliError } from "./cliError";

/** Longest error message printed (a message quoting a runaway input must not flood the terminal). */
const MAX_MESSAGE_CHARS = 2_000;

/** Every error along the `cause` chain, the outermost first. */
function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && out.length < 10; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

const nameOf = (e: unknown): string => (e instanceof Error ? e.name : "");

/** A hint for failures whose fix is well known (no credentials), or "". */
function hintFor(err: unknown): string {
  const chain = causes(err);
  if (chain.some((e) => nameOf(e) === "CredentialsProviderError" || /Could not load credentials from any providers/.test(e instanceof Error ? e.message : ""))) {
    return "no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role provides them";
  }
  if (chain.some((e) => nameOf(e) === "ExpiredToken" || nameOf(e) === "ExpiredTokenException")) return "the AWS session token has expired: refresh your credentials (e.g. aws sso login)";
  return "";
}

/**
 * What `cad` prints on stderr for a failed command: `cad: <message>` on one line (a hint added for well-known
 * causes), the stack trace only with --verbose. CliErrors are meant for the terminal as they are; anything else
 * is unexpected, so the line says how to get the stack.
 */
export function failureMessage(err: unknown, verbose: boolean): string {
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw.length > MAX_MESSAGE_CHARS ? `${raw.slice(0, MAX_MESSAGE_CHARS)}… (${raw.length - MAX_MESSAGE_CHARS} more characters)` : raw;
  const hint = hintFor(err);
  const line = `cad: ${message.trim()}${hint ? ` — ${hint}` : ""}`;
  if (verbose) {
    const stacks = causes(err)
      .map((e) => (e instanceof Error ? e.stack : undefined))
      .filter((s): s is string => s !== undefined);
    return `${line}\n${stacks.join("\ncaused by: ")}\n`;
  }
  // CliErrors and the runtime's own errors (CadError: bad input, a refused answer) are worded for the user; anything
  // else is a surprise, for which the stack matters.
  return err instanceof CliError || err instanceof CadError ? `${line}\n` : `${line} (run with --verbose for the stack trace)\n`;
}
