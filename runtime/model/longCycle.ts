import { BinMeans, type BinMeansState, type OpenBin } from "./binMeans";
import { bestMultiple, coarseCapacity, MAX_MULTIPLE } from "./coarseMultiple";
import { autocorrelation, centred, detectPeriod } from "./periodicity";
import { CONFIRMATIONS, MIN_CYCLES, multipleFits } from "./seasonalRules";

/** Steps a bin holds: half an hour at 1-minute steps (a day is 48 bins), an hour at 2-minute ones (24 bins). */
export const LONG_BIN_STEPS = 30;
/** The longest cycle looked for, in bins: a day at 1-minute steps, and room for its refinement. */
export const MAX_CYCLE_BINS = 50;
/** Bins held: MIN_CYCLES weeks of a day of 48 bins (the longest multiple whose repeats fit). */
const CAPACITY = coarseCapacity(48);
/** Bins between two checks (2 hours at 1-minute steps). */
const CHECK_EVERY = 4;

/** A long cycle and its multiple, as found in bins: the cycle in bins, and the multiple's span in bins. */
export interface LongCycleFound {
  readonly cycleBins: number;
  readonly span: number;
}

/**
 * The saved state of a {@link LongCycle}: its bins (at most CAPACITY held; bin n holds the steps t with
 * ⌊t / LONG_BIN_STEPS⌋ = n) and its candidate.
 */
export interface LongCycleState extends BinMeansState {
  /** The cycle (in bins) and multiple (span in bins) found by the last checks, 0 and 0 for none, and how many agreed. */
  readonly cycle: number;
  readonly span: number;
  readonly confirmations: number;
}

/**
 * Finds a cycle too long for the seasonal view to look for step by step (a day at 1- or 2-minute steps: 1,440 or
 * 720 steps, beyond maxPeriod), and only one whose whole multiple repeats far more alike (a week whose weekends
 * differ): a plain day at such steps is left to the forest, which follows it from step to step, and judging those
 * series against it cost the development sets (sessions 32 and 55). Values are averaged into bins of
 * LONG_BIN_STEPS steps and the last MIN_CYCLES weeks of bins are kept; every CHECK_EVERY bins, the bins' shortest
 * strong cycle ({@link detectPeriod}) longer than `minBins` bins and its best multiple (2 to 7 cycles) are looked
 * for, by the rule the view's multiples follow (multipleFits); two checks in a row must agree.
 */
export class LongCycle {
  /** The shortest cycle looked for, in bins (longer than the view's maxPeriod in steps). */
  readonly minBins: number;
  private means: BinMeans;
  private cycle = 0;
  private span = 0;
  private confirmations = 0;

  constructor(maxPeriod: number, start: number) {
    this.minBins = Math.floor(maxPeriod / LONG_BIN_STEPS) + 1;
    this.means = new BinMeans(CAPACITY, Math.floor(start / LONG_BIN_STEPS));
  }

  /** The number of the bin being filled (the bins held end just before it). */
  openBin(): number {
    return this.means.openBin();
  }

  /** The bin being filled: its number, and the sum and count of the values in it so far. */
  openPart(): OpenBin {
    return this.means.openPart();
  }

  /** Step `t`'s value. Returns the cycle found, once two checks in a row agree on it (null otherwise). */
  add(t: number, x: number, look: boolean): LongCycleFound | null {
    // A new bin closes the last one; the checks look at the closed bins only.
    const moved = this.means.add(Math.floor(t / LONG_BIN_STEPS), x);
    return moved && look && this.means.closedCount() % CHECK_EVERY === 0 ? this.check() : null;
  }

  /** The closed bins held, oldest first (the last one is bin openBin() − 1). */
  held(): Float64Array {
    return this.means.held();
  }

  /** Forgets the candidate (a cycle was locked, or one was found step by step). */
  reset(): void {
    this.cycle = 0;
    this.span = 0;
    this.confirmations = 0;
  }

