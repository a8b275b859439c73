import { Random } from "../runtime/model/random";
import { RandomCutForest } from "../runtime/model/randomCutForest";
import { StreamingForest } from "../runtime/model/streamingForest";
import { ThresholdedForest } from "../runtime/model/thresholdedForest";

export interface BenchCase {
  readonly name: string;
  readonly trees: number;
  readonly sampleSize: number;
  /** Base (input) dimensions; the forest sees dims × shingle. */
  readonly dims: number;
  readonly shingle: number;
  /** Points per measurement, after the warm-up. */
  readonly points: number;
  /** Points fed before measuring (fills the samplers, lets the JIT settle). */
  readonly warmup: number;
  readonly seed: number;
}

export interface BenchResult {
  readonly name: string;
  readonly trees: number;
  readonly sampleSize: number;
  readonly dims: number;
  readonly shingle: number;
  readonly points: number;
  /** Streaming forest: score then update, points per second. */
  readonly scoreUpdatePerSec: number;
  readonly scorePerSec: number;
  readonly updatePerSec: number;
  /** ThresholdedForest.process (transform, shingle, score, grade, update), input steps per second. */
  readonly detectorPerSec: number;
  /** Baseline in the same process: the batch RandomCutForest's score over the same sample size. */
  readonly baselineBatchScorePerSec: number;
  /** Java RCF 4.3 score+update on this machine (notes/model.md), where measured; the target is 2× this. */
  readonly javaScoreUpdatePerSec: number | null;
  /** Java RCF 4.3 score-only and update-only on this machine (notes/model.md), where measured. */
  readonly javaScorePerSec: number | null;
  readonly javaUpdatePerSec: number | null;
}

/** Java RCF 4.3 (one thread, 50 trees, 256 samples, base dim 5) score+update per second, from notes/model.md. */
export const JAVA_SCORE_UPDATE: Readonly<Record<number, number>> = { 1: 18951, 4: 9460, 8: 4686 };
/** Java RCF 4.3 score-only per second, same setting. */
export const JAVA_SCORE: Readonly<Record<number, number>> = { 1: 52143, 4: 24388, 8: 9547 };
/** Java RCF 4.3 update-only per second, same setting. */
export const JAVA_UPDATE: Readonly<Record<number, number>> = { 1: 22960, 4: 14541, 8: 9526 };

/**
 * The reference RCF's benchmark stream (NormalMixtureTestData): a Markov chain between a base state
 * (each input ~ N(0, 1)) and an anomalous one (~ N(4, 2)), entering the anomaly with probability 0.01 and
 * leaving it with 0.3 per step; shingled like the reference's internal shingling (point t = inputs t−s+1 … t).
 */
function makeStream(c: BenchCase): Float64Array[] {
  const rng = new Random(c.seed);
  const total = c.warmup + c.points;
  const dim = c.dims * c.shingle;
  const inputs: Float64Array[] = [];
  let anomalous = false;
  for (let t = 0; t < total + c.shingle; t++) {
    anomalous = anomalous ? rng.next() >= 0.3 : rng.next() < 0.01;
    const x = new Float64Array(c.dims);
    for (let d = 0; d < c.dims; d++) x[d] = anomalous ? 4 + 2 * rng.normal() : rng.normal();
    inputs.push(x);
  }
  const out: Float64Array[] = [];
  for (let t = c.shingle - 1; t < inputs.length && out.length < total; t++) {
    const p = new Float64Array(dim);
    for (let k = 0; k < c.shingle; k++) p.set(inputs[t - c.shingle + 1 + k], k * c.dims);
    out.push(p);
  }
  return out;
}

function perSec(points: number, ms: number): number {
  return Math.round((points * 1000) / ms);
}

/** Runs one case; `onProgress(fraction)` is called between phases. */
export function runBenchCase(c: BenchCase, onProgress: (fraction: number) => void = () => undefined): BenchResult {
  const stream = makeStream(c);
  const dim = c.dims * c.shingle;
  const forest = new StreamingForest({ dimensions: dim, numTrees: c.trees, sampleSize: c.sampleSize, seed: c.seed });
  for (let i = 0; i < c.warmup; i++) {
    forest.score(stream[i]);
    forest.update(stream[i]);
  }
  const measured = stream.slice(c.warmup);
  let t0 = performance.now();
  for (const p of measured) {
    forest.score(p);
    forest.update(p);
  }
  const scoreUpdatePerSec = perSec(measured.length, performance.now() - t0);
  onProgress(0.25);
  t0 = performance.now();
  let sink = 0;
  for (const p of measured) sink += forest.score(p);
  const scorePerSec = perSec(measured.length, performance.now() - t0);
  onProgress(0.4);
  t0 = performance.now();
  for (const p of measured) forest.update(p);
  const updatePerSec = perSec(measured.length, performance.now() - t0);
  onProgress(0.6);

  const detector = new ThresholdedForest({ inputs: c.dims, shingleSize: c.shingle, numTrees: c.trees, sampleSize: c.sampleSize, seed: c.seed });
  const inputs = stream.map((p) => p.subarray(dim - c.dims));
  for (let i = 0; i < c.warmup; i++) detector.process(inputs[i]);
  t0 = performance.now();
  for (let i = c.warmup; i < inputs.length; i++) sink += detector.process(inputs[i]).score;
  const detectorPerSec = perSec(inputs.length - c.warmup, performance.now() - t0);
  onProgress(0.8);

  const train = stream.slice(c.warmup - Math.min(c.warmup, 4 * c.sampleSize), c.warmup).map((p) => Array.from(p));
  const batch = RandomCutForest.train(train, { numTrees: c.trees, sampleSize: c.sampleSize, seed: c.seed });
  const asArrays = measured.slice(0, Math.min(measured.length, 20000)).map((p) => Array.from(p));
  t0 = performance.now();
  for (const p of asArrays) sink += batch.score(p);
  const baselineBatchScorePerSec = perSec(asArrays.length, performance.now() - t0);
  onProgress(1);
  if (!Number.isFinite(sink)) throw new Error("benchmark produced a non-finite score");
  return {
    name: c.name,
    trees: c.trees,
    sampleSize: c.sampleSize,
    dims: c.dims,
    shingle: c.shingle,
    points: measured.length,
    scoreUpdatePerSec,
    scorePerSec,
    updatePerSec,
    detectorPerSec,
    baselineBatchScorePerSec,
    javaScoreUpdatePerSec: JAVA_SCORE_UPDATE[c.shingle] ?? null,
    javaScorePerSec: JAVA_SCORE[c.shingle] ?? null,
    javaUpdatePerSec: JAVA_UPDATE[c.shingle] ?? null,
  };
}
