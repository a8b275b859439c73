import { existsSync, readFileSync } from "node:fs";
import { FeatureCsvError } from "../runtime/features/featureRowCsv";
import { CliError, EXIT_USAGE } from "./cliError";
import type { TruthWindow } from "./report/reportModel";
import { parseTruthCsv } from "./truthWindows";

/**
 * Reads a labels/truth CSV given on the command line.
 *
 * @throws CliError (usage) for a missing file, CliError naming file, line and column for bad content.
 */
export function readTruthFile(file: string, option: string): TruthWindow[] {
  if (!existsSync(file)) throw new CliError(`${option} ${file}: no such file`, EXIT_USAGE);
  try {
    return parseTruthCsv(readFileSync(file, "utf8"), file);
  } catch (err) {
    if (err instanceof FeatureCsvError) throw new CliError(err.message);
    throw err;
  }
}
