import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import type { Normalisation } from "../../runtime/features/normalisation";
import type { Anomaly, FeatureRow, MetricAttribution, MetricRole } from "../../runtime/types";

export const FS = DEFAULT_FEATURE_SET;
/** Typical values and spreads of the default feature set's metrics (cpu, memory, rx, tx, restarts, throttling, latency). */
export const NORM: Normalisation = { mean: [40, 450, 8e4, 3.3e5, 0, 0.15, 76], std: [5, 10, 8e3, 3e4, 0.25, 1, 5] };
export const T0 = Date.UTC(2026, 0, 6, 10, 0);
export const MIN = 60_000;
export const THRESHOLD = 1.2;

/** A row of `container` at `minute` whose metrics sit `z` spreads away from the typical value (others at it). */
export function rowAt(container: string, minute: number, z: Partial<Record<MetricRole, number>>): FeatureRow {
  const values = FS.metrics.map((m, i) => NORM.mean[i] + (z[m.role] ?? 0) * NORM.std[i]);
  return { service: "checkout", container, containerName: "app", timestamp: T0 + minute * MIN, values, filled: 0, gap: false };
}

/**
 * An anomaly of `container` at `minute` as the detector reports it: metrics `z` spreads off their expected
 * values, shares in proportion to |z|; `alert` says whether the detector decided to alert at this step.
 */
export function anomalyAt(container: string, minute: number, z: Partial<Record<MetricRole, number>>, grade = 0.5, alert = true): Anomaly {
  const row = rowAt(container, minute, z);
  const weights = FS.metrics.map((m) => Math.abs(z[m.role] ?? 0));
  const total = weights.reduce((a, b) => a + b, 0);
  const attribution: MetricAttribution[] = FS.metrics
    .map((m, i) => ({ metric: m.name, role: m.role, share: total > 0 ? weights[i] / total : 1 / FS.metrics.length, value: row.values[i], expected: NORM.mean[i], deviation: z[m.role] ?? 0 }))
    .sort((a, b) => b.share - a.share);
  return { service: "checkout", container, containerName: "app", timestamp: row.timestamp, score: THRESHOLD + grade, threshold: THRESHOLD, grade, confidence: 1, likelihood: 0.5 + grade / 2, alert, attribution };
}
