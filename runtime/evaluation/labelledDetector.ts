import { RandomCutForest } from "../model/randomCutForest";
import { ThresholdedForest, type ThresholdedForestOptions } from "../model/thresholdedForest";
import type { DetectionMode } from "./seriesDetector";

/** One entity of a train/test/label dataset (rows = steps, columns = metrics). */
export interface LabelledEntity {
  readonly name: string;
  readonly train: readonly (readonly number[])[];
  readonly test: readonly (readonly number[])[];
  readonly labels: readonly number[];
}

export interface EntityDetections {
  /** Raw score per test row (higher = more anomalous). */
  readonly scores: number[];
  /** Grade per test row in [0, 1]; > 0 = the detector alerts. */
  readonly grades: number[];
}

/** Streaming settings for multivariate service metrics (one parameter set for every entity). */
export const DEFAULT_MULTIVARIATE: Omit<ThresholdedForestOptions, "inputs"> = {
  shingleSize: 1,
  transform: "normalize",
  zFactor: 6,
  lowerThreshold: 1.5,
  ignoreNearExpectedDeviations: 3,
  repeatWindow: 100,
  repeatEscalation: 1.5,
  seasonal: true,
};

/**
 * Learns on `entity.train`, then detects on `entity.test`. Streaming: a {@link ThresholdedForest} fed the
 * training rows, then the test rows (it keeps learning). Batch (SageMaker-style): z-normalise with the training
 * statistics, train a {@link RandomCutForest} once, threshold = mean + 3σ of the training scores.
 */
export function detectEntity(entity: LabelledEntity, mode: DetectionMode, options: Omit<ThresholdedForestOptions, "inputs"> = DEFAULT_MULTIVARIATE, seed = 42): EntityDetections {
  if (entity.train.length === 0 || entity.test.length === 0) throw new Error(`${entity.name}: needs training and test rows`);
  const inputs = entity.train[0].length;
  const scores: number[] = [];
  const grades: number[] = [];
  if (mode === "streaming") {
    const d = new ThresholdedForest({ ...options, inputs, seed });
    for (const r of entity.train) d.process(r);
    for (const r of entity.test) {
      const det = d.process(r);
      scores.push(det.score);
      grades.push(det.grade);
    }
    return { scores, grades };
  }
  const mean = new Array<number>(inputs).fill(0);
  const sd = new Array<number>(inputs).fill(0);
  for (const r of entity.train) for (let m = 0; m < inputs; m++) mean[m] += r[m] / entity.train.length;
  for (const r of entity.train) for (let m = 0; m < inputs; m++) sd[m] += (r[m] - mean[m]) ** 2 / entity.train.length;
  for (let m = 0; m < inputs; m++) sd[m] = Math.max(Math.sqrt(sd[m]), 0.01 * Math.abs(mean[m]), 1e-6);
  const z = (r: readonly number[]) => r.map((v, m) => Math.max(-12, Math.min(12, (v - mean[m]) / sd[m])));
  const train = entity.train.map(z);
  const forest = RandomCutForest.train(train, { numTrees: 100, sampleSize: 256, seed });
  const trainScores = train.map((p) => forest.score(p));
  const mu = trainScores.reduce((s, x) => s + x, 0) / trainScores.length;
  const sigma = Math.sqrt(trainScores.reduce((s, x) => s + (x - mu) ** 2, 0) / trainScores.length);
  const threshold = mu + 3 * sigma;
  for (const r of entity.test) {
    const s = forest.score(z(r));
    scores.push(s);
    grades.push(s > threshold ? (s - threshold) / (s - mu) : 0);
  }
  return { scores, grades };
}
