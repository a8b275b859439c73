import { BINS_PER_CYCLE, CoarseMultiple, MAX_MULTIPLE } from "./coarseMultiple";
import { LongCycle, longProfile } from "./longCycle";
import { autocorrelation, centred, detectPeriod } from "./periodicity";
import { ringTail } from "./ringTail";
import { lockScales, medianProfile } from "./seasonalLock";
import { checkSeasonalState, type SeasonalProfileState } from "./seasonalProfileState";
import { CONFIRMATIONS, confirmCandidate, KEEP_STRENGTH, MIN_CYCLES, multipleFits, PROFILE_RATE } from "./seasonalRules";

/** Settings of a {@link SeasonalProfile}. */
export interface SeasonalProfileOptions {
  /** Longest period looked for, in steps; the profile keeps the last 3 · maxPeriod values to find it. */
  readonly maxPeriod: number;
  /** Shorter periods are left to the forest (its shingle sees them): no seasonal view for them. */
  readonly minPeriod: number;
  /** Steps between two periodicity checks. */
  readonly checkEvery: number;
  /** Alert when the smoothed residual exceeds this many of its own recent root mean squares. */
  readonly zFactor: number;
  /**
   * Once locked, also look at whole multiples of the period up to `maxPeriod` (a week of a daily cycle), and move
   * the profile to one that explains at least half of what the period leaves (see multipleFits in seasonalRules.ts); for a period whose
   * seventh multiple does not fit (longer than maxPeriod / 7), look for its multiples in bins instead and add the one
   * found to the profile ({@link CoarseMultiple}: a week of a day at steps under 20 minutes); and look for a cycle
   * too long to find step by step in bins, used only with such a multiple ({@link LongCycle}: a week of a day at 1- or
   * 2-minute steps). Absent: false.
   */
  readonly multiples?: boolean;
}

export type { SeasonalProfileState } from "./seasonalProfileState";

/** What a {@link SeasonalProfile} says about one value. */
export interface SeasonalVerdict {
  /** Grade in [0, 1): > 0 = the value breaks the cycle (raised once per excursion). */
  readonly grade: number;
  /** Smoothed residual in its own root mean squares (0 without a period). */
  readonly z: number;
  /** The profile's value for this step, or null without a period. */
  readonly expected: number | null;
  /**
   * Whether the value lies on the profile: within 3 recent root mean squares of the residual, and its residual
   * changed from the step before by at most 3 of those changes' root mean squares (it moved as the cycle does);
   * in the first cycle after lock, before a cycle of residuals has set those scales, the same with the scales of
   * the cycles the profile was built from (false without a period).
   */
  readonly onProfile: boolean;
  /**
   * How far a value may lie from `expected` and still be on the profile (3 recent root mean squares of the
   * residual), or -1 while no value is (no period, the first cycle after lock of a state saved before the lock's
   * scales were kept, or a step that moved off the cycle's course):
   * `onProfile` is |x − expected| <= tolerance.
   */
  readonly tolerance: number;
}

/**
 * Residuals are averaged over these fractions of the period before they are judged (an hour and six hours of
 * a daily cycle): a change of the cycle's shape is sustained, a noisy step is not. The short scale finds a
 * sharp change soon; the long one a broad, shallower one (a whole day lower), and it averages out shape
 * differences that alternate within the cycle (a weekend's other rhythm).
 */
const SMOOTHING = [1 / 24, 1 / 4];
/** Residual statistics remember about this many cycles. */
const SCALE_CYCLES = 4;
/** Residuals enter the profile clipped at this many root mean squares, so one anomaly barely moves it. */
const CLIP = 3;

