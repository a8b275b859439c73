import { SERIES_DETECTOR, type DetectorProfile } from "../detection/detectorProfiles";
import { ServiceDetector, type ContainerDetection } from "../detection/serviceDetector";
import { staticModelScores } from "./staticModelScores";

/** streaming: the detector's own forest learns as it goes; batch: an emulated static SageMaker model scores. */
export type DetectionMode = "streaming" | "batch";

export interface ReplayOptions {
  readonly mode: DetectionMode;
  readonly seed?: number;
  /** Detector settings (default SERIES_DETECTOR). */
  readonly profile?: DetectorProfile;
  /** Batch: rows (from the start) the static model trains on (default 15 %, NAB's probationary period). */
  readonly trainRows?: number;
}

/**
 * Replays one series (`rows[i]` = one value per metric at `timestamps[i]`) through the service detector the
 * detect handler runs, as one container of one service, and returns its detection per row: the evaluation
 * commands measure the shipped decisions (`alert`, `grade`), not a copy of them. In batch mode the raw scores
 * come from {@link staticModelScores} through the detector's external scorer, as SageMaker's do in the Lambda.
 */
export function replaySeries(timestamps: readonly number[], rows: readonly (readonly number[])[], options: ReplayOptions): ContainerDetection[] {
  if (rows.length === 0) return [];
  if (timestamps.length !== rows.length) throw new Error(`${timestamps.length} timestamps for ${rows.length} rows`);
  const profile = { ...(options.profile ?? SERIES_DETECTOR), seed: options.seed ?? 42 };
  const external = options.mode === "batch" ? staticModelScores(rows, options.trainRows ?? Math.floor(0.15 * rows.length), profile.shingleSize ?? 8, profile.seed) : undefined;
  const detector = new ServiceDetector({
    inputs: rows[0].length,
    detector: profile,
    scorer: external ? "external" : "forest",
    replicaTtlMs: Infinity,
    groupTtlMs: Infinity,
    calibration: external?.calibration,
  });
  return rows.map((values, i) => detector.process(timestamps[i], [{ container: "series", containerName: "", values, score: external?.scores[i] }])[0]);
}
