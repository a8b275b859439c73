import { laggedProducts } from "./laggedProducts";

/** Settings of {@link detectPeriod}. */
export interface PeriodSearch {
  /** Longest period considered, in steps. */
  readonly maxPeriod: number;
  /** A period counts only when the values hold at least this many whole cycles of it (default 3). */
  readonly minCycles?: number;
  /** Autocorrelation the period's lag must reach, in (0, 1] (default 0.8: a strong, clean cycle). */
  readonly minStrength?: number;
  /**
   * How far the autocorrelation must dip below the peak somewhere between lag 1 and the period (default 0.5):
   * a real cycle goes out of phase half-way, while a trend or random walk stays correlated at every lag.
   */
  readonly minDip?: number;
}

/** A period found in a series: its length in steps and the autocorrelation at that lag. */
export interface DetectedPeriod {
  readonly period: number;
  readonly strength: number;
}

/**
 * Pearson correlation of the series with itself `lag` steps later (0 when either side is constant).
 * `x` should be centred (mean about 0) so the sums lose no precision.
 */
export function autocorrelation(x: ArrayLike<number>, lag: number, prefix?: PrefixSums): number {
  if (lag < 1 || x.length - lag < 2) return 0;
  let cross = 0;
  for (let t = lag; t < x.length; t++) cross += x[t] * x[t - lag];
  return correlationAt(x.length, lag, prefix ?? prefixSums(x), cross);
}

/** The autocorrelation at `lag` of a series of `n` values with prefix sums `p`, given its lagged product sum `cross`. */
function correlationAt(n: number, lag: number, p: PrefixSums, cross: number): number {
  const pairs = n - lag;
  if (lag < 1 || pairs < 2) return 0;
  const meanLate = (p.sum[n] - p.sum[lag]) / pairs;
  const meanEarly = p.sum[pairs] / pairs;
  const varLate = (p.sumSq[n] - p.sumSq[lag]) / pairs - meanLate * meanLate;
  const varEarly = p.sumSq[pairs] / pairs - meanEarly * meanEarly;
  const scale = Math.sqrt(Math.max(0, varLate) * Math.max(0, varEarly));
  // Relative to the overall spread: a side that is constant up to rounding has no correlation to speak of.
  const spread = p.sumSq[n] / n;
  if (!(scale > 1e-12 * spread) || !(spread > 0)) return 0;
  return Math.max(-1, Math.min(1, (cross / pairs - meanLate * meanEarly) / scale));
}

/** Running sums of a series and of its squares: `sum[i]` = x[0] + … + x[i − 1]. */
export interface PrefixSums {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
}

export function prefixSums(x: ArrayLike<number>): PrefixSums {
  const sum = new Float64Array(x.length + 1);
  const sumSq = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) {
    sum[i + 1] = sum[i] + x[i];
    sumSq[i + 1] = sumSq[i] + x[i] * x[i];
  }
  return { sum, sumSq };
}

/** `values` minus their mean (so products of large values keep their precision). */
export function centred(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i] / values.length;
  for (let i = 0; i < values.length; i++) out[i] = values[i] - mean;
  return out;
}

/**
 * The dominant period of `values` (oldest first) from its autocorrelation, or null when the series has no
 * strong, clean cycle: the shortest lag, up to `maxPeriod` and to 1/`minCycles` of the series, where the
 * autocorrelation has a local peak of at least `minStrength` after dipping at least `minDip` below it.
 * Noise (no correlation), a trend or random walk (no dip) and weak or irregular cycles give null. The
 * result is the fundamental period, which may be short (a cycle of a few steps).
 */
export function detectPeriod(values: ArrayLike<number>, search: PeriodSearch): DetectedPeriod | null {
  const minCycles = search.minCycles ?? 3;
  const minStrength = search.minStrength ?? 0.8;
  const minDip = search.minDip ?? 0.5;
  const maxLag = Math.min(search.maxPeriod, Math.floor(values.length / minCycles));
  if (maxLag < 2) return null;
  const x = centred(values);
  const p = prefixSums(x);
  const products = laggedProducts(x, maxLag);
  const r = (lag: number) => correlationAt(x.length, lag, p, products[lag]);
  let lowest = r(1);
  let before = lowest;
  let here = r(2);
  // A peak at lag k needs r(k + 1), so lags up to maxLag − 1 can be confirmed as peaks.
  for (let k = 2; k < maxLag; k++) {
    const after = r(k + 1);
    if (here >= minStrength && here >= before && here >= after && here - lowest >= minDip) {
      // Noise puts small bumps on the way up a broad peak: take its top (the highest lag while it stays strong).
      let top = k;
      for (let j = k + 1; j <= maxLag && r(j) >= minStrength; j++) if (r(j) > r(top)) top = j;
      return refine(x, p, top, maxLag);
    }
    lowest = Math.min(lowest, here);
    before = here;
    here = after;
  }
  return null;
}

/**
 * The autocorrelation's peak of a smooth cycle is flat, so noise can put it a few steps off the true period,
 * and that error adds up cycle after cycle. The multiples of the period sharpen it: of the lags within 2% (at
 * least two steps) of `peak`, the one whose multiples (as many as the series holds, each with a cycle of pairs at least)
 * are most correlated in sum.
 */
function refine(x: Float64Array, p: PrefixSums, peak: number, maxLag: number): DetectedPeriod {
  let best = peak;
  let bestSum = -Infinity;
  const reach = Math.max(2, Math.ceil(peak / 50));
  for (let lag = Math.max(2, peak - reach); lag <= Math.min(maxLag, peak + reach); lag++) {
    let sum = 0;
    for (let j = lag; j <= x.length - lag; j += lag) sum += autocorrelation(x, j, p);
    if (sum > bestSum) {
      bestSum = sum;
      best = lag;
    }
  }
  return { period: best, strength: autocorrelation(x, best, p) };
}
