import type { FeatureSet } from "../features/featureSet";
import { minScaleForRole } from "../features/roleScale";
import type { Anomaly, MetricAttribution } from "../types";
import type { ContainerDetection } from "./serviceDetector";

/**
 * The anomaly a detection describes, for incidents and alerts: the metrics ordered by their share of the score,
 * each with the value seen, the value expected and how many standard deviations apart they are, in the metric's
 * unit. `values` are the row's raw values (feature-set order). The deviation is measured in the metric's recent
 * spread, floored at the smallest meaningful change of its role (one restart, one point of throttling) and at
 * 1 % of the expected value: a metric that never moved does not turn a small change into millions of spreads.
 *
 * An alert that ends a pulse (`d.pulse`) is raised at the step the metrics came back, when their values are normal
 * again: its metrics show the level they held during the pulse (its last step, `d.pulseLevels`) against the value
 * they came back to, ordered by how far apart those are, and the anomaly says when the pulse began.
 */
export function anomalyOf(service: string, d: ContainerDetection, values: readonly number[], fs: FeatureSet): Anomaly {
  const n = fs.metrics.length;
  const pulseLevels = d.pulse && d.pulseLevels?.length === n ? d.pulseLevels : undefined;
  const seen = pulseLevels ?? values;
  const expected = pulseLevels ? values : d.expected;
  const weight = new Float64Array(n);
  const forestShares = !pulseLevels && d.attribution && d.attribution.length === n;
  if (forestShares) for (let m = 0; m < n; m++) weight[m] = Math.max(0, (d.attribution as number[])[m]);
  const deviation = fs.metrics.map((spec, m) => (seen[m] - expected[m]) / Math.max(d.spread[m], minScaleForRole(spec.role), 0.01 * Math.abs(expected[m]), 1e-9));
  if (!forestShares) for (let m = 0; m < n; m++) weight[m] = Math.abs(deviation[m]);
  let total = 0;
  for (let m = 0; m < n; m++) total += weight[m];
  const attribution: MetricAttribution[] = fs.metrics
    .map((spec, m) => ({
      metric: spec.name,
      role: spec.role,
      ...(spec.unit !== undefined ? { unit: spec.unit } : {}),
      share: total > 0 ? weight[m] / total : 1 / n,
      value: seen[m],
      expected: expected[m],
      deviation: deviation[m],
    }))
    .sort((a, b) => b.share - a.share);
  return {
    service,
    container: d.container,
    containerName: d.containerName,
    timestamp: d.timestamp,
    score: d.score,
    threshold: d.threshold,
    grade: d.grade,
    confidence: d.confidence,
    likelihood: d.likelihood,
    alert: d.alert,
    ...(d.recurrence ? { recurrence: true } : {}),
    ...(d.pulse ? { pulse: d.pulse, pulseStart: d.timestamp - d.pulse * fs.stepSeconds * 1000 } : {}),
    attribution,
  };
}
