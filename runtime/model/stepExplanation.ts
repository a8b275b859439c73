import { NAMED_CAUSES, type Detection } from "./detection";
import { deviationsOf } from "./deviation";
import type { SeasonalScorer } from "./seasonalScorer";
import type { StreamingForest } from "./streamingForest";
import type { ThresholdedForestOptions } from "./thresholdedForestOptions";
import type { StepInput } from "./thresholdedForestState";

/*
 * What a detection says about its step beyond its grade: the values the model expected, each metric's share of the
 * score (attribution) and the metrics an alert names. On an anomalous step they come from the forest (when an
 * external model scores, from the typical values and the deviations); on an alert of the seasonal or drift view, from
 * that view's expectation. The ThresholdedForest (thresholdedForest.ts) calls these with its model's parts.
 */

/** A step's shingle as the forest scores it, and where the forest's imputation of the step goes. */
export interface StepShingle {
  /** The shingle: the earlier steps' transformed values, then the current step's. */
  readonly point: Float64Array;
  /** The current step's coordinates as the forest imputes them: the detector learns these in place of an anomalous step. */
  readonly imputed: Float64Array;
}

/**
 * Expected values of the current step's `n` metrics (raw scale), imputed by the forest from the rest of the shingle:
 * the step's coordinates `currentDims` of `shingle.point` go to `shingle.imputed`, and `inverse` brings metric m's back
 * to the raw scale. Without a forest (`forest` null) `imputed` is zeroed and `typical` gives the expectation.
 */
export function expectedValues(n: number, forest: StreamingForest | null, shingle: StepShingle, currentDims: readonly number[], typical: (m: number) => number, inverse: (m: number, y: number) => number): number[] {
  if (forest === null) {
    // A static external model cannot impute: the typical value (level, or the cycle's profile) is the expectation.
    shingle.imputed.fill(0);
    return Array.from({ length: n }, (_, m) => typical(m));
  }
  forest.impute(shingle.point, currentDims, shingle.imputed);
  return Array.from({ length: n }, (_, m) => inverse(m, shingle.imputed[m]));
}

/**
 * Per metric share of the forest's score of `point`, its `n` metrics taking `width` coordinates per step: the forest's
 * attribution (written to `buffer`, one value per coordinate of the point) summed over the shingle, and over a metric's
 * value and change coordinates with forestChanges.
 */
export function forestAttribution(forest: StreamingForest, point: Float64Array, buffer: Float64Array, width: number, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  forest.scoreWithAttribution(point, buffer);
  for (let d = 0; d < buffer.length; d++) out[(d % width) % n] += buffer[d];
  return out;
}

/**
 * Per metric share of `score` without a forest (an external model's score): in proportion to how far each metric's
 * value lies from its expected one, in its spreads; equal shares when every value is as expected.
 */
export function deviationAttribution(values: ArrayLike<number>, expected: readonly number[], spread: readonly number[], score: number): number[] {
  const n = expected.length;
  const w = Array.from({ length: n }, (_, m) => Math.abs(values[m] - expected[m]) / Math.max(spread[m], 1e-12));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => (total > 0 ? (score * x) / total : score / n));
}

/** The metrics an alert with this attribution names: its {@link NAMED_CAUSES} largest shares, largest first (the lower index on a tie). */
export function namedCauses(attribution: readonly number[]): number[] {
  return attribution
    .map((share, m) => [share, m] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, NAMED_CAUSES)
    .map(([, m]) => m);
}

/**
 * Raises a view's grade (seasonal or drift) as an alert on the series whose own values lie furthest off the
 * view's expectation, among those scored, not already alerting with a higher grade and not within
 * `repeatWindow` of their last alert. That series' detection in `out` becomes the alert: the view's expected
 * values, and the score shared out in proportion to each metric's `z`, which also decides the causes the alert
 * names (noted in the series' alert bookkeeping).
 */
export function viewAlert(o: Pick<Required<ThresholdedForestOptions>, "inputs" | "repeatWindow">, inputs: readonly StepInput[], scores: readonly (number | undefined)[], out: Detection[], grade: number, s: Pick<SeasonalScorer, "expected" | "z">, seasonal: boolean): void {
  const n = o.inputs;
  let best = -1;
  let bestOff = -1;
  for (let i = 0; i < inputs.length; i++) {
    const { series, values } = inputs[i];
    const prior = out[i];
    if (scores[i] === undefined || !(grade > (prior.alert ? prior.grade : 0)) || prior.index - series.lastAlertIndex <= o.repeatWindow) continue;
    let off = 0;
    for (let m = 0; m < n; m++) off += s.z(m) * Math.abs(values[m] - s.expected(m));
    if (off > bestOff) {
      best = i;
      bestOff = off;
    }
  }
  if (best < 0) return;
  const { series, values } = inputs[best];
  const prior = out[best];
  const expected = Array.from({ length: n }, (_, m) => s.expected(m));
  const weights = expected.map((_, m) => s.z(m));
  const total = weights.reduce((a, b) => a + b, 0);
  const score = scores[best] as number;
  series.noteAlert(prior.index, score, namedCauses(weights), o.repeatWindow);
  out[best] = {
    ...prior,
    grade,
    alert: true,
    seasonal,
    likelihood: Math.max(prior.likelihood, 0.5 + grade / 2),
    expected,
    attribution: weights.map((w) => (score * w) / total),
    deviations: deviationsOf(values, expected, prior.spread),
  };
}
