/** What the detector says about one series at one step. */
export interface Detection {
  /** 0-based step number of the series. */
  readonly index: number;
  /** Raw score of the step's shingle (forest or external; 0 before the first full shingle). */
  readonly score: number;
  /**
   * Anomaly grade of the step in [0, 1]: 0 = normal; > 0 = the step is anomalous (beyond the adaptive threshold
   * and not near its expected values), larger = further beyond. Every step of an ongoing anomaly has one.
   */
  readonly grade: number;
  /**
   * The detector's decision: this step raises an alert (a new anomaly, confirmed, not a repeat of the ongoing
   * one nor a recurrence of a recent one; or a break of the series' cycle seen by the seasonal view).
   */
  readonly alert: boolean;
  /**
   * Set when the step would have alerted but the same shape alerted `recurrenceCount` times within the recurrence
   * horizon (with `recurrenceRegular`, on a schedule): the alert was withheld as a recurrence (operators' "real"
   * feedback may raise it again).
   */
  readonly recurrence?: boolean;
  /**
   * Set when the step is anomalous within an incident already raised (or a recurrence withheld) and was not raised
   * again: a repeat of the incident going on (`repeatWindow`, `repeatEscalation`, `repeatNewCause`).
   */
  readonly repeat?: boolean;
  /**
   * The alert was raised because this step ended a pulse: a metric that jumped this many steps ago, stayed there and
   * has now come back (options.pulseMinSteps). Its value is back near the expected one; the jump is what alerted.
   */
  readonly pulse?: number;
  /**
   * With `pulse`: each metric's raw value at the pulse's last step (the step before this one), where the metric
   * stood while the pulse lasted. Alerts show these against the values it came back to.
   */
  readonly pulseLevels?: number[];
  /** The alert came from the seasonal view (the cycle's shape changed) rather than the forest's score. */
  readonly seasonal: boolean;
  /** How much data the grade rests on, in [0, 1]. */
  readonly confidence: number;
  /** Continuous anomaly likelihood in [0, 1) for ranking: 1/2 at the threshold, > 1/2 for every alert. */
  readonly likelihood: number;
  /** Score threshold in force at this step. */
  readonly threshold: number;
  /** Per input metric, its share of the score (sums to the score); only when grade > 0. */
  readonly attribution: number[] | null;
  /**
   * Per input metric, the value the model expected (raw scale): on an anomalous step what the forest imputes
   * from the rest of the shingle (or the seasonal profile); otherwise the typical value (the running level, or
   * the seasonal profile once a cycle is locked).
   */
  readonly expected: number[];
  /** Per input metric, its recent standard deviation (raw scale): expected ± 3·spread is the usual band. */
  readonly spread: number[];
  /** Per input metric, (actual − expected) in the metric's recent standard deviations. */
  readonly deviations: number[];
}

/**
 * How many metrics an alert names: its largest attributions, listed in the alert's summary (SNS, Slack). The
 * detector's `repeatNewCause` counts a metric as named by an incident's alert on the same terms.
 */
export const NAMED_CAUSES = 3;
