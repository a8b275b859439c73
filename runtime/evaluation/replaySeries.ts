import { CONTAINER_DETECTOR, type DetectorProfile } from "../detection/detectorProfiles";
import { ServiceDetector, type ContainerDetection } from "../detection/serviceDetector";
import { DEFAULT_FEATURE_SET } from "../features/defaultFeatureSet";
import { isGapRow } from "./fillRowGaps";
import { staticModelScores } from "./staticModelScores";
import { stepGrid, typicalStep } from "./stepGrid";

/** streaming: the detector's own forest learns as it goes; batch: an emulated static SageMaker model scores. */
export type DetectionMode = "streaming" | "batch";

export interface ReplayOptions {
  readonly mode: DetectionMode;
  readonly seed?: number;
  /** Detector settings (default CONTAINER_DETECTOR, what a deployment runs; its shingle of 1 is the default feature set's). */
  readonly profile?: DetectorProfile;
  /** Batch: rows (from the start) the static model trains on (default 15 %, NAB's probationary period). */
  readonly trainRows?: number;
  /**
   * Missing time steps filled with the value before, as the collector fills short gaps (default the default
   * feature set's maxFillSteps); a longer gap reaches the detector as gap steps, as in the detect Lambda.
   */
  readonly maxFillSteps?: number;
}

/**
 * Replays one series (`rows[i]` = one value per metric at `timestamps[i]`) through the service detector the
 * detect handler runs, as one container of one service, and returns its detection per row: the evaluation
 * commands measure the shipped decisions (`alert`, `grade`), not a copy of them. In batch mode the raw scores
 * come from {@link staticModelScores} through the detector's external scorer, as SageMaker's do in the Lambda.
 * Every row must be complete (see {@link replaySeriesWithGaps} for rows with missing values).
 */
export function replaySeries(timestamps: readonly number[], rows: readonly (readonly number[])[], options: ReplayOptions): ContainerDetection[] {
  return replaySeriesWithGaps(timestamps, rows, options).map((d, i) => {
    if (d === null) throw new Error(`row ${i} has a missing value (NaN): replaySeries takes complete rows`);
    return d;
  });
}

/**
 * {@link replaySeries} for rows that may hold missing values (NaN): such a row reaches the detector as a gap step,
 * as the detect Lambda sends a row its alignment could not fill, and its detection is null.
 */
export function replaySeriesWithGaps(timestamps: readonly number[], rows: readonly (readonly number[])[], options: ReplayOptions): (ContainerDetection | null)[] {
  if (rows.length === 0) return [];
  if (timestamps.length !== rows.length) throw new Error(`${timestamps.length} timestamps for ${rows.length} rows`);
  const profile = { ...(options.profile ?? CONTAINER_DETECTOR), seed: options.seed ?? 42 };
  const external = options.mode === "batch" ? staticModelScores(rows, options.trainRows ?? Math.floor(0.15 * rows.length), profile.shingleSize ?? 8, profile.seed) : undefined;
  const detector = new ServiceDetector({
    inputs: rows[0].length,
    detector: profile,
    scorer: external ? "external" : "forest",
    replicaTtlMs: Infinity,
    groupTtlMs: Infinity,
    calibration: external?.calibration,
  });
  // Time gaps as the detect Lambda sees them (see stepGrid): filled steps are detected and learnt like rows but not
  // reported, a longer gap's steps arrive as gaps. Each row's detection is reported in row order.
  const out: (ContainerDetection | null)[] = [];
  const step = typicalStep(timestamps);
  for (const g of stepGrid(timestamps, options.maxFillSteps ?? DEFAULT_FEATURE_SET.maxFillSteps)) {
    if (g.kind === "gap") {
      for (let k = 0; k < g.steps; k++) detector.process(g.time + k * step, [{ container: "series", containerName: "", values: null }]);
      continue;
    }
    const values = rows[g.row];
    if (isGapRow(values)) {
      detector.process(g.time, [{ container: "series", containerName: "", values: null }]);
      if (g.kind === "row") out.push(null);
      continue;
    }
    const d = detector.process(g.time, [{ container: "series", containerName: "", values, score: external?.scores[g.row] }])[0];
    if (g.kind === "row") out.push(d);
  }
  return out;
}
