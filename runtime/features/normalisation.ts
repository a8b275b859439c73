import type { FeatureRow } from "../types";

/**
 * Per-metric z-score parameters, learned from training rows and stored with the model, so serving
 * transforms values exactly as training did.
 */
export interface Normalisation {
  readonly mean: readonly number[];
  /** Effective scale (never 0, see `fitNormalisation`). */
  readonly std: readonly number[];
}

/** Normalised values are clipped to ±this: a single wild metric cannot swamp every other dimension. */
export const Z_CLIP = 12;

/**
 * Learns mean and scale per metric from non-gap rows. The scale is floored so that a metric that was
 * constant in training (restarts = 0) does not turn the smallest later change into an infinite z-score:
 * floor = max(1% of |mean|, `minScale[m]`, 1e-6). `minScale` lets a metric declare its smallest meaningful
 * unit (e.g. 1 restart / step).
 */
export function fitNormalisation(rows: readonly FeatureRow[], nMetrics: number, minScale: readonly number[] = []): Normalisation {
  const sum = new Float64Array(nMetrics);
  const sumSq = new Float64Array(nMetrics);
  let n = 0;
  for (const r of rows) {
    if (r.gap) continue;
    n++;
    for (let m = 0; m < nMetrics; m++) sum[m] += r.values[m];
  }
  if (n === 0) throw new Error("cannot learn normalisation: every training row is a gap (no complete rows)");
  const mean = Array.from(sum, (s) => s / n);
  for (const r of rows) {
    if (r.gap) continue;
    for (let m = 0; m < nMetrics; m++) sumSq[m] += (r.values[m] - mean[m]) ** 2;
  }
  const std = Array.from(sumSq, (s, m) => Math.max(Math.sqrt(s / n), Math.abs(mean[m]) * 0.01, minScale[m] ?? 0, 1e-6));
  return { mean, std };
}

/** Writes the normalised values of `values` into `out` at `offset`. */
export function normaliseInto(values: readonly number[], norm: Normalisation, out: number[], offset: number): void {
  for (let m = 0; m < values.length; m++) {
    const z = (values[m] - norm.mean[m]) / norm.std[m];
    out[offset + m] = z > Z_CLIP ? Z_CLIP : z < -Z_CLIP ? -Z_CLIP : z;
  }
}

/** Inverse of normalisation for one metric (clipping aside): from z back to the metric's unit. */
export function denormalise(z: number, norm: Normalisation, m: number): number {
  return z * norm.std[m] + norm.mean[m];
}
