import { Deviation, type DeviationState } from "./deviation";
import { ScoreQuantile } from "./scoreQuantile";

export interface AdaptiveThresholderOptions {
  /** Standard deviations above the mean score that start an anomaly (default 3, as the reference TRCF). */
  readonly zFactor?: number;
  /** Scores at or below this are never anomalous, however quiet the stream (default 1: an inlier's score). */
  readonly lowerThreshold?: number;
  /** Discount of the score statistics per point (default 1/2560: memory of about 2,560 scores). */
  readonly discount?: number;
  /** Scores to see before grading (default 32). */
  readonly minScores?: number;
  /**
   * Whether scores enter the statistics clipped at the threshold (default false). Clipping keeps one anomaly
   * from raising the threshold; not clipping lets a bursty series raise its own threshold, fewer false alerts.
   */
  readonly clipScores?: boolean;
  /**
   * The threshold is at least this quantile of the recent raw scores (default 0 = off; else in [0.5, 1)): it
   * follows the observed tail of the scores where mean + z·sd assumes one shape. The quantile is of the scores
   * as they came, not clipped: clipped at the threshold, it could never rise above it.
   */
  readonly quantile?: number;
  /** Discount of the quantile's histogram per step (default: the statistics' `discount`). */
  readonly quantileDiscount?: number;
}

export interface AdaptiveThresholderState {
  readonly zFactor: number;
  readonly lowerThreshold: number;
  readonly minScores: number;
  readonly clipScores: boolean;
  readonly stats: DeviationState;
  /** The quantile level (0 = off; absent in states saved before it existed). */
  readonly quantile?: number;
  /** The score histogram of the quantile (see ScoreQuantile), present when the quantile is on. */
  readonly tail?: number[];
  /** The histogram's discount per step (absent: the statistics' discount). */
  readonly tailDiscount?: number;
}

/**
 * Turns raw forest scores into an anomaly grade in [0, 1]: the threshold is `max(lowerThreshold, mean + z·sd)`
 * of the recent scores (and, with `quantile`, at least that quantile of them), and a score above it gets the grade `(score − threshold) / (score − mean)` — 0 at the
 * threshold, towards 1 for scores far beyond it.
 */
export class AdaptiveThresholder {
  readonly zFactor: number;
  readonly lowerThreshold: number;
  readonly minScores: number;
  readonly clipScores: boolean;
  readonly quantile: number;
  private readonly stats: Deviation;
  private readonly tail: ScoreQuantile | null;

  constructor(options: AdaptiveThresholderOptions = {}, stats?: Deviation, tail?: ScoreQuantile) {
    this.zFactor = options.zFactor ?? 3;
    this.lowerThreshold = options.lowerThreshold ?? 1;
    this.minScores = options.minScores ?? 32;
    this.clipScores = options.clipScores ?? false;
    this.quantile = options.quantile ?? 0;
    if (!(this.quantile === 0 || (this.quantile >= 0.5 && this.quantile < 1))) throw new Error(`quantile must be 0 (off) or in [0.5, 1), got ${this.quantile}`);
    if (!(this.zFactor > 0)) throw new Error(`zFactor must be > 0, got ${this.zFactor}`);
    if (!Number.isFinite(this.lowerThreshold)) throw new Error(`lowerThreshold must be finite, got ${this.lowerThreshold}`);
    this.stats = stats ?? new Deviation(options.discount ?? 1 / 2560);
    this.tail = this.quantile === 0 ? null : (tail ?? new ScoreQuantile(this.quantile, options.quantileDiscount ?? this.stats.discount));
  }

  threshold(): number {
    const base = Math.max(this.lowerThreshold, this.stats.mean() + this.zFactor * this.stats.deviation());
    // The quantile counts once it rests on as many scores as grading needs (a calibrated start has none yet).
    if (this.tail === null || this.tail.weight() < this.minScores) return base;
    return Math.max(base, this.tail.value());
  }

  /** Anomaly grade of `score` in [0, 1] (0 until `minScores` scores were seen). */
  grade(score: number): number {
    if (this.stats.weight < this.minScores) return 0;
    const thr = this.threshold();
    if (!(score > thr)) return 0;
    const mean = Math.min(this.stats.mean(), thr);
    return Math.min(1, (score - thr) / (score - mean));
  }

  /** How many scores (discounted) the statistics rest on. */
  weight(): number {
    return this.stats.weight;
  }

  update(score: number): void {
    this.updateStep([score]);
  }

  /**
   * Learns the scores of one time step: the statistics age once, and each score enters with weight
   * 1 / scores.length, so a step weighs the same however many replicas were scored in it.
   */
  updateStep(scores: ArrayLike<number>): void {
    const n = scores.length;
    if (n === 0) return;
    const clipAt = this.clipScores && this.stats.weight >= this.minScores ? this.threshold() : Infinity;
    this.stats.decay();
    const w = 1 / n;
    for (let i = 0; i < n; i++) this.stats.add(Math.min(scores[i], clipAt), w);
    this.tail?.updateStep(scores);
  }

  /**
   * Starts the statistics from a known score distribution (e.g. mean and standard deviation of a static model's
   * training scores), as if `weight` steps of it had been seen: a fresh thresholder grades at once.
   */
  calibrate(mean: number, sd: number, weight: number): void {
    this.stats.calibrate(mean, sd, weight);
  }

  /**
   * A continuous anomaly likelihood of `score` in [0, 1) for ranking: 0 at or below the mean score, 1/2 at the
   * threshold, towards 1 far beyond it ((score − mean) / ((score − mean) + (threshold − mean))). 0 until
   * `minScores` scores were seen.
   */
  likelihood(score: number): number {
    if (this.stats.weight < this.minScores) return 0;
    const mean = this.stats.mean();
    const over = score - mean;
    if (!(over > 0)) return 0;
    return over / (over + Math.max(this.threshold() - mean, 1e-12));
  }

  toState(): AdaptiveThresholderState {
    return {
      zFactor: this.zFactor,
      lowerThreshold: this.lowerThreshold,
      minScores: this.minScores,
      clipScores: this.clipScores,
      stats: this.stats.toState(),
      ...(this.tail ? { quantile: this.quantile, tail: this.tail.toState(), tailDiscount: this.tail.discount } : {}),
    };
  }

  static fromState(s: AdaptiveThresholderState): AdaptiveThresholder {
    const stats = Deviation.fromState(s.stats);
    const quantile = s.quantile ?? 0;
    if ((quantile > 0) !== (s.tail !== undefined)) throw new Error(`thresholder state: quantile is ${quantile} but the score histogram is ${s.tail ? "present" : "absent"}`);
    const tail = s.tail ? ScoreQuantile.fromState(quantile, s.tailDiscount ?? stats.discount, s.tail) : undefined;
    return new AdaptiveThresholder(s, stats, tail);
  }
}
