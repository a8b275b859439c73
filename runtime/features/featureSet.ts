import type { MetricRole } from "../types";

/** One metric of the feature set. */
export interface MetricSpec {
  /** Name exactly as the metric sources report it. */
  readonly name: string;
  readonly role: MetricRole;
  /** Unit of the values as the sources report them ("%", "MiB", "bytes/s", "ms", "count"), shown in alerts and reports. */
  readonly unit?: string;
}

/**
 * Everything that turns samples into model vectors. It is stored with every trained model and checked
 * before scoring, so training and serving can never disagree on the features.
 */
export interface FeatureSet {
  /** Metrics in the fixed order of every feature row and vector. */
  readonly metrics: readonly MetricSpec[];
  /** Alignment step in seconds (default 60). */
  readonly stepSeconds: number;
  /** Gaps of at most this many steps are filled from the previous value; longer ones mark rows as gaps. */
  readonly maxFillSteps: number;
  /** Number of consecutive rows concatenated into one vector. */
  readonly shingleSize: number;
}

/** Every role a metric may have (decisions are taken on roles, not names). */
export const METRIC_ROLES: readonly MetricRole[] = ["cpu", "memory", "network-rx", "network-tx", "restarts", "throttling", "latency", "other"];

/** Checks a feature set, throwing an error that names the offending field. */
export function validateFeatureSet(fs: FeatureSet, where = "feature set"): FeatureSet {
  if (!Array.isArray(fs.metrics) || fs.metrics.length === 0) throw new Error(`${where}: "metrics" must list at least one metric`);
  const seen = new Set<string>();
  fs.metrics.forEach((m, i) => {
    if (typeof m.name !== "string" || m.name.trim() === "") throw new Error(`${where}: metrics[${i}].name must be a non-empty string`);
    if (seen.has(m.name)) throw new Error(`${where}: metric "${m.name}" is listed twice`);
    seen.add(m.name);
    if (!METRIC_ROLES.includes(m.role)) throw new Error(`${where}: metrics[${i}].role is "${String(m.role)}", expected one of ${METRIC_ROLES.join(", ")}`);
    if (m.unit !== undefined && (typeof m.unit !== "string" || m.unit.length > 16)) throw new Error(`${where}: metrics[${i}].unit must be a short string (at most 16 characters), got ${JSON.stringify(m.unit)}`);
  });
  if (!Number.isInteger(fs.stepSeconds) || fs.stepSeconds <= 0) throw new Error(`${where}: "stepSeconds" must be a positive integer, got ${String(fs.stepSeconds)}`);
  if (!Number.isInteger(fs.maxFillSteps) || fs.maxFillSteps < 0) throw new Error(`${where}: "maxFillSteps" must be an integer >= 0, got ${String(fs.maxFillSteps)}`);
  if (!Number.isInteger(fs.shingleSize) || fs.shingleSize < 1) throw new Error(`${where}: "shingleSize" must be an integer >= 1, got ${String(fs.shingleSize)}`);
  return fs;
}

/** Vector length the model sees: metrics × shingle size (SageMaker's `feature_dim`). */
export function featureDim(fs: FeatureSet): number {
  return fs.metrics.length * fs.shingleSize;
}

/**
 * Differences between the feature set a model was trained with and the one about to be used, one line each.
 * Empty when they match.
 */
export function featureSetDifferences(model: FeatureSet, serving: FeatureSet): string[] {
  const diffs: string[] = [];
  const a = model.metrics.map((m) => m.name);
  const b = serving.metrics.map((m) => m.name);
  if (a.join("\u0000") !== b.join("\u0000")) diffs.push(`metrics: model has [${a.join(", ")}], serving has [${b.join(", ")}]`);
  if (model.stepSeconds !== serving.stepSeconds) diffs.push(`stepSeconds: model ${model.stepSeconds}, serving ${serving.stepSeconds}`);
  if (model.shingleSize !== serving.shingleSize) diffs.push(`shingleSize: model ${model.shingleSize}, serving ${serving.shingleSize}`);
  if (model.maxFillSteps !== serving.maxFillSteps) diffs.push(`maxFillSteps: model ${model.maxFillSteps}, serving ${serving.maxFillSteps}`);
  return diffs;
}
