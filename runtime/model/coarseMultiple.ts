import { BinMeans, type BinMeansState, type OpenBin } from "./binMeans";
import { median } from "./median";
import { autocorrelation, centred } from "./periodicity";
import { CONFIRMATIONS, confirmCandidate, KEEP_STRENGTH, MIN_CYCLES, multipleFits, PROFILE_RATE } from "./seasonalRules";

/** Bins per cycle unless told otherwise: half an hour of a daily cycle (a week of them: 336 bins). */
export const BINS_PER_CYCLE = 48;
/** The longest multiple looked for: a week of a daily cycle. */
export const MAX_MULTIPLE = 7;
/**
 * A multiple is looked for at this many bins either side of k · BINS_PER_CYCLE: a cycle found a step too long or
 * short (289 steps for a day of 288) is 7 steps off in a week, a bin at 5-minute steps.
 */
const SLACK = 2;
/** Bins held for `binsPerCycle` bins a cycle: MIN_CYCLES of the longest multiple looked for. */
export const coarseCapacity = (binsPerCycle: number): number => MIN_CYCLES * (MAX_MULTIPLE * binsPerCycle + SLACK);
const minSpan = (binsPerCycle: number): number => 2 * binsPerCycle - SLACK;
const maxSpan = (binsPerCycle: number): number => MAX_MULTIPLE * binsPerCycle + SLACK;

/**
 * The saved state of a {@link CoarseMultiple}: its bins (at most coarseCapacity(binsPerCycle) held; bins count from
 * step 0: bin n holds the steps t with ⌊t · binsPerCycle / cycle⌋ = n), its multiple and the multiple's offsets.
 */
export interface CoarseMultipleState extends BinMeansState {
  /** The locked cycle, in steps, whose multiples are looked for. */
  readonly cycle: number;
  /** Bins the cycle is cut into (absent: BINS_PER_CYCLE; a long cycle found in bins keeps the bins it was found in). */
  readonly binsPerCycle?: number;
  /** The open bin's sum of residuals and how many (those learnt from). */
  readonly residualSum: number;
  readonly residualCount: number;
  /**
   * The multiple in use, as its length in bins (0: none; within SLACK of k · BINS_PER_CYCLE for k in 2 … MAX_MULTIPLE),
   * the one found by the last checks and how many agreed, and checks that missed it.
   */
  readonly span: number;
  readonly candidate: number;
  readonly confirmations: number;
  readonly misses: number;
  /** Per bin of the multiple (span of them), what its values add to the cycle's profile. */
  readonly offsets: Float64Array;
}

/**
 * A whole multiple of a locked cycle that is too long to hold step by step (a week of a daily cycle at 5-minute
 * steps: 2,016 steps; at 10-minute ones 1,008), held in bins instead: the cycle is cut into BINS_PER_CYCLE bins (or
 * the bins a long cycle was found in: LongCycle), and
 * the mean values of the last MIN_CYCLES multiples' bins are kept. At each check the bins' autocorrelation at each
 * multiple (2 to MAX_MULTIPLE cycles) is compared with the cycle's; a multiple far more alike (a week whose weekends
 * differ from its weekdays) is used once two checks agree: per bin of the multiple, an offset (started from the
 * median of the bins held, less the mean of the same bin of the cycle over the multiple's cycles) is added to the
 * cycle's profile, and learnt from the residuals of the combined profile. Without a multiple the offset is 0.
 */
export class CoarseMultiple {
  readonly cycle: number;
  readonly binsPerCycle: number;
  private readonly capacity: number;
  private means: BinMeans;
  private residualSum = 0;
  private residualCount = 0;
  private span = 0;
  private candidate = 0;
  private confirmations = 0;
  private misses = 0;
  private offsets = new Float64Array(0);

  constructor(cycle: number, start: number, binsPerCycle: number = BINS_PER_CYCLE) {
    if (!Number.isInteger(binsPerCycle) || binsPerCycle < 2) throw new Error(`a coarse multiple needs at least 2 bins a cycle, got ${binsPerCycle}`);
    if (!Number.isInteger(cycle) || cycle < binsPerCycle) throw new Error(`a coarse multiple needs a cycle of at least ${binsPerCycle} steps, got ${cycle}`);
    this.cycle = cycle;
    this.binsPerCycle = binsPerCycle;
    this.capacity = coarseCapacity(binsPerCycle);
    this.means = new BinMeans(this.capacity, this.binOf(start));
  }

