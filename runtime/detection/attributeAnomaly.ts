import type { FeatureSet } from "../features/featureSet";
import type { Normalisation } from "../features/normalisation";
import type { FeatureRow, MetricAttribution } from "../types";

/**
 * Attribution of one scored vector to the feature set's metrics, ordered by descending share.
 *
 * With a per-dimension attribution from the scorer (embedded forest), a metric's share is the sum of its
 * dimensions over the shingle divided by the total. Without one (SageMaker returns only a score), the share
 * is the metric's absolute z-score in the newest row relative to the sum over metrics.
 */
export function attributeAnomaly(row: FeatureRow, fs: FeatureSet, norm: Normalisation, dimAttribution?: readonly number[]): MetricAttribution[] {
  const d = fs.metrics.length;
  const weight = new Float64Array(d);
  if (dimAttribution && dimAttribution.length === d * fs.shingleSize) {
    for (let i = 0; i < dimAttribution.length; i++) weight[i % d] += Math.max(0, dimAttribution[i]);
  } else {
    for (let m = 0; m < d; m++) weight[m] = Math.abs((row.values[m] - norm.mean[m]) / norm.std[m]);
  }
  let total = 0;
  for (let m = 0; m < d; m++) total += weight[m];
  return fs.metrics
    .map((spec, m) => ({ metric: spec.name, role: spec.role, share: total > 0 ? weight[m] / total : 1 / d, value: row.values[m], expected: norm.mean[m] }))
    .sort((a, b) => b.share - a.share);
}
