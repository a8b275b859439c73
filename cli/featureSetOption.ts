import { readFileSync } from "node:fs";
import { DEFAULT_FEATURE_SET } from "../runtime/features/defaultFeatureSet";
import { validateFeatureSet, type FeatureSet } from "../runtime/features/featureSet";
import { CliError, EXIT_USAGE } from "./cliError";
import { COLLECT_FEATURE_SET } from "./collectSources";

/**
 * Resolves a `--feature-set` option: `default` (the detector's awsecscontainermetrics set), `collect`
 * (cad collect's docker_stats set), or a JSON file holding a feature set — itself, or under `featureSet`
 * as in a model file (model.json) or a training set's features.json. Errors are usage errors naming the file.
 */
export function loadFeatureSetOption(spec: string): FeatureSet {
  if (spec === "default") return DEFAULT_FEATURE_SET;
  if (spec === "collect") return COLLECT_FEATURE_SET;
  let text: string;
  try {
    text = readFileSync(spec, "utf8");
  } catch (e) {
    throw new CliError(`--feature-set: cannot read ${spec}: ${(e as Error).message}`, EXIT_USAGE);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CliError(`--feature-set: ${spec} is not valid JSON (${(e as Error).message})`, EXIT_USAGE);
  }
  const candidate = raw !== null && typeof raw === "object" && "featureSet" in raw ? (raw as { featureSet: unknown }).featureSet : raw;
  try {
    return validateFeatureSet(candidate as FeatureSet, spec);
  } catch (e) {
    throw new CliError(`--feature-set: ${(e as Error).message}`, EXIT_USAGE);
  }
}
