import { alignSamples, type AlignmentReport } from "../runtime/features/alignSamples";
import { validateFeatureSet, type FeatureSet } from "../runtime/features/featureSet";
import { fitNormalisation } from "../runtime/features/normalisation";
import { minScaleForRole } from "../runtime/features/roleScale";
import { toVectors } from "../runtime/features/toVectors";
import type { ModelBundle } from "../runtime/model/modelBundle";
import type { FeatureRow, MetricSample } from "../runtime/types";
import { trainOnVectors } from "./trainOnVectors";

export interface TrainOptions {
  readonly featureSet: FeatureSet;
  /** SageMaker `num_trees` (50–1000 there; any positive number locally). Default 100. */
  readonly numTrees?: number;
  /** SageMaker `num_samples_per_tree`. Default 256. */
  readonly sampleSize?: number;
  readonly seed?: number;
  /** Threshold = mean + sigmas × std of the training scores. Default 3 (SageMaker's documented rule). */
  readonly sigmas?: number;
  /** Time of training for the bundle (ISO-8601); injected for reproducible files. */
  readonly trainedAt?: string;
}

export interface TrainResult {
  readonly model: ModelBundle;
  readonly alignment: AlignmentReport;
  readonly vectors: number;
  readonly trainingScores: number[];
}

/** Trains from raw samples: align, then `trainOnRows`. */
export function trainModel(samples: readonly MetricSample[], opts: TrainOptions): TrainResult {
  const { rows, report } = alignSamples(samples, validateFeatureSet(opts.featureSet));
  return { ...trainOnRows(rows, opts), alignment: report };
}

/**
 * Trains the local model exactly as the production flow does: learn normalisation from the rows, shingle with
 * the same `toVectors` the detect handler uses, build the forest with SageMaker's hyperparameter names, score
 * the training vectors and set the threshold at mean + 3σ.
 */
export function trainOnRows(rows: readonly FeatureRow[], opts: TrainOptions): Omit<TrainResult, "alignment"> {
  const fs = validateFeatureSet(opts.featureSet);
  const normalisation = fitNormalisation(rows, fs.metrics.length, fs.metrics.map((m) => minScaleForRole(m.role)), fs.metrics.map((m) => m.name));
  const vectors = toVectors(rows, fs, normalisation).map((v) => v.vector);
  if (vectors.length === 0) throw new Error(`no complete shingles of ${fs.shingleSize} consecutive gap-free rows in the training data`);
  const { model, trainingScores } = trainOnVectors(vectors, fs, normalisation, opts);
  return { model, vectors: vectors.length, trainingScores };
}
