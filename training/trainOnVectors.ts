import { anomalyRateAt } from "../runtime/detection/modelHealth";
import { featureDim, type FeatureSet } from "../runtime/features/featureSet";
import type { Normalisation } from "../runtime/features/normalisation";
import { sealModelBundle, type ModelBundle } from "../runtime/model/modelBundle";
import { DEFAULT_NUM_TREES, DEFAULT_SAMPLE_SIZE, RandomCutForest } from "../runtime/model/randomCutForest";
import { fitThreshold } from "../runtime/model/scoreThreshold";

export interface VectorTrainOptions {
  /** SageMaker `num_trees`. Default 100. */
  readonly numTrees?: number;
  /** SageMaker `num_samples_per_tree`. Default 256. */
  readonly sampleSize?: number;
  readonly seed?: number;
  /** Threshold = mean + sigmas × std of the training scores. Default 3 (SageMaker's documented rule). */
  readonly sigmas?: number;
  /** Time of training for the bundle (ISO-8601); injected for reproducible files. */
  readonly trainedAt?: string;
}

/**
 * The local stand-in for a SageMaker RCF training job: a forest over already normalised, shingled vectors
 * (the rows of a train channel), scored on its own training vectors to set the threshold at mean + 3σ.
 */
export function trainOnVectors(vectors: readonly (readonly number[])[], fs: FeatureSet, normalisation: Normalisation, opts: VectorTrainOptions = {}): { model: ModelBundle; trainingScores: number[] } {
  if (vectors.length === 0) throw new Error("cannot train on zero vectors");
  const dim = featureDim(fs);
  const bad = vectors.findIndex((v) => v.length !== dim);
  if (bad >= 0) throw new Error(`vector ${bad} has ${vectors[bad].length} values, feature_dim is ${dim}`);
  const numTrees = opts.numTrees ?? DEFAULT_NUM_TREES;
  const sampleSize = opts.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const seed = opts.seed ?? 42;
  const forest = RandomCutForest.train(vectors, { numTrees, sampleSize, seed });
  const trainingScores = vectors.map((v) => forest.score(v));
  const scoreStats = fitThreshold(trainingScores, opts.sigmas ?? 3);
  const model: ModelBundle = sealModelBundle({
    format: "cad-model/1",
    trainedAt: opts.trainedAt ?? new Date().toISOString(),
    featureSet: fs,
    normalisation,
    scoreStats,
    expectedAnomalyRate: anomalyRateAt(trainingScores, scoreStats.threshold),
    hyperparameters: { feature_dim: dim, num_trees: numTrees, num_samples_per_tree: sampleSize },
    seed,
    forest: forest.toState(),
  });
  return { model, trainingScores };
}
