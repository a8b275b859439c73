import { RandomCutForest } from "../model/randomCutForest";
import { isGapRow } from "./fillRowGaps";

/** Raw scores of a static model over a series, and the distribution of its training scores. */
export interface StaticModelScores {
  /** Per row: the static forest's score of the shingle ending there; undefined before the first full shingle. */
  readonly scores: (number | undefined)[];
  /** Mean and standard deviation of the training scores: the static model's calibration. */
  readonly calibration: { readonly mean: number; readonly sd: number };
}

/**
 * What SageMaker's built-in RCF would score, emulated locally for the evaluation commands' `--mode batch`: a
 * batch {@link RandomCutForest} (100 trees × 256 samples) trained once on the first `trainRows` rows, z-normalised
 * with their statistics (clipped at ±12) and shingled client-side, then scoring every row. The scores go to the
 * detector's external scorer, exactly as an endpoint's scores do in the Lambda. A row with a missing value (NaN)
 * is a gap, as the Lambda's vectors skip one: left out of the statistics, and no shingle spans it.
 */
export function staticModelScores(rows: readonly (readonly number[])[], trainRows: number, shingle: number, seed: number): StaticModelScores {
  if (rows.length === 0) return { scores: [], calibration: { mean: 0, sd: 0 } };
  const inputs = rows[0].length;
  const nTrain = Math.min(rows.length, Math.max(shingle + 1, trainRows));
  const complete = rows.slice(0, nTrain).filter((r) => !isGapRow(r));
  if (complete.length === 0) return { scores: rows.map(() => undefined), calibration: { mean: 0, sd: 0 } };
  const mean = new Array<number>(inputs).fill(0);
  const sd = new Array<number>(inputs).fill(0);
  for (const r of complete) for (let m = 0; m < inputs; m++) mean[m] += r[m] / complete.length;
  for (const r of complete) for (let m = 0; m < inputs; m++) sd[m] += (r[m] - mean[m]) ** 2 / complete.length;
  for (let m = 0; m < inputs; m++) sd[m] = Math.max(Math.sqrt(sd[m]), 0.01 * Math.abs(mean[m]), 1e-6);
  const z = rows.map((r) => r.map((v, m) => Math.max(-12, Math.min(12, (v - mean[m]) / sd[m]))));
  const vector = (i: number): number[] | undefined => {
    if (i + 1 < shingle) return undefined;
    const p: number[] = [];
    for (let k = shingle - 1; k >= 0; k--) {
      if (isGapRow(rows[i - k])) return undefined;
      p.push(...z[i - k]);
    }
    return p;
  };
  const train: number[][] = [];
  for (let i = 0; i < nTrain; i++) {
    const p = vector(i);
    if (p) train.push(p);
  }
  if (train.length === 0) return { scores: rows.map(() => undefined), calibration: { mean: 0, sd: 0 } };
  const forest = RandomCutForest.train(train, { numTrees: 100, sampleSize: 256, seed });
  const trainScores = train.map((p) => forest.score(p));
  const mu = trainScores.reduce((s, x) => s + x, 0) / trainScores.length;
  const sigma = Math.sqrt(trainScores.reduce((s, x) => s + (x - mu) ** 2, 0) / trainScores.length);
  return {
    scores: rows.map((_, i) => {
      const p = vector(i);
      return p ? forest.score(p) : undefined;
    }),
    calibration: { mean: mu, sd: sigma },
  };
}
