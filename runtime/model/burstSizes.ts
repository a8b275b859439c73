/**
 * How large a replica's bursts usually are, per metric, for metrics that rest at one value on most steps (an error
 * or retry counter at 0, a gauge that holds its value between spikes): the value it rests at (the last value it held
 * on two steps in a row), the share of its steps at rest, and the mean size of its departures from rest. A counter
 * that bursts to 40–70 every few hours is not anomalous at its next burst of 60, though that lies many deviations
 * from its usual value; a burst several times its usual size still is, and so is the first burst of a metric that
 * never moved (kpi-dev's 7103fa0f: half the set's false positives were routine bursts of 41–74, its labelled ones
 * 128–870; session 61). Only differences from the resting value count, so where a metric's zero lies decides nothing.
 *
 * Burst sizes are skewed: a counter's bursts are mostly small, with a routine few several times the mean. The mean and
 * spread of their logarithms give a tail that follows the metric's own spread of sizes: with a `z` the tolerance of a
 * lone burst is also exp(mean + z · deviation) of the log sizes, the size only 1 burst in 40 passes at z 2 if sizes are
 * lognormal. A burst right after another keeps the mean rule: bursts of routine sizes in a cluster (a disk's writes)
 * are what is unusual about them (nab-dev).
 */

/** Steps a metric's share of steps at rest is averaged over, at most (a running mean, then an exponential one). */
const REST_SHARE_MEMORY = 5000;
/** Departures from rest a metric's typical burst size is averaged over, at most. */
const BURST_MEMORY = 256;
/** Steps learnt before a metric's bursts can count as usual. */
const MIN_STEPS = 100;
/** Bursts a metric must have had before one can count as usual. */
const MIN_BURSTS = 3;
/** Share of its steps a metric must rest at one value to count as bursting from it. */
const MIN_REST_SHARE = 0.8;
/** The smallest burst size whose logarithm counts as it is (a float-noise departure would swamp the log spread). */
const MIN_LOG_SIZE = 1e-12;

/** The saved state of a {@link BurstSizes}: steps learnt, and per metric its resting value, last value, share at rest, bursts and their mean size. */
export interface BurstSizesState {
  readonly burstSteps: number;
  readonly restValue: Float64Array;
  readonly lastValue: Float64Array;
  readonly restShare: Float64Array;
  readonly bursts: Float64Array;
  readonly burstSize: Float64Array;
  /** Per metric, the mean and variance of its bursts' log sizes (absent in states saved before: learnt from then on). */
  readonly burstLogMean?: Float64Array;
  readonly burstLogVar?: Float64Array;
}

export class BurstSizes {
  private steps = 0;
  private readonly rest: Float64Array;
  private readonly last: Float64Array;
  private readonly restShare: Float64Array;
  private readonly bursts: Float64Array;
  private readonly size: Float64Array;
  private readonly logMean: Float64Array;
  private readonly logVar: Float64Array;

  constructor(readonly metrics: number) {
    this.rest = new Float64Array(metrics);
    this.last = new Float64Array(metrics);
    this.restShare = new Float64Array(metrics);
    this.bursts = new Float64Array(metrics);
    this.size = new Float64Array(metrics);
    this.logMean = new Float64Array(metrics);
    this.logVar = new Float64Array(metrics);
  }

  /**
   * How far from its expected value metric `m`'s `value` may lie and still be one of its usual bursts: `multiple` ×
   * its mean burst size, or with `z` > 0 for a lone burst (the step before at rest) exp(mean + z · deviation) of its
   * bursts' log sizes if larger, for a metric at rest on most steps that has burst before and is not at rest now; 0
   * otherwise.
   */
  tolerance(m: number, value: number, multiple: number, z = 0): number {
    if (multiple <= 0 || this.steps < MIN_STEPS || value === this.rest[m]) return 0;
    if (!(this.restShare[m] >= MIN_REST_SHARE && this.bursts[m] >= MIN_BURSTS)) return 0;
    const byMean = multiple * this.size[m];
    // The tail is for a lone burst, off a step at rest: bursts of usual sizes coming one after another are not usual.
    const lone = this.last[m] === this.rest[m];
    return z > 0 && lone ? Math.max(byMean, Math.exp(this.logMean[m] + z * Math.sqrt(this.logVar[m]))) : byMean;
  }

