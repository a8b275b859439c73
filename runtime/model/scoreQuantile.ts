/** Bins of the score histogram: one for [0, MIN_SCORE), log-spaced ones up to MAX_SCORE, one open-ended above. */
export const SCORE_BINS = 128;
const MIN_SCORE = 0.05;
const MAX_SCORE = 64;
/** Ratio of a log-spaced bin's upper edge to its lower one (about 1.06: quantiles to within 6 %). */
const RATIO = Math.pow(MAX_SCORE / MIN_SCORE, 1 / (SCORE_BINS - 2));
const LOG_RATIO = Math.log(RATIO);

/** Lower edge of bin `b` (0 for the first). */
function lowerEdge(b: number): number {
  return b === 0 ? 0 : MIN_SCORE * Math.pow(RATIO, b - 1);
}

function binOf(score: number): number {
  if (!(score >= MIN_SCORE)) return 0;
  if (score >= MAX_SCORE) return SCORE_BINS - 1;
  return Math.min(SCORE_BINS - 2, 1 + Math.floor(Math.log(score / MIN_SCORE) / LOG_RATIO));
}

/**
 * An exponentially discounted quantile of a stream of raw forest scores, from a histogram of fixed log-spaced bins
 * (the memory is about 1 / discount steps, as the thresholder's mean and deviation): each step ages the histogram
 * once, and its scores enter with the step's weight shared among them. Deterministic, a fixed 128 numbers of state.
 * Scores at or above 64 count in one open-ended bin, whose quantile is 64.
 */
export class ScoreQuantile {
  private cached: number | null = null;
  private total: number | null = null;

  constructor(
    readonly level: number,
    readonly discount: number,
    private readonly bins: Float64Array = new Float64Array(SCORE_BINS),
  ) {
    if (!(level > 0 && level < 1)) throw new Error(`quantile level must be in (0, 1), got ${level}`);
    if (!(discount >= 0 && discount < 1)) throw new Error(`discount must be in [0, 1), got ${discount}`);
    if (bins.length !== SCORE_BINS || !bins.every((w) => w >= 0 && Number.isFinite(w))) {
      throw new Error(`score histogram must be ${SCORE_BINS} finite weights >= 0, got ${bins.length} values`);
    }
  }

  /** The histogram's total (discounted) weight. */
  weight(): number {
    if (this.total === null) {
      let total = 0;
      for (let b = 0; b < SCORE_BINS; b++) total += this.bins[b];
      this.total = total;
    }
    return this.total;
  }

  /** Learns one step's scores: the histogram ages once, each score enters with weight 1 / scores.length. */
  updateStep(scores: ArrayLike<number>): void {
    const n = scores.length;
    if (n === 0) return;
    const keep = 1 - this.discount;
    for (let b = 0; b < SCORE_BINS; b++) this.bins[b] *= keep;
    for (let i = 0; i < n; i++) this.bins[binOf(scores[i])] += 1 / n;
    this.total = null;
    this.cached = null;
  }

  /** The `level` quantile of the scores seen (0 before any), interpolated within its bin on a log scale. */
  value(): number {
    if (this.cached !== null) return this.cached;
    const target = this.level * this.weight();
    let below = 0;
    let result = 0;
    for (let b = 0; b < SCORE_BINS; b++) {
      const w = this.bins[b];
      if (w > 0 && below + w >= target) {
        const f = (target - below) / w;
        if (b === 0) result = f * MIN_SCORE;
        else if (b === SCORE_BINS - 1) result = MAX_SCORE;
        else result = lowerEdge(b) * Math.pow(RATIO, f);
        break;
      }
      below += w;
    }
    this.cached = result;
    return result;
  }

  toState(): number[] {
    return Array.from(this.bins);
  }

  static fromState(level: number, discount: number, bins: readonly number[]): ScoreQuantile {
    return new ScoreQuantile(level, discount, Float64Array.from(bins));
  }
}