/**
 * The seasonal view of one metric. It keeps the last 3 · maxPeriod values and, every `checkEvery` steps,
 * looks for a dominant period in them ({@link detectPeriod}: strict, so noise, trends, random walks and weak
 * cycles give none). Only a period that two checks in a row agree on, at least `minPeriod` long, switches the
 * view on: a per-phase profile (started from the median of the cycles held, then updated with clipped
 * residuals) says what the value should be at each phase, and the residual value − profile, averaged over
 * 1/24 and over 1/4 of the period and measured in its own recent root mean square on each scale, must stay
 * below `zFactor`; an excursion beyond it is graded once (again only after the residual came back below one root
 * mean square). When the cycle fades (autocorrelation at the period below 0.5 at two checks in a row) the view
 * switches off again. With `multiples`, a whole multiple of the cycle that repeats far more alike (a week whose
 * weekends differ) becomes the profile's period, or, too long for it, adds its per-bin offsets to the profile.
 */
export class SeasonalProfile {
  readonly options: SeasonalProfileOptions;
  private readonly capacity: number;
  /** The last values, in float32: plenty for finding a period and half the memory and state of float64. */
  private readonly ring: Float32Array;
  private seen = 0;
  private candidate = 0;
  private confirmations = 0;
  private misses = 0;
  private period = 0;
  private profile: Float64Array = new Float64Array(0);
  private floor = 0;
  private readonly smoothed = new Float64Array(SMOOTHING.length);
  private readonly residualSq: [number, number] = [0, 0];
  private readonly smoothedSq: [number, number][] = SMOOTHING.map(() => [0, 0]);
  private sinceLock = 0;
  /** The residual's and its change's root mean squares over the cycles the profile was locked from; -1: unknown. */
  private lockSpread: [number, number] = [-1, -1];
  private armed = true;
  private lastResidual: number | null = null;
  private readonly changeSq: [number, number] = [0, 0];
  /** The cycle first found when the profile spans a multiple of it (0: the period is the cycle). */
  private base = 0;
  /** A multiple of the locked cycle too long to hold step by step, held in bins (options.multiples; null: none). */
  private coarse: CoarseMultiple | null = null;
  /** The finder of cycles longer than maxPeriod (options.multiples; null: off). */
  private long: LongCycle | null = null;

  constructor(options: SeasonalProfileOptions) {
    const o = options;
    if (!Number.isInteger(o.maxPeriod) || o.maxPeriod < 2) throw new Error(`maxPeriod must be an integer >= 2, got ${o.maxPeriod}`);
    if (!Number.isInteger(o.minPeriod) || o.minPeriod < 2) throw new Error(`minPeriod must be an integer >= 2, got ${o.minPeriod}`);
    if (!Number.isInteger(o.checkEvery) || o.checkEvery < 1) throw new Error(`checkEvery must be a positive integer, got ${o.checkEvery}`);
    if (!(o.zFactor > 0)) throw new Error(`zFactor must be > 0, got ${o.zFactor}`);
    this.options = { ...o };
    this.capacity = MIN_CYCLES * o.maxPeriod;
    this.ring = new Float32Array(this.capacity);
    if (o.multiples) this.long = new LongCycle(o.maxPeriod, 0);
  }

  /** The period in use (0 = none). */
  currentPeriod(): number {
    return this.period;
  }

  /** Judges the value `x` of the next step against the profile, then learns from it. */
  process(x: number, zFactor: number = this.options.zFactor): SeasonalVerdict {
    const verdict = this.period > 0 ? this.judge(x, zFactor) : { grade: 0, z: 0, expected: null, onProfile: false, tolerance: -1 };
    this.ring[this.seen % this.capacity] = x;
    this.learnLong(x);
    this.seen++;
    if (this.seen % this.options.checkEvery === 0) this.check();
    return verdict;
  }

  /**
   * A step without a value (a gap in the data): the cycle's phase moves on as time does. The profile's value at
   * the step (without a period, the last value) stands in for the missing one among the values a period is looked
   * for in; nothing is judged or learnt.
   */
  skip(): void {
    if (this.seen === 0) return;
    this.lastResidual = null;
    const stand = this.period > 0 ? this.profile[this.seen % this.period] + (this.coarse?.offset(this.seen) ?? 0) : this.ring[(this.seen - 1) % this.capacity];
    this.ring[this.seen % this.capacity] = stand;
    this.coarse?.add(this.seen, stand, null);
    this.learnLong(stand);
    this.seen++;
    if (this.seen % this.options.checkEvery === 0) this.check();
  }

