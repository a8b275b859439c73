/**
 * The young model's guard: before a detector has seen enough steps to grade scores (`outputAfter`, about an hour
 * of one-minute steps), its forest and thresholder cannot judge anything, yet a new deployment must still catch a
 * gross fault — a CPU hog, a memory fill, a latency spike. This rule judges a step from each metric's running
 * mean and standard deviation alone: a metric is grossly off when it lies further from its mean than both
 * `z` standard deviations and `ratio` times the mean's magnitude (by default: beyond three times the level, and
 * far outside its noise). A metric whose level and spread are both still zero is not judged (no scale yet).
 */

export interface GrossFaultLimits {
  /** Distance from the mean, as a multiple of |mean| (0 turns the guard off). */
  readonly ratio: number;
  /** Distance from the mean, in standard deviations. */
  readonly z: number;
}

/** Steps the guard waits for before judging: a mean and spread of fewer values mean little. */
export const GROSS_FAULT_MIN_STEPS = 8;

/**
 * The grade of the step `values` against per-metric running statistics: 0 when no metric is grossly off,
 * otherwise in [0.5, 1], growing with the worst metric's distance beyond its limit (1/2 at the limit, 1 at
 * three times it): a gross fault is strong by definition, so it alerts without waiting for confirmation.
 */
export function grossFaultGrade(values: ArrayLike<number>, mean: (m: number) => number, deviation: (m: number) => number, limits: GrossFaultLimits): number {
  if (!(limits.ratio > 0)) return 0;
  let worst = 0;
  for (let m = 0; m < values.length; m++) {
    const mu = mean(m);
    const limit = Math.max(limits.z * deviation(m), limits.ratio * Math.abs(mu));
    if (!(limit > 1e-12)) continue;
    worst = Math.max(worst, Math.abs(values[m] - mu) / limit);
  }
  return gradeBeyond(worst);
}

/**
 * A fall toward zero (a crashed task's CPU, lost traffic): 0 when no metric falls, otherwise a grade in [0.5, 1] as
 * {@link grossFaultGrade}'s. A metric falls when it lies below 1/(1 + `ratio`) of its level (a third by default;
 * across zero counts too) and more than `fallZ` standard deviations under it: the mirror of a rise beyond
 * (1 + ratio) times the level, which `ratio · |mean|` can never see in a positive metric. The detector raises a fall
 * only on its second step in a row, so a one-step zero (a lost scrape reported as 0) is not raised.
 */
export function grossFallGrade(values: ArrayLike<number>, mean: (m: number) => number, deviation: (m: number) => number, limits: GrossFaultLimits & { readonly fallZ: number }): number {
  if (!(limits.ratio > 0) || !(limits.fallZ > 0)) return 0;
  let worst = 0;
  for (let m = 0; m < values.length; m++) {
    const mu = mean(m);
    if (!((values[m] - mu) * mu < 0)) continue;
    const limit = Math.max(limits.fallZ * deviation(m), (limits.ratio / (1 + limits.ratio)) * Math.abs(mu));
    if (!(limit > 1e-12)) continue;
    worst = Math.max(worst, Math.abs(values[m] - mu) / limit);
  }
  return gradeBeyond(worst);
}

/** {@link grossFallGrade} of `values` when `previous` (the series' step before) fell too, else 0: a fall raised on its second step. */
export function lastingFallGrade(values: ArrayLike<number>, previous: ArrayLike<number>, mean: (m: number) => number, deviation: (m: number) => number, limits: GrossFaultLimits & { readonly fallZ: number }): number {
  const grade = grossFallGrade(values, mean, deviation, limits);
  return grade > 0 && grossFallGrade(previous, mean, deviation, limits) > 0 ? grade : 0;
}

/** The grade of the worst metric's distance in limits: 0 within it, 1/2 at it, 1 at three times it. */
function gradeBeyond(worst: number): number {
  return worst > 1 ? Math.min(1, 0.5 + (worst - 1) / 4) : 0;
}
