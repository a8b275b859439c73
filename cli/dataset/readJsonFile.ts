import { readFileSync } from "node:fs";
import { CliError, EXIT_USAGE } from "../cliError";

/** The JSON in `file`, given as `option`; a usage error naming the option and file when it cannot be read or parsed. */
export function readJsonFile(file: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf-8");
  } catch (e) {
    throw new CliError(`${option} ${file}: cannot read (${(e as Error).message})`, EXIT_USAGE);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${file}: not valid JSON (${(e as Error).message})`, EXIT_USAGE);
  }
}
