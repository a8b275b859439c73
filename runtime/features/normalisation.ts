import { CadError } from "../errors/CadError";
import type { FeatureRow } from "../types";

/** Training data whose statistics cannot be represented (a value so large its square overflows to Infinity). */
export class NormalisationError extends CadError {
  constructor(message: string) {
    super(message, "NormalisationError");
  }
}

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
 *
 * @param names metric names for error messages (the feature set's order).
 * @throws NormalisationError when a mean or std is not a finite number (e.g. one cell of 1e308: its square
 *   overflows), naming the metric and the row that holds its most extreme value. Such a model would be written
 *   with `std: null` and flag every row.
 */
export function fitNormalisation(rows: readonly FeatureRow[], nMetrics: number, minScale: readonly number[] = [], names: readonly string[] = []): Normalisation {
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
  for (let m = 0; m < nMetrics; m++) {
    if (Number.isFinite(mean[m]) && Number.isFinite(std[m])) continue;
    throw new NormalisationError(unrepresentable(rows, m, names[m] ?? `metric ${m + 1}`, mean[m], std[m]));
  }
  return { mean, std };
}

function unrepresentable(rows: readonly FeatureRow[], m: number, name: string, mean: number, std: number): string {
  let worst: FeatureRow | undefined;
  for (const r of rows) if (!r.gap && (worst === undefined || Math.abs(r.values[m]) > Math.abs(worst.values[m]))) worst = r;
  const where = worst ? `the row of ${worst.service}/${worst.container} at ${new Date(worst.timestamp).toISOString()} holds ${worst.values[m]}` : "no row holds it";
  return (
    `cannot learn normalisation: column "${name}" has mean ${mean} and standard deviation ${std}, which are not representable numbers; ` +
    `its most extreme value is the cause: ${where}. Fix or remove that row (no real measurement is that large)`
  );
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
