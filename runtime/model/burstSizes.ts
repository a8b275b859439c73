/**
 * How large a replica's bursts usually are, per metric, for metrics that rest at one value on most steps (an error
 * or retry counter at 0, a gauge that holds its value between spikes): the value it rests at (the last value it held
 * on two steps in a row), the share of its steps at rest, and the mean size of its departures from rest. A counter
 * that bursts to 40–70 every few hours is not anomalous at its next burst of 60, though that lies many deviations
 * from its usual value; a burst several times its usual size still is, and so is the first burst of a metric that
 * never moved (kpi-dev's 7103fa0f: half the set's false positives were routine bursts of 41–74, its labelled ones
 * 128–870; session 61). Only differences from the resting value count, so where a metric's zero lies decides nothing.
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

/** The saved state of a {@link BurstSizes}: steps learnt, and per metric its resting value, last value, share at rest, bursts and their mean size. */
export interface BurstSizesState {
  readonly burstSteps: number;
  readonly restValue: Float64Array;
  readonly lastValue: Float64Array;
  readonly restShare: Float64Array;
  readonly bursts: Float64Array;
  readonly burstSize: Float64Array;
}

export class BurstSizes {
  private steps = 0;
  private readonly rest: Float64Array;
  private readonly last: Float64Array;
  private readonly restShare: Float64Array;
  private readonly bursts: Float64Array;
  private readonly size: Float64Array;

  constructor(readonly metrics: number) {
    this.rest = new Float64Array(metrics);
    this.last = new Float64Array(metrics);
    this.restShare = new Float64Array(metrics);
    this.bursts = new Float64Array(metrics);
    this.size = new Float64Array(metrics);
  }

  /**
   * How far from its expected value metric `m`'s `value` may lie and still be one of its usual bursts: `multiple` ×
   * its mean burst size, for a metric at rest on most steps that has burst before and is not at rest now; 0 otherwise.
   */
  tolerance(m: number, value: number, multiple: number): number {
    if (multiple <= 0 || this.steps < MIN_STEPS || value === this.rest[m]) return 0;
    return this.restShare[m] >= MIN_REST_SHARE && this.bursts[m] >= MIN_BURSTS ? multiple * this.size[m] : 0;
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
        this.size[m] += (Math.abs(x - this.rest[m]) - this.size[m]) / Math.min(this.bursts[m], BURST_MEMORY);
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
    };
  }

  /** Restores what a replica learnt of its bursts; `where` names it in errors. */
  static fromState(s: BurstSizesState, metrics: number, where: string): BurstSizes {
    if (!Number.isInteger(s.burstSteps) || s.burstSteps < 0) throw new Error(`${where}: burstSteps must be an integer >= 0, got ${String(s.burstSteps)}`);
    const arrays = [["restValue", s.restValue], ["lastValue", s.lastValue], ["restShare", s.restShare], ["bursts", s.bursts], ["burstSize", s.burstSize]] as const;
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
    return b;
  }
}
