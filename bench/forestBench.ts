import { StreamingForest } from "../runtime/model/streamingForest";
import { shingled, type BenchStream } from "./benchData";
import { retainedBytes } from "./retainedBytes";

/** One forest configuration: `inputs` values per step, shingled `shingle` steps (dimensions = inputs · shingle). */
export interface ForestCase {
  readonly inputs: number;
  readonly shingle: number;
  readonly trees: number;
  readonly sampleSize: number;
  /** Steps of the warm-up pass (a throwaway forest, so the JIT has compiled the hot paths before timing). */
  readonly warmup: number;
  readonly seed: number;
}

/** One engine's figures for a {@link ForestCase}. */
export interface ForestFigures {
  /** A fresh forest over the whole stream, score then update per point: points per second. */
  readonly scoreUpdatePerSec: number;
  /** Score-only, then update-only, over the same points on that (now full) forest. */
  readonly scorePerSec: number;
  readonly updatePerSec: number;
  /** The forest's memory after the timed pass: typed-array sizes (ours) or retained heap (Java). */
  readonly bytes: number;
  /** Ours only: process memory (heap + array buffers, plus its WebAssembly memory) the forest retains, after full collections; null without gc. */
  readonly processBytes: number | null;
}

function perSec(points: number, ms: number): number {
  return Math.round((points * 1000) / ms);
}

/**
 * The TypeScript side of the forest protocol, as the Java driver (bench/java/RcfBench.java) runs it: a warm-up
 * forest over the first `warmup` points, then a fresh forest timed over all points (score, then update each),
 * then score-only and update-only passes. Points are shingled before timing (Java shingles internally).
 */
export function measureOurForest(stream: BenchStream, c: ForestCase): ForestFigures {
  const points = shingled(stream, c.shingle);
  const options = { dimensions: c.inputs * c.shingle, numTrees: c.trees, sampleSize: c.sampleSize, seed: c.seed };
  let sink = 0;
  const warm = new StreamingForest(options);
  for (let i = 0; i < Math.min(c.warmup, points.length); i++) {
    sink += warm.score(points[i]);
    warm.update(points[i]);
  }
  let scoreUpdatePerSec = 0;
  const { value: f, bytes: processBytes } = retainedBytes(() => {
    const fresh = new StreamingForest(options);
    const t0 = performance.now();
    for (const p of points) {
      sink += fresh.score(p);
      fresh.update(p);
    }
    scoreUpdatePerSec = perSec(points.length, performance.now() - t0);
    return fresh;
  });
  let t0 = performance.now();
  for (const p of points) sink += f.score(p);
  const scorePerSec = perSec(points.length, performance.now() - t0);
  t0 = performance.now();
  for (const p of points) f.update(p);
  const updatePerSec = perSec(points.length, performance.now() - t0);
  if (!Number.isFinite(sink)) throw new Error("the forest benchmark produced a non-finite score");
  // Node's heap and array-buffer counters leave WebAssembly memory out: the forest's is added as it is (whole pages).
  return { scoreUpdatePerSec, scorePerSec, updatePerSec, bytes: f.memoryBytes(), processBytes: processBytes === null ? null : processBytes + f.wasmMemoryBytes() };
}
