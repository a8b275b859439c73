import { existsSync, readFileSync } from "node:fs";
import { checkRulesAgainst, type AlertRules } from "../runtime/detection/alertRules";
import { parseAlertRules } from "../runtime/detection/alertRulesSchema";
import { parseJson } from "../runtime/errors/parseWithSchema";
import type { FeatureSet } from "../runtime/features/featureSet";
import { CliError, EXIT_USAGE } from "./cliError";

/**
 * Reads an alert rules file (`--rules FILE`, JSON in the shape of the stack config's `rules` key) and checks its
 * metric rules against the feature set the run detects with.
 *
 * @throws CliError (usage) for a missing file; CliError naming the file and the field for bad content.
 */
export function readRulesFile(file: string, option: string, fs: FeatureSet): AlertRules {
  if (!existsSync(file)) throw new CliError(`${option} ${file}: no such file`, EXIT_USAGE);
  try {
    return checkRulesAgainst(parseAlertRules(parseJson(readFileSync(file, "utf8"), file), file), fs, file);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT_USAGE);
  }
}