  /** Learns a step's raw values (after it was judged). */
  learn(values: ArrayLike<number>): void {
    const rate = 1 / Math.min(this.steps + 1, REST_SHARE_MEMORY);
    for (let m = 0; m < this.metrics; m++) {
      const x = values[m];
      if (this.steps === 0 || x === this.last[m]) this.rest[m] = x;
      const atRest = x === this.rest[m];
      this.restShare[m] += ((atRest ? 1 : 0) - this.restShare[m]) * rate;
      if (!atRest) {
        this.bursts[m]++;
        const size = Math.abs(x - this.rest[m]);
        const burstRate = 1 / Math.min(this.bursts[m], BURST_MEMORY);
        this.size[m] += (size - this.size[m]) * burstRate;
        // An exponentially weighted mean and variance of the log size (West's update; the first burst sets the mean).
        const d = Math.log(Math.max(size, MIN_LOG_SIZE)) - this.logMean[m];
        this.logMean[m] += d * burstRate;
        this.logVar[m] = (1 - burstRate) * (this.logVar[m] + burstRate * d * d);
      }
      this.last[m] = x;
    }
    this.steps++;
  }

  /** Whether any step was learnt: a detector with the usual-bursts rule off never learns one, and saves none of this. */
  learnt(): boolean {
    return this.steps > 0;
  }

  toState(): BurstSizesState {
    return {
      burstSteps: this.steps,
      restValue: Float64Array.from(this.rest),
      lastValue: Float64Array.from(this.last),
      restShare: Float64Array.from(this.restShare),
      bursts: Float64Array.from(this.bursts),
      burstSize: Float64Array.from(this.size),
      burstLogMean: Float64Array.from(this.logMean),
      burstLogVar: Float64Array.from(this.logVar),
    };
  }

  /** Restores what a replica learnt of its bursts; `where` names it in errors. */
  static fromState(s: BurstSizesState, metrics: number, where: string): BurstSizes {
    if (!Number.isInteger(s.burstSteps) || s.burstSteps < 0) throw new Error(`${where}: burstSteps must be an integer >= 0, got ${String(s.burstSteps)}`);
    if ((s.burstLogMean === undefined) !== (s.burstLogVar === undefined)) throw new Error(`${where}: burstLogMean and burstLogVar come together`);
    const logs = s.burstLogMean !== undefined && s.burstLogVar !== undefined ? ([["burstLogMean", s.burstLogMean], ["burstLogVar", s.burstLogVar]] as const) : [];
    const arrays = [["restValue", s.restValue], ["lastValue", s.lastValue], ["restShare", s.restShare], ["bursts", s.bursts], ["burstSize", s.burstSize], ...logs] as const;
    for (const [name, a] of arrays) {
      if (a.length !== metrics) throw new Error(`${where}: ${name} holds ${a.length} values, expected one per metric (${metrics})`);
      if (!a.every(Number.isFinite)) throw new Error(`${where}: ${name} holds a value that is not a finite number`);
    }
    if (!s.restShare.every((x) => x >= 0 && x <= 1)) throw new Error(`${where}: restShare must hold shares from 0 to 1`);
    if (!s.bursts.every((x) => Number.isInteger(x) && x >= 0) || !s.burstSize.every((x) => x >= 0)) throw new Error(`${where}: bursts must hold whole counts >= 0 and burstSize sizes >= 0`);
    const b = new BurstSizes(metrics);
    b.steps = s.burstSteps;
    b.rest.set(s.restValue);
    b.last.set(s.lastValue);
    b.restShare.set(s.restShare);
    b.bursts.set(s.bursts);
    b.size.set(s.burstSize);
    if (s.burstLogMean !== undefined && s.burstLogVar !== undefined) {
      if (!s.burstLogVar.every((x) => x >= 0)) throw new Error(`${where}: burstLogVar must hold variances >= 0`);
      b.logMean.set(s.burstLogMean);
      b.logVar.set(s.burstLogVar);
    } else {
      // Saved before the log sizes were learnt: their mean starts at the mean size's, their spread at none.
      for (let m = 0; m < metrics; m++) b.logMean[m] = s.burstSize[m] > 0 ? Math.log(Math.max(s.burstSize[m], MIN_LOG_SIZE)) : 0;
    }
    return b;
  }
}
