import { ThresholdedForest } from "../runtime/model/thresholdedForest";
import { CONTAINER_DETECTOR } from "../runtime/detection/detectorProfiles";
import { row, type BenchStream } from "./benchData";
import { retainedBytes } from "./retainedBytes";

/** Our detector's figures on one stream. */
export interface DetectorFigures {
  /** A fresh detector over the whole stream: steps per second. */
  readonly pointsPerSec: number;
  /** Process memory (heap + array buffers) the detector retains after the pass; null without gc. */
  readonly bytes: number | null;
}

/** The shingle both detectors run at in the bench: OpenSearch AD's default, which the Java driver uses. */
export const BENCH_SHINGLE = 8;

/**
 * The whole detector (`ThresholdedForest` with the shipped settings, `process` per step) at a shingle of
 * {@link BENCH_SHINGLE}, the Java reference's (a deployment's default shingle is 1, which would flatter ours; at
 * the same shingle ours still sees twice the dimensions, each metric's change beside its value): a warm-up detector over the first `warmup` steps, then a fresh one timed over all
 * steps, as the Java driver times ThresholdedRandomCutForest.
 */
export function measureOurDetector(stream: BenchStream, c: { readonly warmup: number; readonly seed: number }): DetectorFigures {
  const options = { ...CONTAINER_DETECTOR, shingleSize: BENCH_SHINGLE, inputs: stream.inputs, seed: c.seed };
  let sink = 0;
  const warm = new ThresholdedForest(options);
  for (let t = 0; t < Math.min(c.warmup, stream.steps); t++) sink += warm.process(row(stream, t)).grade;
  let pointsPerSec = 0;
  const { bytes } = retainedBytes(() => {
    const detector = new ThresholdedForest(options);
    const t0 = performance.now();
    for (let t = 0; t < stream.steps; t++) {
      const d = detector.process(row(stream, t));
      sink += d.grade + d.score;
    }
    pointsPerSec = Math.round((stream.steps * 1000) / (performance.now() - t0));
    return detector;
  });
  if (!Number.isFinite(sink)) throw new Error("the detector benchmark produced a non-finite score");
  return { pointsPerSec, bytes };
}
