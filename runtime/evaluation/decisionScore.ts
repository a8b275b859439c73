import type { Detection } from "../model/thresholdedForest";

/**
 * A dense anomaly score in [0, 1] for benchmarks that pick their own threshold (NAB): the detector's calibrated
 * likelihood, ranked first by what the detector decided, then by the likelihood within each decision:
 *
 * - [1/2, 1]: the step alerted (its likelihood, at least 1/2 + grade / 2). A threshold of 1/2 reproduces the
 *   product's alerts.
 * - [1/4, 1/2): the step is anomalous and did not alert — not yet confirmed, or a repeat of the incident going on
 *   (half its likelihood, which is above 1/2 for a step beyond the threshold).
 * - [0, 1/4): the detector judged the step normal — below the threshold, near its expected values, or the same shape
 *   as a recurrence it had seen on a schedule (withheld) — half its likelihood, capped under 1/4.
 *
 * So a threshold below 1/2 trades false alarms for recall among the steps the detector found anomalous before it
 * reaches the ones it judged normal: a cycle's edge the seasonal view expects, or a nightly job it has learnt, ranks
 * under an unconfirmed fault however far it lies from the running mean.
 */
export function decisionScore(d: Pick<Detection, "alert" | "likelihood" | "grade" | "recurrence">): number {
  if (d.alert) return Math.min(1, Math.max(0.5, d.likelihood, 0.5 + d.grade / 2));
  const half = Math.max(0, d.likelihood / 2);
  if (d.grade > 0 && d.recurrence !== true) return Math.min(0.4999, Math.max(0.25, half));
  return Math.min(0.2499, half);
}
