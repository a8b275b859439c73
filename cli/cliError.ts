/** Exit codes of every `cad` command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * An error meant for the person at the terminal: its message is printed as-is (no stack trace).
 * `exitCode` 2 = the command was called wrongly (bad option, missing file argument), 1 = the work failed.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Parses a positive integer option, naming the option in the error. */
export function parsePositiveInt(option: string): (value: string) => number {
  return parseIntAtLeast(option, 1);
}

/**
 * Parses an integer option that must be at least `min`, naming the option (and `why`, when given) in the
 * usage error (exit 2).
 */
export function parseIntAtLeast(option: string, min: number, why?: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || (min >= 1 && n === 0)) {
      throw new CliError(`${option} must be ${min >= 1 ? "a positive integer" : "an integer >= 0"}, got "${value}"`, EXIT_USAGE);
    }
    if (n < min) throw new CliError(`${option} must be at least ${min}${why ? ` (${why})` : ""}, got ${n}`, EXIT_USAGE);
    return n;
  };
}

/** Parses a number option that must lie in [min, max], naming the option in the usage error (exit 2). */
export function parseNumberIn(option: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) throw new CliError(`${option} must be a number from ${min} to ${max}, got "${value}"`, EXIT_USAGE);
    return n;
  };
}
