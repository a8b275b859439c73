import { type CoarseMultipleState, MAX_MULTIPLE } from "./coarseMultiple";
import { LONG_BIN_STEPS, type LongCycleState, MAX_CYCLE_BINS } from "./longCycle";
import type { SeasonalProfileOptions } from "./seasonalProfile";

export interface SeasonalProfileState {
  /** The last values seen (at most 3 · maxPeriod), oldest first, in float32 as they are held. */
  readonly recent: Float32Array;
  readonly seen: number;
  /**
   * Period found by the last check that has not yet been confirmed (0 = none) and how many checks agreed; while a
   * period is locked, the multiple of it found (options.multiples).
   */
  readonly candidate: number;
  readonly confirmations: number;
  /** Checks in a row that no longer saw the locked period. */
  readonly misses: number;
  /** Locked period in steps (0 = no seasonal view; beyond maxPeriod: a long cycle found in bins, with its multiple). */
  readonly period: number;
  /** Expected value per phase (step number mod period); empty without a period. */
  readonly profile: Float64Array;
  /** Residual below which a metric is seen as exactly on its profile (from the series' spread at lock). */
  readonly floor: number;
  /** The residual averaged over each of the time scales (see SMOOTHING). */
  readonly smoothed: number[];
  /** Discounted [weight, sum of squares] of the residuals, and of the smoothed residuals per time scale. */
  readonly residualSq: [number, number];
  readonly smoothedSq: [number, number][];
  readonly sinceLock: number;
  readonly armed: boolean;
  /**
   * The last judged value's residual (null when none: no period, a gap since, or a state saved before it existed)
   * and the discounted [weight, sum of squares] of the residual's step-to-step changes (absent: none yet).
   */
  readonly lastResidual?: number | null;
  readonly changeSq?: [number, number];
  /**
   * The root mean square of the residual and of its step-to-step change over the cycles the profile was locked
   * from (absent in a state saved before it existed: no value is on the profile in the first cycle after lock).
   */
  readonly lockSpread?: [number, number];
  /**
   * When the profile spans a whole multiple of the cycle first found (options.multiples): that cycle, whose length
   * still sets the time scales residuals are judged on; 0 or absent: the profile's period is the cycle.
   */
  readonly base?: number;
  /**
   * When the cycle's multiples do not fit maxPeriod (options.multiples): the bins they are looked for in and, once
   * one is found, its offsets (see CoarseMultiple). Absent: none (a state saved before they existed starts one).
   */
  readonly coarse?: CoarseMultipleState;
  /** The finder of cycles longer than maxPeriod (options.multiples; absent: a state saved before it existed). */
  readonly long?: LongCycleState;
}

/** A saved state's optional parts, defaulted as a state saved before each existed loads. */
export interface CheckedSeasonalState {
  readonly changeSq: [number, number];
  readonly lastResidual: number | null;
  readonly lockSpread: [number, number];
  readonly base: number;
  readonly coarse: CoarseMultipleState | null;
  readonly long: LongCycleState | null;
}

/**
 * Checks a saved {@link SeasonalProfileState} against the profile's options, its ring's `capacity` and its number of
 * time `scales`; throws naming the field and what was expected. Returns the optional parts with their defaults.
 */
export function checkSeasonalState(s: SeasonalProfileState, options: SeasonalProfileOptions, capacity: number, scales: number): CheckedSeasonalState {
  const counts = [s?.seen, s?.candidate, s?.confirmations, s?.misses, s?.period, s?.sinceLock];
  if (!counts.every((c) => Number.isInteger(c) && c >= 0)) throw new Error("seasonal state: seen, candidate, confirmations, misses, period and sinceLock must be integers >= 0");
  if (!(s.recent instanceof Float32Array) || s.recent.length !== Math.min(s.seen, capacity) || !s.recent.every(Number.isFinite)) {
    throw new Error(`seasonal state: recent must hold min(seen, ${capacity}) finite values`);
  }
  // A long cycle (beyond maxPeriod) is a whole number of the long-cycle finder's bins, and is kept only with its multiple.
  const long = s.period > options.maxPeriod;
  const longOk = !long || (options.multiples === true && s.period % LONG_BIN_STEPS === 0 && s.period / LONG_BIN_STEPS <= MAX_CYCLE_BINS && (s.coarse?.span ?? 0) > 0);
  if (!longOk || !(s.profile instanceof Float64Array) || s.profile.length !== s.period || !s.profile.every(Number.isFinite)) {
    throw new Error(
      `seasonal state: profile must hold one finite value per phase of the period (${s.period}, at most ${options.maxPeriod}, or with options.multiples a multiple of ${LONG_BIN_STEPS} up to ${LONG_BIN_STEPS * MAX_CYCLE_BINS} with coarse offsets in use)`,
    );
  }
  const pairs = [s.residualSq, ...(Array.isArray(s.smoothedSq) ? s.smoothedSq : [])];
  const scalesOk = Array.isArray(s.smoothed) && s.smoothed.length === scales && s.smoothed.every(Number.isFinite) && s.smoothedSq?.length === scales;
  if (!scalesOk || !pairs.every((q) => Array.isArray(q) && q.length === 2 && q.every(Number.isFinite)) || !Number.isFinite(s.floor) || typeof s.armed !== "boolean") {
    throw new Error(`seasonal state: floor, residualSq, armed and, per time scale (${scales}), smoothed and smoothedSq must be finite numbers (pairs) and a boolean`);
  }
  const changeSq = s.changeSq ?? [0, 0];
  const lastResidual = s.lastResidual ?? null;
  if (!(Array.isArray(changeSq) && changeSq.length === 2 && changeSq.every(Number.isFinite)) || !(lastResidual === null || Number.isFinite(lastResidual))) {
    throw new Error("seasonal state: lastResidual must be a finite number or null, changeSq a pair of finite numbers");
  }
  const lockSpread = s.lockSpread ?? [-1, -1];
  if (!(Array.isArray(lockSpread) && lockSpread.length === 2 && lockSpread.every((x) => x === -1 || (Number.isFinite(x) && x >= 0)))) {
    throw new Error(`seasonal state: lockSpread must be two finite numbers >= 0 (or -1, unknown), got ${JSON.stringify(lockSpread)}`);
  }
  const base = s.base ?? 0;
  if (!(base === 0 || (Number.isInteger(base) && base >= options.minPeriod && s.period > base && s.period % base === 0))) {
    throw new Error(`seasonal state: base must be 0 or a cycle of at least ${options.minPeriod} steps that divides the period (${s.period}), got ${String(base)}`);
  }
  const coarse = s.coarse ?? null;
  if (coarse !== null && !(options.multiples && s.period > 0 && base === 0 && MAX_MULTIPLE * s.period > options.maxPeriod)) {
    throw new Error(`seasonal state: coarse is only kept with options.multiples on, for a locked cycle longer than maxPeriod / ${MAX_MULTIPLE} (${(options.maxPeriod / MAX_MULTIPLE).toFixed(1)}) that is not a multiple already (period ${s.period}, base ${base})`);
  }
  if (s.long !== undefined && !options.multiples) throw new Error("seasonal state: long is only kept with options.multiples on");
  return { changeSq: [changeSq[0], changeSq[1]], lastResidual, lockSpread: [lockSpread[0], lockSpread[1]], base, coarse, long: s.long ?? null };
}