  /**
   * A coarse multiple started from bins already held (`bins`, oldest first, the last one closed just before the
   * `open` bin, whose values so far it takes on too; `binsPerCycle` bins a cycle of `cycle` steps) and using the
   * multiple of `span` bins at once: a long cycle is only locked with the multiple its finder saw (SeasonalProfile).
   */
  static withMultiple(cycle: number, binsPerCycle: number, bins: Float64Array, open: OpenBin, span: number): CoarseMultiple {
    const c = new CoarseMultiple(cycle, 0, binsPerCycle);
    c.means = BinMeans.from(c.capacity, bins, open);
    c.use(c.means.held(), span);
    return c;
  }

  /** The autocorrelation of the bins held at one cycle (how strongly the cycle itself still repeats). */
  cycleStrength(): number {
    return autocorrelation(centred(this.held()), this.binsPerCycle);
  }

  /** The multiple in use, as its length in bins (0: none). */
  currentSpan(): number {
    return this.span;
  }

  /** What step `t`'s bin of the multiple adds to the cycle's profile (0 without a multiple). */
  offset(t: number): number {
    return this.span > 0 ? this.offsets[this.binOf(t) % this.offsets.length] : 0;
  }

  /** Step `t`'s value; its residual against the combined profile (clipped) when it was judged, null otherwise. */
  add(t: number, x: number, residual: number | null): void {
    const bin = this.binOf(t);
    if (bin !== this.means.openBin()) this.closeResiduals();
    this.means.add(bin, x);
    if (residual !== null) {
      this.residualSum += residual;
      this.residualCount++;
    }
  }

  /** Looks for a multiple (or checks the one in use) in the bins held. */
  check(): void {
    const values = this.held();
    const x = centred(values);
    if (this.span > 0) {
      this.misses = autocorrelation(x, this.span) >= KEEP_STRENGTH ? 0 : this.misses + 1;
      if (this.misses >= CONFIRMATIONS) {
        this.span = 0;
        this.misses = 0;
        this.offsets = new Float64Array(0);
      }
      return;
    }
    const r = autocorrelation(x, this.binsPerCycle);
    const { span: best, strength: bestR } = bestMultiple(x, this.binsPerCycle);
    [this.candidate, this.confirmations] = confirmCandidate(best > 0 && multipleFits(r, bestR) ? best : 0, this.candidate, this.confirmations);
    if (this.confirmations >= CONFIRMATIONS) this.use(values, this.candidate);
  }

  toState(): CoarseMultipleState {
    return {
      cycle: this.cycle,
      ...(this.binsPerCycle === BINS_PER_CYCLE ? {} : { binsPerCycle: this.binsPerCycle }),
      ...this.means.toState(),
      residualSum: this.residualSum,
      residualCount: this.residualCount,
      span: this.span,
      candidate: this.candidate,
      confirmations: this.confirmations,
      misses: this.misses,
      offsets: Float64Array.from(this.offsets),
    };
  }

