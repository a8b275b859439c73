import type { ObjectStore } from "../ports";
import { featureDim, featureSetDifferences, validateFeatureSet, type FeatureSet } from "./featureSet";
import type { Normalisation } from "./normalisation";

/** The `format` written by the current dataset builder. */
export const DATASET_FEATURES_FORMAT = "cad-features/1";

/**
 * `training/<version>/features.json`: how the vectors of a training set were made. The detect handler loads
 * the one of the deployed model version and scores only with exactly this feature set and normalisation, so
 * the vectors it sends the endpoint are made the way the model's training vectors were.
 */
export interface DatasetFeatures {
  readonly format: typeof DATASET_FEATURES_FORMAT;
  /** The training set version (content-derived id, e.g. `ds-3f9a1c2b7d4e5f60`). */
  readonly version: string;
  /** Metric order and roles, step (seconds), gap fill limit (steps) and shingle size. */
  readonly featureSet: FeatureSet;
  /** Length of every vector: metrics × shingle size (SageMaker's `feature_dim`). */
  readonly featureDim: number;
  /** Per-metric z-score parameters learned from the training rows (raw metric units). */
  readonly normalisation: Normalisation;
  /** Per source name, the query that produced the raw samples (SPL, Dynatrace metric selectors, …). */
  readonly sourceQueries: Readonly<Record<string, string>>;
}

/** Key of the features.json of `version` under `prefix` (`""` or ending in `/`). */
export function datasetFeaturesKey(prefix: string, version: string): string {
  return `${prefix}training/${version}/features.json`;
}

/**
 * Parses and checks a features.json, naming `source` (file or S3 key) and the field at fault.
 *
 * @throws Error for invalid JSON, a missing or older `format`, or any inconsistent field.
 */
export function parseDatasetFeatures(json: string, source: string): DatasetFeatures {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`${source}: expected a JSON object`);
  const f = raw as Partial<Record<keyof DatasetFeatures, unknown>>;
  if (f.format !== DATASET_FEATURES_FORMAT) {
    const older = typeof f.format === "string" && /^cad-features\/\d+$/.test(f.format);
    throw new Error(
      older || f.format === undefined
        ? `${source}: "format" is ${JSON.stringify(f.format)}: written by an older dataset builder; rebuild the training set with \`cad dataset build\` (this version reads "${DATASET_FEATURES_FORMAT}")`
        : `${source}: "format" is ${JSON.stringify(f.format)}, expected "${DATASET_FEATURES_FORMAT}" (is this a features.json written by \`cad dataset build\`?)`,
    );
  }
  if (typeof f.version !== "string" || f.version === "") throw new Error(`${source}: "version" must be a non-empty string`);
  if (f.featureSet === null || typeof f.featureSet !== "object") throw new Error(`${source}: "featureSet" is missing`);
  const fs = validateFeatureSet(f.featureSet as FeatureSet, `${source}: featureSet`);
  if (f.featureDim !== featureDim(fs)) throw new Error(`${source}: "featureDim" is ${JSON.stringify(f.featureDim)}, expected ${featureDim(fs)} (${fs.metrics.length} metrics × shingleSize ${fs.shingleSize})`);
  const n = f.normalisation as Partial<Normalisation> | undefined;
  const m = fs.metrics.length;
  for (const field of ["mean", "std"] as const) {
    const arr = n?.[field];
    if (!Array.isArray(arr) || arr.length !== m || !arr.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new Error(`${source}: "normalisation.${field}" must be ${m} finite numbers (one per metric)`);
    }
  }
  if (!(n?.std ?? []).every((s) => s > 0)) throw new Error(`${source}: "normalisation.std" must be positive`);
  const q = f.sourceQueries;
  if (q === null || typeof q !== "object" || Array.isArray(q) || !Object.values(q).every((v) => typeof v === "string")) {
    throw new Error(`${source}: "sourceQueries" must be an object of source name → query text`);
  }
  return raw as DatasetFeatures;
}

/**
 * Refuses a serving feature set that differs from the one the model version was trained with.
 *
 * @throws Error naming the file and every difference (metrics, step, shingle size, fill limit).
 */
export function assertServingMatches(features: DatasetFeatures, serving: FeatureSet, source: string): void {
  const diffs = featureSetDifferences(features.featureSet, serving);
  if (diffs.length > 0) {
    throw new Error(`${source}: training set ${features.version} was built with a different feature set than the one configured for serving; deploy a model trained with this feature set or fix the configuration:\n  ${diffs.join("\n  ")}`);
  }
}

/**
 * What the detect Lambda calls at cold start: reads the features.json of the deployed training set version
 * (`prefix`, `version` come from the Pulumi program) and checks it against the configured feature set.
 *
 * @throws Error naming the key when it is missing, malformed, of an older format, or does not match.
 */
export async function loadDatasetFeatures(objects: ObjectStore, prefix: string, version: string, serving?: FeatureSet): Promise<DatasetFeatures> {
  const key = datasetFeaturesKey(prefix, version);
  const text = await objects.get(key);
  if (text === undefined) throw new Error(`${key}: not found; is the deployed trainingDataVersion "${version}" built (\`cad dataset build\`) and is the prefix right?`);
  const features = parseDatasetFeatures(text, key);
  if (features.version !== version) throw new Error(`${key}: "version" is "${features.version}", but it sits under version "${version}"`);
  if (serving) assertServingMatches(features, serving, key);
  return features;
}
