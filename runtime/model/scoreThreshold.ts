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

/** SageMaker's rule: a score more than `sigmas` standard deviations above the mean training score is anomalous. */
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

/**
 * Severity of a score in [0, 1]: 0 at or below the threshold, rising linearly to 1 at
 * threshold + 3 standard deviations (or more).
 */
export function gradeOf(score: number, stats: ScoreStats): number {
  if (score <= stats.threshold) return 0;
  const span = 3 * (stats.std > 0 ? stats.std : Math.max(stats.threshold * 0.1, 1e-9));
  return Math.min(1, (score - stats.threshold) / span);
}
