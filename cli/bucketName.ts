import * as v from "valibot";
import { quoteInput } from "../runtime/errors/quoteInput";
import { CliError, EXIT_USAGE } from "./cliError";

/** S3's general-purpose bucket naming rules, checked before any request so a typo is a usage error, not a stack trace. */
export const BUCKET_NAME_SCHEMA = v.pipe(
  v.string(),
  v.minLength(3, "must be 3 to 63 characters"),
  v.maxLength(63, "must be 3 to 63 characters"),
  v.regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "may hold only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit"),
  v.check((name) => !name.includes(".."), "must not hold two dots in a row"),
  v.check((name) => !/^\d+\.\d+\.\d+\.\d+$/.test(name), "must not look like an IP address"),
);

/** A commander option parser for `--bucket`: the name, or a usage error (exit 2) saying what is wrong. */
export function parseBucketName(option: string): (value: string) => string {
  return (value) => {
    const result = v.safeParse(BUCKET_NAME_SCHEMA, value, { abortPipeEarly: true });
    if (result.success) return result.output;
    throw new CliError(`${option} ${quoteInput(value)} is not a valid S3 bucket name: it ${result.issues[0].message}`, EXIT_USAGE);
  };
}