  /** Rebuilds a coarse multiple of the locked `cycle` from its state; throws naming the field and what was expected. */
  static fromState(cycle: number, s: CoarseMultipleState): CoarseMultiple {
    if (s?.cycle !== cycle) throw new Error(`seasonal state: coarse.cycle must be the locked period (${cycle}), got ${String(s?.cycle)}`);
    const bpc = s.binsPerCycle ?? BINS_PER_CYCLE;
    if (!Number.isInteger(bpc) || bpc < 2 || bpc > cycle) throw new Error(`seasonal state: coarse.binsPerCycle must be an integer from 2 to the cycle (${cycle}), got ${String(s.binsPerCycle)}`);
    const capacity = coarseCapacity(bpc);
    const counts = [s.open, s.openCount, s.residualCount, s.span, s.candidate, s.confirmations, s.misses];
    if (!counts.every((c) => Number.isInteger(c) && c >= 0)) throw new Error("seasonal state: coarse.open, openCount, residualCount, span, candidate, confirmations and misses must be integers >= 0");
    if (!(s.bins instanceof Float32Array) || s.bins.length > Math.min(s.open, capacity) || !s.bins.every(Number.isFinite)) {
      throw new Error(`seasonal state: coarse.bins must hold at most min(open, ${capacity}) finite values`);
    }
    if (![s.openSum, s.residualSum].every(Number.isFinite) || s.residualCount > s.openCount) {
      throw new Error("seasonal state: coarse.openSum and residualSum must be finite, residualCount at most openCount");
    }
    const spanOk = (x: number) => x === 0 || (x >= minSpan(bpc) && x <= maxSpan(bpc));
    if (!spanOk(s.span) || !spanOk(s.candidate)) {
      throw new Error(`seasonal state: coarse.span and candidate must be 0 or ${minSpan(bpc)} to ${maxSpan(bpc)} bins, got ${s.span} and ${s.candidate}`);
    }
    if (!(s.offsets instanceof Float64Array) || s.offsets.length !== s.span || !s.offsets.every(Number.isFinite)) {
      throw new Error(`seasonal state: coarse.offsets must hold one finite value per bin of the multiple (span: ${s.span})`);
    }
    const c = new CoarseMultiple(cycle, 0, bpc);
    c.means = BinMeans.fromState(capacity, s);
    c.residualSum = s.residualSum;
    c.residualCount = s.residualCount;
    c.span = s.span;
    c.candidate = s.candidate;
    c.confirmations = s.confirmations;
    c.misses = s.misses;
    c.offsets = Float64Array.from(s.offsets);
    return c;
  }

  private binOf(t: number): number {
    return Math.floor((t * this.binsPerCycle) / this.cycle);
  }

  /** The closed bins held, oldest first. */
  private held(): Float64Array {
    return this.means.held();
  }

  /** As the open bin closes: with a multiple, the bin's mean residual moves its offset. */
  private closeResiduals(): void {
    if (this.span > 0 && this.residualCount > 0) this.offsets[this.means.openBin() % this.offsets.length] += (PROFILE_RATE * this.residualSum) / this.residualCount;
    this.residualSum = 0;
    this.residualCount = 0;
  }

  /** Starts the offsets of a multiple `bins` long from the bins held (`values`, oldest first; the last one is bin open − 1). */
  private use(values: Float64Array, bins: number): void {
    const first = this.means.openBin() - values.length;
    const byBin: number[][] = Array.from({ length: bins }, () => []);
    for (let i = 0; i < values.length; i++) byBin[(first + i) % bins].push(values[i]);
    const medians = byBin.map((xs) => (xs.length > 0 ? median(xs) : Number.NaN));
    const offsets = new Float64Array(bins);
    for (let j = 0; j < bins; j++) {
      let sum = 0;
      let count = 0;
      for (let k = j % this.binsPerCycle; k < bins; k += this.binsPerCycle) {
        if (Number.isFinite(medians[k])) {
          sum += medians[k];
          count++;
        }
      }
      offsets[j] = Number.isFinite(medians[j]) && count > 0 ? medians[j] - sum / count : 0;
    }
    this.span = bins;
    this.offsets = offsets;
    this.candidate = 0;
    this.confirmations = 0;
    this.misses = 0;
  }
}

/**
 * The best whole multiple of a cycle of `binsPerCycle` bins in the centred bins `x`: of the spans within SLACK of
 * k · binsPerCycle (k from 2 to MAX_MULTIPLE) that MIN_CYCLES of fit in `x`, the most autocorrelated (span 0: none fits).
 */
export function bestMultiple(x: Float64Array, binsPerCycle: number): { span: number; strength: number } {
  let span = 0;
  let strength = -1;
  for (let k = 2; k <= MAX_MULTIPLE; k++) {
    for (let s = k * binsPerCycle - SLACK; s <= k * binsPerCycle + SLACK && MIN_CYCLES * s <= x.length; s++) {
      const r = autocorrelation(x, s);
      if (r > strength) {
        strength = r;
        span = s;
      }
    }
  }
  return { span, strength };
}
