import { validateFeatureSet, type FeatureSet } from "../features/featureSet";
import type { Normalisation } from "../features/normalisation";
import type { ForestState } from "./randomCutForest";
import type { ScoreStats } from "./scoreThreshold";

/** SageMaker's RCF hyperparameter names, used for the local forest too so both are configured alike. */
export interface RcfHyperparameters {
  readonly feature_dim: number;
  readonly num_trees: number;
  readonly num_samples_per_tree: number;
}

/**
 * A trained detector: everything needed to turn samples into scores and scores into anomalies.
 * Written by training, read by the detect handler (a JSON file locally, an S3 object in AWS).
 * `forest` is present for the embedded scorer and absent when the forest lives in a SageMaker endpoint.
 */
export interface ModelBundle {
  readonly format: "cad-model/1";
  /** ISO-8601 time of training. */
  readonly trainedAt: string;
  readonly featureSet: FeatureSet;
  readonly normalisation: Normalisation;
  readonly scoreStats: ScoreStats;
  /**
   * Share of the training vectors above the threshold (the heavy tail of mean + 3σ makes it ~1–2 %, not the
   * 0.3 % a normal distribution would give): the baseline of the model-health anomaly-rate alarm.
   */
  readonly expectedAnomalyRate?: number;
  readonly hyperparameters: RcfHyperparameters;
  readonly seed: number;
  readonly forest?: ForestState;
}

/** Parses and checks a model bundle, naming the source and the field at fault. */
export function parseModelBundle(json: string, source: string): ModelBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (raw === null || typeof raw !== "object") throw new Error(`${source}: expected a JSON object`);
  const b = raw as Partial<ModelBundle>;
  if (b.format !== "cad-model/1") throw new Error(`${source}: "format" is ${JSON.stringify(b.format)}, expected "cad-model/1" (is this a model file written by \`cad train\`?)`);
  if (!b.featureSet) throw new Error(`${source}: "featureSet" is missing`);
  validateFeatureSet(b.featureSet, `${source}: featureSet`);
  const m = b.featureSet.metrics.length;
  if (!b.normalisation || !Array.isArray(b.normalisation.mean) || b.normalisation.mean.length !== m || !Array.isArray(b.normalisation.std) || b.normalisation.std.length !== m) {
    throw new Error(`${source}: "normalisation" must hold "mean" and "std" arrays of ${m} numbers (one per metric)`);
  }
  if (!b.scoreStats || !Number.isFinite(b.scoreStats.threshold)) throw new Error(`${source}: "scoreStats.threshold" is missing or not a number`);
  if (b.expectedAnomalyRate !== undefined && !(typeof b.expectedAnomalyRate === "number" && b.expectedAnomalyRate >= 0 && b.expectedAnomalyRate <= 1)) {
    throw new Error(`${source}: "expectedAnomalyRate" must be a fraction in [0, 1], got ${JSON.stringify(b.expectedAnomalyRate)}`);
  }
  if (!b.hyperparameters || b.hyperparameters.feature_dim !== m * b.featureSet.shingleSize) {
    throw new Error(`${source}: "hyperparameters.feature_dim" is ${b.hyperparameters?.feature_dim}, expected ${m * b.featureSet.shingleSize} (metrics × shingleSize)`);
  }
  if (b.forest !== undefined && b.forest.dim !== b.hyperparameters.feature_dim) throw new Error(`${source}: forest dim ${b.forest.dim} differs from feature_dim ${b.hyperparameters.feature_dim}`);
  return b as ModelBundle;
}