  toState(): SeasonalProfileState {
    return {
      recent: Float32Array.from(this.recent()),
      seen: this.seen,
      candidate: this.candidate,
      confirmations: this.confirmations,
      misses: this.misses,
      period: this.period,
      profile: Float64Array.from(this.profile),
      floor: this.floor,
      smoothed: Array.from(this.smoothed),
      residualSq: [...this.residualSq],
      smoothedSq: this.smoothedSq.map((q) => [q[0], q[1]]),
      sinceLock: this.sinceLock,
      armed: this.armed,
      lastResidual: this.lastResidual,
      changeSq: [...this.changeSq],
      lockSpread: [...this.lockSpread],
      ...(this.base > 0 ? { base: this.base } : {}),
      ...(this.coarse ? { coarse: this.coarse.toState() } : {}),
      ...(this.long ? { long: this.long.toState() } : {}),
    };
  }

  static fromState(options: SeasonalProfileOptions, s: SeasonalProfileState): SeasonalProfile {
    const p = new SeasonalProfile(options);
    const { changeSq, lastResidual, lockSpread, base, coarse, long } = checkSeasonalState(s, options, p.capacity, SMOOTHING.length);
    const first = s.seen - s.recent.length;
    s.recent.forEach((v, i) => (p.ring[(first + i) % p.capacity] = v));
    p.seen = s.seen;
    p.candidate = s.candidate;
    p.confirmations = s.confirmations;
    p.misses = s.misses;
    p.period = s.period;
    p.profile = Float64Array.from(s.profile);
    p.floor = s.floor;
    p.smoothed.set(s.smoothed);
    p.residualSq[0] = s.residualSq[0];
    p.residualSq[1] = s.residualSq[1];
    s.smoothedSq.forEach((q, i) => {
      p.smoothedSq[i][0] = q[0];
      p.smoothedSq[i][1] = q[1];
    });
    p.sinceLock = s.sinceLock;
    p.armed = s.armed;
    p.lastResidual = lastResidual;
    p.changeSq[0] = changeSq[0];
    p.changeSq[1] = changeSq[1];
    p.lockSpread = [lockSpread[0], lockSpread[1]];
    p.base = base;
    // A state saved before coarse multiples existed starts looking for one from the values it holds, as a lock does.
    p.coarse = coarse ? CoarseMultiple.fromState(s.period, coarse) : p.period > 0 ? p.startCoarse(p.recent()) : null;
    // A state saved before long cycles existed starts binning from the step it is at.
    if (options.multiples) p.long = long ? LongCycle.fromState(options.maxPeriod, long) : new LongCycle(options.maxPeriod, s.seen);
    return p;
  }

