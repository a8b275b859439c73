import type { SeasonalScorerOptions } from "./seasonalScorer";
import type { SpreadOptions, TransformMethod } from "./preprocessor";

/** Where a detector's raw scores come from: its own streaming forest, or an external static model (SageMaker). */
export type RawScoreSource = "forest" | "external";

/** How held statistics treat an anomalous run's scores (options.holdStatisticsMode). */
export const HOLD_MODES = ["skip", "clip"] as const;
export type HoldMode = (typeof HOLD_MODES)[number];

/** A pulse's edges (options.pulseMinSteps): each a change of at least this many deviations of the metric's changes. */
export const PULSE_CHANGE_Z = 3;
/** The longest pulse looked back for (options.pulseMaxSteps): a replica keeps at most this many steps' edges. */
export const MAX_PULSE_STEPS = 64;

export interface ThresholdedForestOptions {
  /** Number of input metrics per step. */
  readonly inputs: number;
  /** Consecutive steps the forest sees as one point (default 8). */
  readonly shingleSize?: number;
  readonly numTrees?: number;
  readonly sampleSize?: number;
  /** Sampling decay per step (default 1 / (10 · sampleSize)): the forest's sample remembers about 1 / timeDecay steps. */
  readonly timeDecay?: number;
  /**
   * The running statistics' memory in steps (default 0: the sample's, 1 / timeDecay): each metric's mean and
   * standard deviation the input is normalised by (and its recent spread), the score mean and deviation the
   * threshold is set from (and its quantile, unless thresholdQuantileMemory says otherwise), the drift view, and
   * the weight of a static model's calibration. Longer than the sample's memory, the threshold and the scale of
   * the input remember a wider stretch of normal than the forest has to keep in its sample.
   */
  readonly statisticsMemory?: number;
  readonly seed?: number;
  /** Input transform (default "normalize"). */
  readonly transform?: TransformMethod;
  /** Steps before any grade is given (default max(32, sampleSize / 4), counted from the first full shingle). */
  readonly outputAfter?: number;
  /**
   * The young model's guard (grossFaultGrade in grossFault.ts): before `outputAfter` steps, a step alerts when a metric lies
   * more than `grossFaultRatio` times its level (default 2: beyond triple or below −1×) and `grossFaultZ` standard
   * deviations (default 20) from its running mean. Once the model grades scores, the forest judges alone. Measured
   * on synthetic young services (64 one-minute steps, 200 seeds): lognormal noise of σ 0.3 / 0.5 / 0.8 raised a
   * false alert in 0 / 1 / 4 of them, and a 5× or 10× CPU jump after 30 steps alerted in 50 of 50.
   */
  readonly grossFaultRatio?: number;
  readonly grossFaultZ?: number;
  /**
   * The guard's fall toward zero (default 0: off; grossFallGrade in grossFault.ts): a metric below 1/(1 +
   * `grossFaultRatio`) of its level (a third) and more than this many standard deviations under it, at this step and
   * the one before, alerts (a crashed task's CPU, lost traffic), from the guard's first judged step until the forest
   * has made `confirmGrossUntil` updates. A decision only (decisionOptions.ts): the step is learnt as without it. The rise's limit,
   * `grossFaultRatio` times the level, can never be met by a positive metric falling, so without it a fall to zero
   * was left to a forest whose statistics take in the fall within a step or two.
   */
  readonly grossFaultFallZ?: number;
  /** Threshold: standard deviations above the mean score (default 3). */
  readonly zFactor?: number;
  /** Scores at or below this are never anomalous (default 1). */
  readonly lowerThreshold?: number;
  /**
   * Whether scores enter the thresholder's statistics clipped at the threshold (default false): a sustained
   * anomaly then does not raise its own threshold and stays anomalous, where unclipped scores let a bursty
   * series raise its threshold (fewer alerts).
   */
  readonly clipScores?: boolean;
  /**
   * The threshold is at least this quantile of the recent raw scores (default 0 = off; else in [0.5, 1)): a
   * threshold that follows the observed tail of the scores, where mean + zFactor·sd assumes its shape. The
   * quantile is a discounted histogram of the scores as they came (not clipped), with the statistics' memory.
   */
  readonly thresholdQuantile?: number;
  /** The quantile's memory in steps (default 0: the statistics' own, see statisticsMemory). */
  readonly thresholdQuantileMemory?: number;
  /**
   * Held statistics (default 0 = off): for up to this many consecutive steps with an anomalous series, the
   * anomalous scores take no weight in the threshold's statistics (which do not age on a step where every score
   * is held), so a long incident does not raise the threshold it is judged by, even clipped (a run of scores at
   * the threshold raises mean and deviation, and the threshold with them). After that many anomalous steps in a
   * row the scores enter as usual: a lasting change of regime is still learnt. A step without an anomalous
   * series ends the run.
   */
  readonly holdStatistics?: number;
  /**
   * What held statistics do with an anomalous run's scores (default "skip": they take no weight); "clip": they
   * enter clipped at the threshold in force when the run began, not at the rising one.
   */
  readonly holdStatisticsMode?: HoldMode;
  /**
   * The run's step from which held statistics hold (default 1: from its first): the scores of a shorter run (a
   * blip of one or two steps) still enter as usual, so the statistics keep learning the scores' own tail.
   */
  readonly holdStatisticsFrom?: number;
  /**
   * Held statistics hold only while the threshold's statistics rest on fewer than this many scores (discounted;
   * default 0: at any age). Young statistics are where one score moves the threshold: at z 6 a score at the
   * threshold adds 36 variances over the weight to the variance, so with 110 scores one such score raises the
   * threshold by a tenth, and a young service's first fault raises the bar it is judged by within two steps. With
   * `holdStatistics` 12 and 1,024 here, young jumpstarter-dev gained 0.030 onset F1 but the four development sets'
   * mean did not rise over nine seeds: not in the profile (docs/quality.md, session 53).
   */
  readonly holdStatisticsUntil?: number;
  /**
   * A step is not anomalous when every metric is within this fraction of its expected value (default 0.01). It ties
   * the judgement to where a metric's zero lies; both shipped profiles set 0 (detectorProfiles.ts).
   */
  readonly ignoreNearExpectedRelative?: number;
  /** …or within this absolute distance of it (default 0)… */
  readonly ignoreNearExpectedAbsolute?: number;
  /** …or within this many (discounted) standard deviations of the metric (default 0; see `spreadMemory`). */
  readonly ignoreNearExpectedDeviations?: number;
  /**
   * …or, for a metric that rests at one value on most steps and has burst from it before, within this many times
   * its replica's mean burst size (BurstSizes; default 0: off).
   */
  readonly ignoreNearUsualBursts?: number;
  /**
   * With `ignoreNearUsualBursts`: a lone burst (the step before at rest) also counts as usual within exp(mean + this
   * many deviations) of the metric's log burst sizes (default 0: the mean rule alone), so a counter's routine larger
   * bursts do not alert; a burst right after another keeps the mean rule (BurstSizes).
   */
  readonly usualBurstZ?: number;
  /**
   * A longer memory, in steps, for a metric's spread (its standard deviation, which judges "near expected", the
   * deviations an alert reports and recurrences): the spread is then the larger of the recent one (the
   * statistics' memory) and the one over `spreadMemory` steps. Default 0: the recent one alone. A metric that sits at zero
   * between small spikes a few times a week has next to no recent spread, so every small spike was many deviations
   * off; over a longer memory the spikes' own size is its spread.
   */
  readonly spreadMemory?: number;
  /**
   * Whether a metric's spread is at most the spread of its step-to-step changes (default false): a smooth metric
   * (a daily curve, a slow ramp) moves little from step to step however wide its range, so a small bend is judged
   * against its usual change, not against its whole range. A noisy metric changes more from step to step than it
   * spreads, so its spread stays as it was.
   */
  readonly spreadFromChanges?: boolean;
  /**
   * Weight of each metric's step-to-step change in the forest's point (default 0: not in it). Above 0 the change,
   * normalised by the running mean and deviation of the metric's changes and multiplied by this weight, is one more
   * coordinate per metric and step, so a spike or a dip that is small against the metric's range but large against
   * its usual changes stands out (a random cut falls on a coordinate in proportion to its range: the weight sets
   * how often cuts look at changes). Doubles the forest's dimensions; with an external scorer (no forest) it does
   * nothing. Expected values (the forest's imputation of
   * the values), the near-expected rule and attribution (a metric's value and change coordinates summed) stay per
   * metric.
   */
  readonly forestChanges?: number;
  /**
   * The most deviations a coordinate of the forest's point may lie from its mean (default 0: unclipped): each
   * metric's normalised value, and its normalised change before forestChanges weighs it, is clipped at ± this many.
   * A cut falls on a coordinate in proportion to the sample's range along it, so one point billions of deviations
   * away (a young series' second value, judged against statistics that hold one value; a constant metric's first
   * move, over a scale floor of 10^-9) takes nearly every cut for as long as the sample keeps it, and a fault of tens
   * of deviations in one metric is seldom cut off. Only the point the forest scores and learns is clipped: the near
   * rule, pulses and the deviations an alert reports judge the unclipped values.
   */
  readonly forestClip?: number;
  /**
   * Weight of the shingle's earlier steps in the forest's point, in (0, 1] (default 1: every step alike): a step k
   * steps back (its values, and its changes with forestChanges) is multiplied by shingleDecay^k. A random cut falls
   * on a coordinate in proportion to its range, so below 1 cuts look more often at the latest steps and the older
   * ones give context: a shorter shingle in effect, without losing the longer one's view. Expected values impute
   * the current step as before; nothing changes at a shingle of one step. A state written without it loads with 1.
   */
  readonly shingleDecay?: number;
  /** After an alert, later steps within this many steps are repeats of the same incident (default shingleSize)… */
  readonly repeatWindow?: number;
  /** …and alert again only if they score more than this factor times the last alert's score (default 1). */
  readonly repeatEscalation?: number;
  /**
   * Whether a suppressed repeat extends its incident (default false): the repeat window then counts from the
   * incident's latest anomalous step instead of its first alert, so an incident that keeps producing anomalous
   * steps alerts once however long it lasts, and a shorter `repeatWindow` (the quiet gap that ends an incident)
   * suffices. Escalation is still measured against the incident's alert.
   */
  readonly repeatExtends?: boolean;
  /**
   * Whether a step of an incident whose main cause (the metric with the largest attribution) is a metric none of
   * the incident's alerts has named (each names its three largest attributions, as the alert's summary does)
   * alerts again (default false): an incident that starts on CPU and spreads to latency is raised again, naming
   * latency. A series of one metric is never affected.
   */
  readonly repeatNewCause?: boolean;
  /**
   * Recurring-alert suppression (default 0 = off): an alert is dropped when, within this many steps before it,
   * at least `recurrenceCount` earlier alerts deviated from their expected values in the same way (see
   * `recurrenceTolerance`). So a spike that comes back every day with the same size alerts `recurrenceCount`
   * times, then no more, while a larger or different one still alerts.
   */
  readonly recurrenceHorizon?: number;
  /** Earlier similar alerts within the horizon that make an alert a recurrence (default 2). */
  readonly recurrenceCount?: number;
  /**
   * Whether only a regular recurrence counts (default false: any). With true, the similar earlier alerts must have
   * come at one interval, the gap from this alert back to the nearest of them: walking back from this alert, each
   * gap to the next similar alert is that interval or a whole multiple of it (runs that did not alert), within
   * 2 steps or 2 % of the interval (replicaStream.ts, `regularChain`). A job runs on a schedule, so
   * its spike comes back at a regular interval; an anomaly that comes back at random times is not a job, however
   * alike it looks, and still alerts.
   */
  readonly recurrenceRegular?: boolean;
  /**
   * Two alerts are similar when their signed deviations (actual − expected, in each metric's standard
   * deviations) differ in no metric by more than this fraction of the larger deviation (default 0.25).
   */
  readonly recurrenceTolerance?: number;
  /**
   * A withheld recurrence whose anomaly goes on for this many steps in a row (the withheld step included) is raised
   * at that step after all (default 0: never; else 2 to 32). A job's short spike that comes back stays quiet; a
   * returning anomaly that lasts is a problem whatever it resembles.
   */
  readonly recurrencePersist?: number;
  /** Consecutive anomalous steps replaced by their expected values before the model accepts a new normal (default shingleSize). */
  readonly maxCorrections?: number;
  /**
   * Whether an anomalous step still enters the forest as observed (default true), so that a recurring kind of
   * spike becomes normal; the shingle history gets its expected values either way, so it does not echo. With
   * false the forest sees expected values instead (stricter: repeats stay anomalous).
   */
  readonly learnAnomalies?: boolean;
  /**
   * With `learnAnomalies`, whether an anomalous step that is not yet confirmed (see `confirmSteps`) enters the
   * forest as observed too (default true). With false it enters as its expected values until the anomaly is
   * confirmed, so blips that never confirm do not teach the forest their shape and a fault is not learnt while it
   * waits for confirmation; once confirmed, its steps are learnt as `learnAnomalies` says. Without confirmation
   * (1 of 1) every anomalous step is confirmed and this changes nothing.
   */
  readonly learnUnconfirmed?: boolean;
  /**
   * Seasonal view (default false): each metric looks for its own dominant period (from `minPeriod` up to
   * `maxPeriod` steps, strong and confirmed twice) and, once it has one, alerts when its recent
   * values leave their per-phase profile by more than `seasonalZFactor` times the usual amount: a change of a
   * cycle's shape the shingle is too short to see. See {@link SeasonalScorer}.
   */
  readonly seasonal?: boolean;
  /**
   * Longest period the seasonal view looks for step by step, in steps (default 512; state grows by ~3 · maxPeriod
   * numbers per metric, and with seasonalMultiples by about 1,000 more for the bins longer cycles are looked for in).
   */
  readonly maxPeriod?: number;
  /**
   * Shortest period the seasonal view looks for, in steps (default two shingles, at least 4; if set, at most maxPeriod).
   * On a cycle of a few steps every step lies a few steps from a peak, so any burst between two runs of a job (or
   * a run a step early or late) reads as a broken cycle; such steps are left to the forest, which judges values.
   */
  readonly minPeriod?: number;
  /**
   * Seasonal alert threshold in root mean squares of the smoothed residual (default 6), raised by ln m when m metrics
   * have a cycle (the step's seasonal grade is the largest of theirs).
   */
  readonly seasonalZFactor?: number;
  /**
   * Once a metric's cycle is locked, the seasonal view also tries its whole multiples up to `maxPeriod` and moves to
   * one that explains at least half of what the cycle leaves (default false): a week of a daily cycle whose weekends
   * differ, at steps of 20 minutes or more (a week of 5-minute steps is beyond the default maxPeriod, and is held in
   * half-hour bins). It also looks for a cycle beyond maxPeriod in bins of 30 steps, used only with such a week: a day
   * at 1- or 2-minute steps whose week repeats far more alike (see LongCycle).
   */
  readonly seasonalMultiples?: boolean;
  /**
   * The drift view (see DriftView in driftView.ts), off by default (0): when > 0, alerts when a metric's level
   * smoothed over `driftSpan` steps (default 32) lies more than `driftZFactor` of its long-run standard deviations
   * from its long-run mean (the statistics' memory): a slow creep to a new extreme that no shingle sees. At 6 it
   * catches a 0.1 %/step creep under 10 % noise that the container settings miss, but it cost the development
   * sets more than it found (`cad quality --candidates`, docs/quality.md), so it is opt-in.
   */
  readonly driftZFactor?: number;
  readonly driftSpan?: number;
  /**
   * Confirmation (default 1 of 1): an anomaly becomes an alert only once at least `confirmSteps` of the series'
   * last `confirmWindow` steps (this one included) were anomalous. The steps of an ongoing anomaly keep their
   * grade either way; only the decision waits.
   */
  readonly confirmSteps?: number;
  readonly confirmWindow?: number;
  /** An anomalous step graded at least this alerts without waiting for confirmation (default 1, in (0, 1]). */
  readonly confirmBypassGrade?: number;
  /**
   * While the forest has made fewer than this many updates (default 0: never), a step scored above the threshold that
   * the young guard also finds gross (`grossFaultRatio`, `grossFaultZ`) alerts without waiting for confirmation. Just
   * after `outputAfter` the threshold rests on few scores: a fault's first step may be its only one above it, and a
   * CPU hog 64 to 150 steps into a service's life was graded at its first step and never confirmed.
   */
  readonly confirmGrossUntil?: number;
  /**
   * A pulse confirms (default 0 and 0: off): a step scored above the threshold whose change takes a metric back the
   * way a step `pulseMinSteps` to `pulseMaxSteps` steps earlier, also scored above it, had taken it (each change at
   * least {@link PULSE_CHANGE_Z} deviations of the metric's step-to-step changes, opposite in sign) alerts without
   * waiting for confirmation, though its value is back near the expected one. A level that jumps and comes back
   * some steps later is anomalous as a whole even where the forest sees only its edges (with a one-step shingle the
   * steps between are values the metric often takes); a blip that comes back within fewer steps is left to
   * confirmation.
   */
  readonly pulseMinSteps?: number;
  readonly pulseMaxSteps?: number;
  /**
   * Raw scores from the detector's own streaming forest (default "forest"), or given with each step by an
   * external static model ("external": SageMaker's RCF): thresholds, seasonal view, suppression and decisions
   * are the same; expected values are then the typical ones (level or cycle), attribution by deviation.
   */
  readonly scorer?: RawScoreSource;
}

