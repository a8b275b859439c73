import { RandomCutForest } from "../model/randomCutForest";
import { ThresholdedForest, type ThresholdedForestOptions } from "../model/thresholdedForest";

export type DetectionMode = "streaming" | "batch";

/** Options of {@link detectSeries}: one parameter set for every series. */
export interface SeriesDetectorOptions {
  readonly mode: DetectionMode;
  readonly seed?: number;
  /** Streaming detector settings (inputs is set from the data). */
  readonly streaming?: Omit<ThresholdedForestOptions, "inputs">;
  /** Batch: fraction of the rows (from the start) to train on (default 1: train on the whole history, score it). */
  readonly trainFraction?: number;
  /** Batch: client-side shingle size (default 16). */
  readonly batchShingle?: number;
  /** Batch: after an alert, alerts within this many rows are repeats unless they score 1.5× higher (default 100). */
  readonly batchRepeatWindow?: number;
}

/** Default streaming settings for NAB-like single metrics at 5-minute steps. */
export const DEFAULT_STREAMING: Omit<ThresholdedForestOptions, "inputs"> = {
  shingleSize: 12,
  transform: "normalize",
  zFactor: 3,
  lowerThreshold: 1.3,
  // A step whose value lies within 2 running standard deviations of the value the forest expected is not an
  // anomaly, however unusual its shingle: cuts false alerts on bursty series more than it loses windows.
  ignoreNearExpectedDeviations: 2,
  // The same spike coming back (e.g. a daily job) alerts three times within a week of 5-minute steps, then no more.
  recurrenceHorizon: 2000,
  recurrenceCount: 3,
  // One alert per incident: an incident lasts while anomalous steps keep coming less than 50 steps apart (about
  // 4 hours at 5-minute steps), however long it goes on; after such a quiet gap a new anomaly alerts again, and
  // within an incident only one scoring 1.5 times the incident's alert does.
  repeatWindow: 50,
  repeatExtends: true,
  repeatEscalation: 1.5,
  // Daily (or other) cycles found in the data itself: a day whose shape changes alerts, though no shingle sees it.
  seasonal: true,
};

/**
 * Runs a detector over one series of `rows` (each row = one value per metric) and returns an anomaly score in
 * [0, 1] per row (0 = normal). Streaming: the {@link ThresholdedForest}'s grade, learning as it goes. Batch
 * (SageMaker-style): a {@link RandomCutForest} trained once on the first `trainFraction` of the rows (shingled
 * client-side), threshold = mean + 3σ of the training scores, score = how far beyond it, in [0, 1), with
 * repeats of an alert suppressed as the streaming detector does.
 */
export function detectSeries(rows: readonly (readonly number[])[], options: SeriesDetectorOptions): number[] {
  if (rows.length === 0) return [];
  const inputs = rows[0].length;
  if (options.mode === "streaming") {
    const d = new ThresholdedForest({ ...DEFAULT_STREAMING, ...options.streaming, inputs, seed: options.seed ?? 42 });
    return rows.map((r) => d.process(r).grade);
  }
  const shingle = options.batchShingle ?? 16;
  const shingled = rows.map((_, i) => {
    const p: number[] = [];
    for (let k = shingle - 1; k >= 0; k--) p.push(...rows[Math.max(0, i - k)]);
    return p;
  });
  const nTrain = Math.max(shingle + 1, Math.floor((options.trainFraction ?? 1) * rows.length));
  const train = shingled.slice(0, nTrain);
  const forest = RandomCutForest.train(train, { numTrees: 100, sampleSize: 256, seed: options.seed ?? 42 });
  const trainScores = train.map((p) => forest.score(p));
  const mean = trainScores.reduce((s, x) => s + x, 0) / trainScores.length;
  const sd = Math.sqrt(trainScores.reduce((s, x) => s + (x - mean) ** 2, 0) / trainScores.length);
  const threshold = mean + 3 * sd;
  const repeatWindow = options.batchRepeatWindow ?? 100;
  let lastAlert = -Infinity;
  let lastScore = 0;
  return shingled.map((p, i) => {
    const s = forest.score(p);
    if (!(s > threshold)) return 0;
    if (i - lastAlert <= repeatWindow && s <= 1.5 * lastScore) return 0;
    lastAlert = i;
    lastScore = s;
    return (s - threshold) / (s - mean);
  });
}