  private judge(x: number, zFactor: number): SeasonalVerdict {
    const o = this.options;
    const phase = this.seen % this.period;
    const expected = this.profile[phase] + (this.coarse?.offset(this.seen) ?? 0);
    const residual = x - expected;
    const rmsResidual = Math.max(rms(this.residualSq), this.floor);
    // Time scales follow the cycle (a day), also when the profile spans a multiple of it (a week).
    const cycle = this.base || this.period;
    const decay = 1 - 1 / (SCALE_CYCLES * cycle);
    const warm = this.sinceLock < cycle;
    let z = 0;
    for (let i = 0; i < SMOOTHING.length; i++) {
      const steps = Math.max(1, Math.round(SMOOTHING[i] * cycle));
      this.smoothed[i] += (residual - this.smoothed[i]) * (2 / (steps + 1));
      const rmsSmoothed = Math.max(rms(this.smoothedSq[i]), this.floor);
      z = Math.max(z, Math.abs(this.smoothed[i]) / rmsSmoothed);
      accumulate(this.smoothedSq[i], decay, warm ? this.smoothed[i] : clip(this.smoothed[i], o.zFactor * rmsSmoothed));
    }
    // Judged only after a full cycle of out-of-sample residuals has set their scale.
    let grade = 0;
    if (this.sinceLock >= cycle && this.armed && z > zFactor) {
      grade = (z - zFactor) / z;
      this.armed = false;
    } else if (z < 1) {
      this.armed = true;
    }
    accumulate(this.residualSq, decay, warm ? residual : clip(residual, CLIP * rmsResidual));
    const learnt = clip(residual, CLIP * rmsResidual);
    this.profile[phase] += PROFILE_RATE * learnt;
    this.coarse?.add(this.seen, x, learnt);
    this.sinceLock++;
    // A value on the profile moved there as the cycle does: its residual changed from the step before by no more
    // than the residual's usual step-to-step change (a bend on a smooth curve can stay inside the profile's band).
    const change = this.lastResidual === null ? 0 : residual - this.lastResidual;
    const rmsChange = Math.max(rms(this.changeSq), this.floor);
    if (this.lastResidual !== null) accumulate(this.changeSq, decay, warm ? change : clip(change, CLIP * rmsChange));
    this.lastResidual = residual;
    // In the first cycle after lock the scales are the ones of the cycles the profile was built from: a daily
    // jump right where the profile has it is on the profile from the lock on (nab-dev's square wave alerted at its
    // fifth jump, the first after lock; session 51).
    const [residualScale, changeScale] = warm ? this.lockSpread.map((x) => (x < 0 ? -1 : Math.max(x, this.floor))) : [rmsResidual, rmsChange];
    const tolerance = residualScale < 0 || Math.abs(change) > CLIP * changeScale ? -1 : CLIP * residualScale;
    const onProfile = Math.abs(residual) <= tolerance;
    return { grade, z, expected, onProfile, tolerance };
  }

  private check(): void {
    if (this.period > this.options.maxPeriod) {
      this.checkLong();
      return;
    }
    const values = this.recent();
    if (this.period > 0) {
      const x = centred(values);
      const r = autocorrelation(x, this.period);
      this.misses = r >= KEEP_STRENGTH ? 0 : this.misses + 1;
      if (this.misses >= CONFIRMATIONS) this.unlock();
      else if (this.coarse) this.coarse.check();
      else if (this.options.multiples && this.base === 0) this.checkMultiples(x, values, r);
      return;
    }
    const found = detectPeriod(values, { maxPeriod: this.options.maxPeriod, minCycles: MIN_CYCLES });
    const period = found && found.period >= this.options.minPeriod ? found.period : 0;
    [this.candidate, this.confirmations] = confirmCandidate(period, this.candidate, this.confirmations);
    if (this.confirmations >= CONFIRMATIONS) this.lock(values, period);
  }

  /**
   * The locked period's best whole multiple up to maxPeriod (among those the values hold MIN_CYCLES of), if it
   * explains at least half of what the period leaves (multipleFits); two checks in a row must agree, then the profile
   * moves to it, its time scales staying the period's. `x` is `values` centred, `r` the autocorrelation at the period.
   */
  private checkMultiples(x: Float64Array, values: Float64Array, r: number): void {
    let best = 0;
    let bestR = -1;
    for (let k = 2; k * this.period <= this.options.maxPeriod && MIN_CYCLES * k * this.period <= x.length; k++) {
      const rk = autocorrelation(x, k * this.period);
      if (rk > bestR) {
        bestR = rk;
        best = k * this.period;
      }
    }
    [this.candidate, this.confirmations] = confirmCandidate(best > 0 && multipleFits(r, bestR) ? best : 0, this.candidate, this.confirmations);
    if (this.confirmations < CONFIRMATIONS) return;
    this.lock(values, this.candidate, this.period);
  }

  /**
   * Starts the profile at `period` from the median of each phase over the cycles in `values` (oldest first); `base`:
   * the cycle it is a multiple of (0: the period is the cycle).
   */
  private lock(values: Float64Array, period: number, base = 0): void {
    const profile = medianProfile(values, this.seen - values.length, period);
    this.startJudging(values, profile, base, (t) => profile[t % period]);
    this.coarse = this.startCoarse(values);
    this.long?.reset();
  }

