import { existsSync, readFileSync, statSync } from "node:fs";
import { DEFAULT_FEATURE_SET } from "../runtime/features/defaultFeatureSet";
import { FeatureCsvError } from "../runtime/features/featureRowCsv";
import type { FeatureSet, MetricSpec } from "../runtime/features/featureSet";
import { parseMetricsCsv, type ParsedMetricsCsv } from "../runtime/features/metricsCsv";
import { CliError, EXIT_USAGE } from "./cliError";
import { COLLECT_FEATURE_SET } from "./collectSources";

/** Feature sets the CLI knows: the simulator's (`cad demo`) and the collector's (`cad collect`). */
export const KNOWN_FEATURE_SETS: readonly { readonly name: string; readonly featureSet: FeatureSet }[] = [
  { name: "default (cad demo, ECS container metrics)", featureSet: DEFAULT_FEATURE_SET },
  { name: "collect (cad collect, Splunk/Dynatrace)", featureSet: COLLECT_FEATURE_SET },
];

const KNOWN_METRICS: readonly MetricSpec[] = KNOWN_FEATURE_SETS.flatMap((k) => k.featureSet.metrics);

/** A metrics CSV read from disk, with the feature set its columns imply. */
export interface MetricsInput extends ParsedMetricsCsv {
  readonly file: string;
  readonly featureSet: FeatureSet;
  /** Which known feature set matched, or "custom" for a subset of known metrics. */
  readonly featureSetName: string;
}

/**
 * Reads a metrics CSV (feature rows, long format or a Splunk export of either) and picks its feature set:
 * a known feature set whose metrics are exactly the file's, else the file's metrics (in known order, with
 * their known roles, 60-s steps, fill 3, shingle 1).
 *
 * @throws CliError (usage) for a missing file; CliError naming file, line and column for bad content.
 */
export function readMetricsInput(file: string): MetricsInput {
  if (!existsSync(file)) throw new CliError(`--input ${file}: no such file`, EXIT_USAGE);
  if (!statSync(file).isFile()) throw new CliError(`--input ${file}: not a file`, EXIT_USAGE);
  let parsed: ParsedMetricsCsv;
  try {
    parsed = parseMetricsCsv(readFileSync(file, "utf8"), file, { knownMetrics: [...new Set(KNOWN_METRICS.map((m) => m.name))], roles: Object.fromEntries(KNOWN_METRICS.map((m) => [m.name, m.role])) });
  } catch (err) {
    if (err instanceof FeatureCsvError) throw new CliError(err.message);
    throw err;
  }
  const names = new Set(parsed.metrics);
  const match = KNOWN_FEATURE_SETS.find((k) => k.featureSet.metrics.length === names.size && k.featureSet.metrics.every((m) => names.has(m.name)));
  if (match) return { ...parsed, file, featureSet: match.featureSet, featureSetName: match.name };
  const metrics: MetricSpec[] = [];
  for (const m of KNOWN_METRICS) if (names.has(m.name) && !metrics.some((x) => x.name === m.name)) metrics.push(m);
  return { ...parsed, file, featureSet: { metrics, stepSeconds: 60, maxFillSteps: 3, shingleSize: 1 }, featureSetName: "custom" };
}

/**
 * Differences between the metrics a model was trained on and the metrics in the data, in words; empty
 * when they are the same set.
 */
export function metricMismatch(modelMetrics: readonly string[], dataMetrics: readonly string[]): string[] {
  const data = new Set(dataMetrics);
  const model = new Set(modelMetrics);
  const missing = modelMetrics.filter((m) => !data.has(m));
  const extra = dataMetrics.filter((m) => !model.has(m));
  const out: string[] = [];
  if (missing.length > 0) out.push(`the model needs ${missing.join(", ")}, missing from the data`);
  if (extra.length > 0) out.push(`the data has ${extra.join(", ")}, which the model was not trained on`);
  return out;
}