/** The seasonal view's settings: periods from minPeriod up to maxPeriod steps. */
export function seasonalOptions(o: Required<ThresholdedForestOptions>): SeasonalScorerOptions {
  return { inputs: o.inputs, maxPeriod: o.maxPeriod, minPeriod: o.minPeriod, zFactor: o.seasonalZFactor, multiples: o.seasonalMultiples };
}

/**
 * The weight of each coordinate of a shingle's earlier steps (oldest first, `width` coordinates per step): a step k
 * steps before the current one weighs `decay`^k. Null when every step weighs 1 (nothing to multiply).
 */
export function shingleLagWeights(shingleSize: number, width: number, decay: number): Float64Array | null {
  if (decay === 1 || shingleSize < 2) return null;
  return Float64Array.from({ length: (shingleSize - 1) * width }, (_, j) => decay ** (shingleSize - 1 - Math.floor(j / width)));
}

/**
 * Each coordinate's bound in the forest's current step (`width` values: each metric's value, then its change with
 * forestChanges): ± forestClip, a change's times its weight; a value is bounded only when the transform normalises
 * it (its raw value or moving-average offset is not in deviations). Null when nothing is clipped.
 */
export function forestClipBounds(o: Required<ThresholdedForestOptions>, width: number): Float64Array | null {
  if (o.forestClip === 0) return null;
  const normalised = o.transform === "normalize" || o.transform === "normalize_difference";
  return Float64Array.from({ length: width }, (_, j) => (j >= o.inputs ? o.forestClip * o.forestChanges : normalised ? o.forestClip : Number.POSITIVE_INFINITY));
}

/** The running statistics' discount per step: 1 / statisticsMemory, or the sample's timeDecay without one. */
export function statisticsDiscount(o: Required<ThresholdedForestOptions>): number {
  return o.statisticsMemory > 0 ? 1 / o.statisticsMemory : o.timeDecay;
}

/** How the preprocessor measures a metric's spread (see `spreadMemory` and `spreadFromChanges`). */
export function spreadOptions(o: Required<ThresholdedForestOptions>): SpreadOptions {
  return { discount: o.spreadMemory > 0 ? 1 / o.spreadMemory : 0, fromChanges: o.spreadFromChanges };
}
