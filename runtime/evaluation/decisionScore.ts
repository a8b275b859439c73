import type { Detection } from "../model/thresholdedForest";

/**
 * A dense anomaly score in [0, 1] for benchmarks that pick their own threshold (NAB): the detector's calibrated
 * likelihood, ranked first by what the detector decided, then by the likelihood within each decision:
 *
 * - [1/2, 1]: the step alerted (its likelihood, at least 1/2 + grade / 2). A threshold of 1/2 reproduces the
 *   product's alerts.
 * - [1/4, 1/2): the step is anomalous, not part of an incident already raised, and did not alert: not yet confirmed
 *   (half its likelihood, which is above 1/2 for a step beyond the threshold).
 * - [0, 1/4): every other step, half its likelihood, capped under 1/4: those the detector judged normal (below the
 *   threshold, near its expected values, the same shape as a recurrence it had seen on a schedule) and the repeats
 *   of an incident already raised, which tell nothing new.
 *
 * So a threshold below 1/2 trades false alarms for recall among the new anomalies the detector did not confirm
 * before it reaches the steps it judged normal or already reported: a cycle's edge the seasonal view expects, a
 * nightly job it has learnt or the tenth step of a raised incident ranks under an unconfirmed fault, however far
 * each lies from the running mean.
 */
export function decisionScore(d: Pick<Detection, "alert" | "likelihood" | "grade" | "recurrence" | "repeat">): number {
  if (d.alert) return Math.min(1, Math.max(0.5, d.likelihood, 0.5 + d.grade / 2));
  const half = Math.max(0, d.likelihood / 2);
  if (d.grade > 0 && d.recurrence !== true && d.repeat !== true) return Math.min(0.4999, Math.max(0.25, half));
  return Math.min(0.2499, half);
}
