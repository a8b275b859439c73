import { attributeAnomaly } from "../../runtime/detection/attributeAnomaly";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import type { Normalisation } from "../../runtime/features/normalisation";
import type { Anomaly, FeatureRow, MetricRole } from "../../runtime/types";

export const FS = DEFAULT_FEATURE_SET;
/** Training statistics of the default feature set's metrics (cpu, memory, rx, tx, restarts, throttling, latency). */
export const NORM: Normalisation = { mean: [40, 450, 8e4, 3.3e5, 0, 0.15, 76], std: [5, 10, 8e3, 3e4, 0.25, 1, 5] };
export const T0 = Date.UTC(2026, 0, 6, 10, 0);
export const MIN = 60_000;
export const THRESHOLD = 1.2;

/** A row of `container` at `minute` whose metrics sit `z` training scales away from the mean (others at the mean). */
export function rowAt(container: string, minute: number, z: Partial<Record<MetricRole, number>>): FeatureRow {
  const values = FS.metrics.map((m, i) => NORM.mean[i] + (z[m.role] ?? 0) * NORM.std[i]);
  return { service: "checkout", container, timestamp: T0 + minute * MIN, values, filled: 0, gap: false };
}

/** An anomaly whose attribution comes from the z-scores (the SageMaker path of attributeAnomaly). */
export function anomalyAt(container: string, minute: number, z: Partial<Record<MetricRole, number>>, grade = 0.5): Anomaly {
  const row = rowAt(container, minute, z);
  return { service: "checkout", container, timestamp: row.timestamp, score: THRESHOLD + grade, threshold: THRESHOLD, grade, attribution: attributeAnomaly(row, FS, NORM) };
}
