/**
 * How large a replica's bursts usually are, per metric, for metrics that sit at zero most of the time (an error
 * or retry counter, a queue that is usually empty): the share of its steps at zero, and the typical size of its
 * non-zero values. A counter that bursts to 40–70 every few hours is not anomalous at its next burst of 60, though
 * that lies many deviations from its usual zero; a burst several times its usual size still is, and so is the first
 * burst of a counter that never moved (kpi-dev's 7103fa0f: half the set's false positives were routine bursts of
 * 41–74, its labelled ones 128–870; session 61).
 */

/** Steps a metric's share of zero steps is averaged over, at most (a running mean, then an exponential one). */
const ZERO_SHARE_MEMORY = 5000;
/** Non-zero values a metric's typical burst size is averaged over, at most. */
const BURST_MEMORY = 256;
/** Steps learnt before a metric's bursts can count as usual. */
const MIN_STEPS = 100;
/** Bursts a metric must have had before one can count as usual. */
const MIN_BURSTS = 3;
/** Share of its steps a metric must sit at zero to count as bursting from zero. */
const MIN_ZERO_SHARE = 0.8;

/** The saved state of a {@link BurstSizes}: steps learnt, and per metric its zero share, typical size and bursts seen. */
export interface BurstSizesState {
  readonly burstSteps: number;
  readonly zeroShare: Float64Array;
  readonly burstSize: Float64Array;
  readonly bursts: Float64Array;
}

export class BurstSizes {
  private steps = 0;
  private readonly zeroShare: Float64Array;
  private readonly size: Float64Array;
  private readonly bursts: Float64Array;

  constructor(readonly metrics: number) {
    this.zeroShare = new Float64Array(metrics);
    this.size = new Float64Array(metrics);
    this.bursts = new Float64Array(metrics);
  }

  /**
   * How far from its expected value metric `m`'s non-zero `value` may lie and still be one of its usual bursts:
   * `multiple` × its typical burst size, for a metric at zero on most steps that has burst before; 0 otherwise.
   */
  tolerance(m: number, value: number, multiple: number): number {
    if (multiple <= 0 || value === 0 || this.steps < MIN_STEPS) return 0;
    return this.zeroShare[m] >= MIN_ZERO_SHARE && this.bursts[m] >= MIN_BURSTS ? multiple * this.size[m] : 0;
  }

  /** Learns a step's raw values (after it was judged). */
  learn(values: ArrayLike<number>): void {
    const rate = 1 / Math.min(this.steps + 1, ZERO_SHARE_MEMORY);
    for (let m = 0; m < this.metrics; m++) {
      const x = values[m];
      this.zeroShare[m] += ((x === 0 ? 1 : 0) - this.zeroShare[m]) * rate;
      if (x !== 0) {
        this.bursts[m]++;
        this.size[m] += (Math.abs(x) - this.size[m]) / Math.min(this.bursts[m], BURST_MEMORY);
      }
    }
    this.steps++;
  }

  toState(): BurstSizesState {
    return { burstSteps: this.steps, zeroShare: Float64Array.from(this.zeroShare), burstSize: Float64Array.from(this.size), bursts: Float64Array.from(this.bursts) };
  }

  /** Restores what a replica learnt of its bursts; `where` names it in errors. */
  static fromState(s: BurstSizesState, metrics: number, where: string): BurstSizes {
    if (!Number.isInteger(s.burstSteps) || s.burstSteps < 0) throw new Error(`${where}: burstSteps must be an integer >= 0, got ${String(s.burstSteps)}`);
    for (const [name, a] of [["zeroShare", s.zeroShare], ["burstSize", s.burstSize], ["bursts", s.bursts]] as const) {
      if (a.length !== metrics) throw new Error(`${where}: ${name} holds ${a.length} values, expected one per metric (${metrics})`);
    }
    if (!s.zeroShare.every((x) => x >= 0 && x <= 1)) throw new Error(`${where}: zeroShare must hold shares from 0 to 1`);
    if (!s.burstSize.every((x) => Number.isFinite(x) && x >= 0) || !s.bursts.every((x) => Number.isInteger(x) && x >= 0)) {
      throw new Error(`${where}: burstSize must hold finite sizes >= 0 and bursts whole counts >= 0`);
    }
    const b = new BurstSizes(metrics);
    b.steps = s.burstSteps;
    b.zeroShare.set(s.zeroShare);
    b.size.set(s.burstSize);
    b.bursts.set(s.bursts);
    return b;
  }
}
