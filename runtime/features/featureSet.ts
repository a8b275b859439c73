import * as v from "valibot";
import { parseWithSchema } from "../errors/parseWithSchema";
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

const count = (min: number, what: string) => v.pipe(v.number(), v.integer(what), v.minValue(min, what));

/** The schema of a feature set wherever one crosses a boundary (model bundles, features.json, files, environment). */
export const FEATURE_SET_SCHEMA = v.object({
  metrics: v.pipe(
    v.array(
      v.object({
        name: v.pipe(v.string(), v.trim(), v.nonEmpty("must be a non-empty string")),
        role: v.picklist(METRIC_ROLES, `expected one of ${METRIC_ROLES.join(", ")}`),
        unit: v.optional(v.pipe(v.string(), v.maxLength(16, "must be a short string (at most 16 characters)"))),
      }),
    ),
    v.minLength(1, "must list at least one metric"),
    v.check((ms) => new Set(ms.map((m) => m.name)).size === ms.length, "must not list a metric twice"),
  ),
  stepSeconds: count(1, "must be a positive integer"),
  maxFillSteps: count(0, "must be an integer >= 0"),
  shingleSize: count(1, "must be an integer >= 1"),
});

/** Checks a feature set, throwing a SchemaError that names `where` and the offending field; returns `fs` itself. */
export function validateFeatureSet(fs: FeatureSet, where = "feature set"): FeatureSet {
  parseWithSchema(FEATURE_SET_SCHEMA, fs, where, (line) => {
    // Name the metric listed twice, not just the list.
    if (!line.startsWith("metrics: must not list a metric twice")) return line;
    const seen = new Set<string>();
    const twice = fs.metrics.find((m) => (seen.has(m.name) ? true : (seen.add(m.name), false)));
    return `metric "${twice?.name ?? "?"}" is listed twice`;
  });
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
