/**
 * The rules the seasonal view's cycles and their multiples share (SeasonalProfile, CoarseMultiple): how much data a
 * cycle is judged on, how many checks confirm or drop it, how fast a profile learns, and when a whole multiple of a
 * cycle is worth modelling.
 */

/** A cycle (or a multiple of one) is judged on at least this many of its repetitions. */
export const MIN_CYCLES = 3;
/** Checks in a row that must find the same period before it is used, and miss it before it is dropped. */
export const CONFIRMATIONS = 2;
/** Autocorrelation at a period in use below which a check counts as a miss (hysteresis below the 0.8 to lock). */
export const KEEP_STRENGTH = 0.5;
/** Weight of a new cycle in a per-phase profile, or of a new multiple in its offsets (memory about 5 of them). */
export const PROFILE_RATE = 0.2;
/**
 * A whole multiple of a cycle is worth modelling when its autocorrelation r' is strong (at least MULTIPLE_STRENGTH)
 * and leaves at most MULTIPLE_GAIN of what the cycle's r leaves: 1 − r' <= MULTIPLE_GAIN · (1 − r). A daily cycle
 * with quieter weekends has its week far more alike than its days; a plain daily cycle has r' about r, noise a
 * little lower, and stays as it is.
 */
export const MULTIPLE_GAIN = 0.5;
export const MULTIPLE_STRENGTH = 0.8;

/** Whether a multiple with autocorrelation `multipleR` is worth modelling over its cycle's `cycleR`. */
export function multipleFits(cycleR: number, multipleR: number): boolean {
  return multipleR >= MULTIPLE_STRENGTH && 1 - multipleR <= MULTIPLE_GAIN * (1 - cycleR);
}

/** The next [candidate, confirmations] of a check that found `found` (0: nothing) after `candidate` had `confirmations`. */
export function confirmCandidate(found: number, candidate: number, confirmations: number): [number, number] {
  return [found, found > 0 && found === candidate ? confirmations + 1 : found > 0 ? 1 : 0];
}
