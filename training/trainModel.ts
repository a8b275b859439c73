import { alignSamples, type AlignmentReport } from "../runtime/features/alignSamples";
import { validateFeatureSet, type FeatureSet } from "../runtime/features/featureSet";
import { fitNormalisation } from "../runtime/features/normalisation";
import { minScaleForRole } from "../runtime/features/roleScale";
import { toVectors } from "../runtime/features/toVectors";
import type { ModelBundle } from "../runtime/model/modelBundle";
import type { FeatureRow, MetricSample } from "../runtime/types";
import type { DetectorProfile } from "../runtime/detection/detectorProfiles";
import { trainDetector } from "./trainDetector";
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
  /** Settings of the streaming detector trained alongside (default CONTAINER_DETECTOR). */
  readonly detector?: DetectorProfile;
  /**
   * Whether to train the static forest too (default true): what SageMaker would train on the same vectors, for
   * the training channels and a local stand-in of the endpoint. The embedded scorer does not need it.
   */
  readonly staticForest?: boolean;
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
 * Trains both models a deployment can run, from the same rows:
 * - the streaming detector (the embedded scorer): the rows replayed through the detect handler's own detector
 *   ({@link trainDetector}), one model per container name;
 * - the static forest SageMaker's built-in RCF would train: normalisation learnt from the rows, shingles from the
 *   same `toVectors` the detect handler uses, SageMaker's hyperparameter names, and the training scores'
 *   distribution (mean + 3σ: SageMaker's documented threshold, the calibration of a thresholder fed by it).
 */
export function trainOnRows(rows: readonly FeatureRow[], opts: TrainOptions): Omit<TrainResult, "alignment"> {
  const fs = validateFeatureSet(opts.featureSet);
  const normalisation = fitNormalisation(rows, fs.metrics.length, fs.metrics.map((m) => minScaleForRole(m.role)), fs.metrics.map((m) => m.name));
  const vectors = toVectors(rows, fs, normalisation).map((v) => v.vector);
  if (vectors.length === 0) throw new Error(`no complete shingles of ${fs.shingleSize} consecutive gap-free rows in the training data`);
  const detector = trainDetector(rows, { featureSet: fs, profile: opts.detector, seed: opts.seed });
  const { model, trainingScores } = trainOnVectors(vectors, fs, normalisation, { ...opts, detector });
  return { model, vectors: vectors.length, trainingScores };
}