  toState(): LongCycleState {
    return {
      ...this.means.toState(),
      cycle: this.cycle,
      span: this.span,
      confirmations: this.confirmations,
    };
  }

  /** Rebuilds a long-cycle finder from its state; throws naming the field and what was expected. */
  static fromState(maxPeriod: number, s: LongCycleState): LongCycle {
    const counts = [s?.open, s?.openCount, s?.cycle, s?.span, s?.confirmations];
    if (!counts.every((c) => Number.isInteger(c) && c >= 0)) throw new Error("seasonal state: long.open, openCount, cycle, span and confirmations must be integers >= 0");
    if (!(s.bins instanceof Float32Array) || s.bins.length > Math.min(s.open, CAPACITY) || !s.bins.every(Number.isFinite)) {
      throw new Error(`seasonal state: long.bins must hold at most min(open, ${CAPACITY}) finite values`);
    }
    if (!Number.isFinite(s.openSum)) throw new Error("seasonal state: long.openSum must be finite");
    const l = new LongCycle(maxPeriod, 0);
    const cycleOk = s.cycle === 0 ? s.span === 0 : s.cycle >= l.minBins && s.cycle <= MAX_CYCLE_BINS && s.span >= 2 * s.cycle - 2 && s.span <= MAX_MULTIPLE * s.cycle + 2;
    if (!cycleOk || s.confirmations > (s.cycle === 0 ? 0 : CONFIRMATIONS)) {
      throw new Error(`seasonal state: long.cycle must be 0 (span 0, no confirmations) or ${l.minBins} to ${MAX_CYCLE_BINS} bins with a span of 2 to ${MAX_MULTIPLE} of it, got cycle ${s.cycle}, span ${s.span}, confirmations ${s.confirmations}`);
    }
    l.means = BinMeans.fromState(CAPACITY, s);
    l.cycle = s.cycle;
    l.span = s.span;
    l.confirmations = s.confirmations;
    return l;
  }


  private check(): LongCycleFound | null {
    const values = this.held();
    let cycle = 0;
    let span = 0;
    const found = detectPeriod(values, { maxPeriod: MAX_CYCLE_BINS, minCycles: MIN_CYCLES });
    if (found && found.period >= this.minBins) {
      const x = centred(values);
      const multiple = bestMultiple(x, found.period);
      if (multiple.span > 0 && multipleFits(autocorrelation(x, found.period), multiple.strength)) {
        cycle = found.period;
        span = multiple.span;
      }
    }
    this.confirmations = cycle > 0 && cycle === this.cycle && span === this.span ? this.confirmations + 1 : cycle > 0 ? 1 : 0;
    this.cycle = cycle;
    this.span = span;
    if (this.confirmations < CONFIRMATIONS) return null;
    this.reset();
    return { cycleBins: cycle, span };
  }
}

/**
 * The profile of a cycle of `cycleBins` bins, step by step, from the bins held (`bins`, oldest first, the last one
 * just before bin `openBin`): each bin of the cycle is the mean of its bins held and stands for its middle step; in
 * between the profile is linear, and wraps round the cycle.
 */
export function longProfile(bins: Float64Array, openBin: number, cycleBins: number): Float64Array {
  const sums = new Float64Array(cycleBins);
  const counts = new Float64Array(cycleBins);
  const firstBin = openBin - bins.length;
  for (let i = 0; i < bins.length; i++) {
    sums[(firstBin + i) % cycleBins] += bins[i];
    counts[(firstBin + i) % cycleBins]++;
  }
  const means = Float64Array.from(sums, (sum, j) => sum / Math.max(1, counts[j]));
  const profile = new Float64Array(cycleBins * LONG_BIN_STEPS);
  for (let phase = 0; phase < profile.length; phase++) {
    const at = (phase - (LONG_BIN_STEPS - 1) / 2) / LONG_BIN_STEPS;
    const lo = Math.floor(at);
    const w = at - lo;
    profile[phase] = (1 - w) * means[(lo + cycleBins) % cycleBins] + w * means[(lo + 1) % cycleBins];
  }
  return profile;
}
