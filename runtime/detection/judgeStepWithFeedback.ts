import type { Anomaly } from "../types";
import { judgeStep, type AlertRules, type StepJudgement } from "./alertRules";
import { judgeFeedback, type FeedbackRecord, type FeedbackTag } from "./feedback";

/** A step judged by the alert rules and the operators' feedback. */
export interface FeedbackStepJudgement extends StepJudgement {
  /** Anomalies the feedback left out (counted in `dropped` too, but not in `droppedAnomalies`: see below). */
  readonly suppressed: number;
  /** The marks that shaped this step (absent from events when empty). */
  readonly feedback: readonly FeedbackTag[];
}

/**
 * Applies the feedback marks, then the alert rules, to a step's anomalies. Anomalies matching a `real` mark skip the
 * metric rules (a maintenance window or a held deployment still silences them) and, when the detector withheld their
 * alert as a recurrence of the same shape, alert again; anomalies a false-alarm / expected
 * mark suppresses are left out before the rules see them. Those are not in `droppedAnomalies`, so they are not held
 * for release (see releaseHeldAlerts): a suppressed episode stays quiet instead of alerting at its next anomaly
 * that happens to lead with another metric. Pure.
 */
export function judgeStepWithFeedback(rules: AlertRules, timestamp: number, anomalies: readonly Anomaly[], deploying: boolean, records: readonly FeedbackRecord[]): FeedbackStepJudgement {
  if (records.length === 0) return { ...judgeStep(rules, timestamp, anomalies, deploying), suppressed: 0, feedback: [] };
  const fb = judgeFeedback(records, anomalies);
  const usual = judgeStep(rules, timestamp, fb.others, deploying);
  const kept = judgeStep({ ...rules, metrics: [] }, timestamp, fb.protectedAnomalies, deploying);
  // Keep the step's order (the tracker takes anomalies in the detector's container order).
  const counted = new Set([...usual.anomalies, ...kept.anomalies]);
  // A real pattern the detector stopped raising as a recurrence alerts again: it must not be learned away.
  const raised = new Set(kept.anomalies.filter((a) => a.recurrence === true && !a.alert));
  return {
    anomalies: anomalies.filter((a) => counted.has(a)).map((a) => (raised.has(a) ? { ...a, alert: true } : a)),
    dropped: usual.dropped + kept.dropped + fb.suppressed.length,
    droppedAnomalies: [...usual.droppedAnomalies, ...kept.droppedAnomalies],
    tags: [...new Set([...usual.tags, ...kept.tags])],
    windows: usual.windows,
    suppressed: fb.suppressed.length,
    feedback: fb.tags,
  };
}
