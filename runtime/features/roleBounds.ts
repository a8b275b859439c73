import type { MetricRole } from "../types";
import type { FeatureSet } from "./featureSet";

/**
 * Whether a metric of `role` may be negative. Utilisation and throttling (%), memory, bytes per second, restarts
 * and latency are magnitudes: a negative value is a broken exporter or a counter reset read as a rate, never a
 * measurement. Only `other` (a custom metric, a derivative) may go below zero.
 */
export function roleCanBeNegative(role: MetricRole): boolean {
  return role === "other";
}

/** Names of the feature set's metrics that cannot be negative, in feature-set order. */
export function nonNegativeMetrics(fs: FeatureSet): string[] {
  return fs.metrics.filter((m) => !roleCanBeNegative(m.role)).map((m) => m.name);
}
