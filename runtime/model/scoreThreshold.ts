import * as v from "valibot";

/** Distribution of the training scores and the threshold derived from it. */
export interface ScoreStats {
  readonly count: number;
  readonly mean: number;
  readonly std: number;
  /** Number of standard deviations above the mean (SageMaker's documented rule uses 3). */
  readonly sigmas: number;
  /** mean + sigmas × std: scores above it are anomalous. */
  readonly threshold: number;
  /** Score quantiles of the training set, for reports. */
  readonly quantiles: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
}

const finite = v.pipe(v.number(), v.finite("expected a finite number"));

/** {@link ScoreStats} wherever it crosses a boundary (model bundles, threshold.json). */
export const SCORE_STATS_SCHEMA = v.object({
  count: v.pipe(v.number(), v.integer(), v.minValue(1)),
  mean: finite,
  std: v.pipe(finite, v.minValue(0)),
  sigmas: finite,
  threshold: finite,
  quantiles: v.object({ p50: finite, p90: finite, p99: finite, max: finite }),
});

/**
 * SageMaker's documented rule, mean + `sigmas` standard deviations of the training scores: kept as a model's
 * score distribution (printed by `cad train`, the calibration that starts a detector's thresholder when an
 * endpoint scores), never as the alerting rule.
 */
export function fitThreshold(scores: readonly number[], sigmas = 3): ScoreStats {
  if (scores.length === 0) throw new Error("cannot derive a threshold from zero training scores");
  let sum = 0;
  for (const s of scores) {
    if (!Number.isFinite(s)) throw new Error(`training score is not finite: ${s}`);
    sum += s;
  }
  const mean = sum / scores.length;
  let ss = 0;
  for (const s of scores) ss += (s - mean) ** 2;
  const std = Math.sqrt(ss / scores.length);
  const sorted = [...scores].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { count: scores.length, mean, std, sigmas, threshold: mean + sigmas * std, quantiles: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted[sorted.length - 1] } };
}
