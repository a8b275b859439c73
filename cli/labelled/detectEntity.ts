import { CONTAINER_DETECTOR, type DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { DEFAULT_GROUP_TTL_MS, DEFAULT_REPLICA_TTL_MS, ServiceDetector, type ContainerDetection } from "../../runtime/detection/serviceDetector";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { decodeTrainedGroups } from "../../runtime/model/modelBundle";
import type { FeatureRow } from "../../runtime/types";
import { trainDetector } from "../../training/trainDetector";
import { replaySeriesWithGaps, type DetectionMode } from "../../runtime/evaluation/replaySeries";
import { isGapRow } from "../../runtime/evaluation/fillRowGaps";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";

/**
 * One entity of a train/test/label dataset (rows = 1-minute steps, columns = metrics). A row with a missing value
 * (NaN, left by a gap longer than the feature set's `maxFillSteps`) is a gap: skipped as the detect Lambda skips one.
 */
export interface LabelledEntity {
  readonly name: string;
  readonly train: readonly (readonly number[])[];
  readonly test: readonly (readonly number[])[];
  readonly labels: readonly number[];
}

/** Per test row: raw score, the anomaly grade of the step, and the alert decision's grade (0 without an alert). */
export interface EntityDetections {
  readonly scores: number[];
  readonly anomalyGrades: number[];
  readonly grades: number[];
}

const STEP_MS = 60_000;
/** Where an entity's rows are placed in time: consecutive one-minute steps from this instant. */
export const LABELLED_T0 = Date.UTC(2026, 0, 5);

/**
 * The feature set an entity of `inputs` columns is read with: metrics m0, m1, … of role "other", 1-minute steps,
 * short gaps filled as the default feature set fills them.
 */
export function labelledFeatureSet(inputs: number, shingleSize = CONTAINER_DETECTOR.shingleSize ?? 1): FeatureSet {
  return { metrics: Array.from({ length: inputs }, (_, m) => ({ name: `m${m}`, role: "other" as const })), stepSeconds: 60, maxFillSteps: DEFAULT_FEATURE_SET.maxFillSteps, shingleSize };
}

/**
 * Runs an entity as a deployment would: streaming mode trains the shipped detector (CONTAINER_DETECTOR) on the
 * training rows exactly as `cad train` does ({@link trainDetector}: one container of one service), then the
 * detect handler's detector, warm-started from that model, judges the test rows. Batch mode feeds the detector a
 * static forest's scores (a SageMaker stand-in trained on the training rows) over training and test rows.
 * `profile` replaces the shipped settings (`cad quality` runs candidate settings through it). A gap row is
 * learnt from by neither and reported as score 0, no grade, no alert.
 */
export function detectEntity(entity: LabelledEntity, mode: DetectionMode, seed: number, profile: DetectorProfile = CONTAINER_DETECTOR): EntityDetections {
  if (entity.train.length === 0 || entity.test.length === 0) throw new Error(`${entity.name}: needs training and test rows`);
  const toResult = (detections: readonly (ContainerDetection | null)[]): EntityDetections => ({
    scores: detections.map((d) => d?.score ?? 0),
    anomalyGrades: detections.map((d) => d?.grade ?? 0),
    grades: detections.map((d) => (d?.alert ? d.grade : 0)),
  });
  if (mode === "batch") {
    const rows = [...entity.train, ...entity.test];
    return toResult(replaySeriesWithGaps(rows.map((_, i) => LABELLED_T0 + i * STEP_MS), rows, { mode, seed, profile, trainRows: entity.train.length }).slice(entity.train.length));
  }
  const fs = labelledFeatureSet(entity.train[0].length, profile.shingleSize);
  const row = (values: readonly number[], i: number): FeatureRow => ({ service: entity.name, container: "series", timestamp: LABELLED_T0 + i * STEP_MS, values, filled: 0, gap: isGapRow(values) });
  const trained = trainDetector(entity.train.map(row), { featureSet: fs, profile, seed });
  const detector = new ServiceDetector({
    inputs: fs.metrics.length,
    detector: { ...trained.profile, shingleSize: fs.shingleSize },
    scorer: "forest",
    replicaTtlMs: DEFAULT_REPLICA_TTL_MS,
    groupTtlMs: DEFAULT_GROUP_TTL_MS,
    warmStart: decodeTrainedGroups(trained, entity.name),
  });
  const start = entity.train.length;
  return toResult(
    entity.test.map((values, i) => {
      const gap = isGapRow(values);
      const d = detector.process(LABELLED_T0 + (start + i) * STEP_MS, [{ container: "series", containerName: "", values: gap ? null : values }]);
      return gap ? null : d[0];
    }),
  );
}
