import type { Detection } from "../model/thresholdedForest";

/**
 * A dense anomaly score in [0, 1] for benchmarks that pick their own threshold (NAB): the detector's calibrated
 * likelihood, folded so that the detector's own decisions sit exactly at 1/2. A step the detector alerted on
 * scores its likelihood (≥ 1/2 + grade / 2); every other step scores half its likelihood (< 1/2), so steps the
 * detector judged anomalous but did not raise (repeats, unconfirmed, near expected) still rank above quiet ones.
 * A threshold of 1/2 therefore reproduces the product's alerts; a lower one trades false alarms for recall.
 */
export function decisionScore(d: Pick<Detection, "alert" | "likelihood" | "grade">): number {
  if (d.alert) return Math.min(1, Math.max(0.5, d.likelihood, 0.5 + d.grade / 2));
  return Math.min(0.4999, Math.max(0, d.likelihood / 2));
}