  /**
   * Starts judging against a newly locked `profile` (its period its length): the scales of the first cycle after
   * lock and the floor come from the values held (`values`, the last one at step seen − 1) against `expected`.
   */
  private startJudging(values: Float64Array, profile: Float64Array, base: number, expected: (t: number) => number): void {
    ({ lockSpread: this.lockSpread, floor: this.floor } = lockScales(values, this.seen - values.length, expected));
    this.period = profile.length;
    this.profile = profile;
    this.base = base;
    this.candidate = 0;
    this.confirmations = 0;
    this.misses = 0;
    this.smoothed.fill(0);
    this.residualSq.fill(0);
    for (const q of this.smoothedSq) q.fill(0);
    this.sinceLock = 0;
    this.armed = true;
    this.lastResidual = null;
    this.changeSq[0] = 0;
    this.changeSq[1] = 0;
  }

  /**
   * Step `x`'s value into the long-cycle finder; while no cycle is locked, a long cycle it confirms (with its
   * multiple) is locked.
   */
  private learnLong(x: number): void {
    if (this.long === null) return;
    const found = this.long.add(this.seen, x, this.period === 0);
    if (found !== null) this.lockLong(found.cycleBins, found.span);
  }

  /**
   * Locks a cycle of `cycleBins` long-cycle bins (a day at 1-minute steps: 1,440 steps) with its multiple of `span`
   * bins in use: the profile at each phase is interpolated between the mean bins of the cycle held, the multiple's
   * offsets start from the bins (CoarseMultiple.withMultiple), and the residual scales of the first cycle after lock
   * are those of the values held step by step against the two.
   */
  private lockLong(cycleBins: number, span: number): void {
    const long = this.long as LongCycle;
    const bins = long.held();
    const profile = longProfile(bins, long.openBin(), cycleBins);
    const coarse = CoarseMultiple.withMultiple(profile.length, cycleBins, bins, long.openPart(), span);
    this.startJudging(this.recent(), profile, 0, (t) => profile[t % profile.length] + coarse.offset(t));
    this.coarse = coarse;
  }

  /** A long cycle's checks, on its bins: it goes when it fades, or when its multiple does (it is only kept with one). */
  private checkLong(): void {
    const coarse = this.coarse as CoarseMultiple;
    this.misses = coarse.cycleStrength() >= KEEP_STRENGTH ? 0 : this.misses + 1;
    if (this.misses < CONFIRMATIONS) coarse.check();
    if (this.misses >= CONFIRMATIONS || coarse.currentSpan() === 0) this.unlock();
  }

  private unlock(): void {
    this.base = 0;
    this.coarse = null;
    this.period = 0;
    this.profile = new Float64Array(0);
    this.misses = 0;
    this.smoothed.fill(0);
  }

  /**
   * A {@link CoarseMultiple} of the locked cycle when its seventh multiple does not fit maxPeriod (a week of a day at
   * steps under 20 minutes), filled with the values held (`values`, the last one at step seen − 1); null when multiples are off, the
   * profile spans a multiple already, or one would fit.
   */
  private startCoarse(values: Float64Array): CoarseMultiple | null {
    if (!this.options.multiples || this.base > 0 || MAX_MULTIPLE * this.period <= this.options.maxPeriod || this.period < BINS_PER_CYCLE) return null;
    const first = this.seen - values.length;
    const coarse = new CoarseMultiple(this.period, first);
    for (let i = 0; i < values.length; i++) coarse.add(first + i, values[i], null);
    return coarse;
  }

  /** The values held, oldest first. */
  private recent(): Float64Array {
    return ringTail(this.ring, this.seen);
  }
}

function rms(q: readonly [number, number]): number {
  return q[0] > 0 ? Math.sqrt(q[1] / q[0]) : 0;
}

function accumulate(q: [number, number], decay: number, x: number): void {
  q[0] = q[0] * decay + 1;
  q[1] = q[1] * decay + x * x;
}

function clip(x: number, bound: number): number {
  return Math.max(-bound, Math.min(bound, x));
}
