import type { FeatureRow } from "../types";
import type { FeatureSet } from "./featureSet";
import { normaliseInto, type Normalisation } from "./normalisation";

/** A model input: the shingle ending at `row`. */
export interface FeatureVector {
  /** The newest row of the shingle: the step and container this vector is scored for. */
  readonly row: FeatureRow;
  /** Normalised values of `shingleSize` consecutive rows, oldest first, metrics in feature-set order. */
  readonly vector: number[];
}

/**
 * Turns aligned rows into model vectors: normalise each row, then concatenate the last `shingleSize`
 * consecutive rows of the same container. A shingle is only formed from consecutive, non-gap steps, so a
 * vector never spans a hole. This one function is used by training and by detection.
 *
 * @param rows rows sorted by service, container, timestamp (as `alignSamples` returns them)
 * @param emitFrom only vectors whose newest row has timestamp >= emitFrom are returned (older rows still
 *   serve as shingle context)
 */
export function toVectors(rows: readonly FeatureRow[], fs: FeatureSet, norm: Normalisation, emitFrom = -Infinity): FeatureVector[] {
  const k = fs.shingleSize;
  const d = fs.metrics.length;
  const stepMs = fs.stepSeconds * 1000;
  const out: FeatureVector[] = [];
  let runStart = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const prev = i > 0 ? rows[i - 1] : undefined;
    const continues = prev !== undefined && !prev.gap && prev.service === r.service && prev.container === r.container && r.timestamp - prev.timestamp === stepMs;
    if (!continues) runStart = i;
    if (r.gap) {
      runStart = i + 1;
      continue;
    }
    if (i - runStart + 1 < k || r.timestamp < emitFrom) continue;
    const vector = new Array<number>(k * d);
    for (let j = 0; j < k; j++) normaliseInto(rows[i - k + 1 + j].values, norm, vector, j * d);
    out.push({ row: r, vector });
  }
  return out;
}
