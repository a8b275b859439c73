import { fillShortGaps } from "../features/alignSamples";

/** Rows with their short gaps filled, and what was done, for a caller to report. */
export interface FilledRows {
  /** The rows, each a copy; a value still NaN marks a row the detectors skip (a gap). */
  readonly rows: number[][];
  /** Values filled from a neighbour. */
  readonly filled: number;
  /** Rows left with a missing value: a gap longer than `maxFill` steps, or a metric never seen. */
  readonly gapRows: number;
}

/**
 * Fills missing values (NaN) in a table of consecutive steps as the detect Lambda's alignment does
 * ({@link fillShortGaps}): per column, a run of at most `maxFill` missing steps takes the value before it (the one
 * after it at the very start); longer runs stay missing, and their rows are gaps.
 */
export function fillRowGaps(rows: readonly (readonly number[])[], maxFill: number): FilledRows {
  const width = rows.length > 0 ? rows[0].length : 0;
  const out = rows.map((r) => [...r]);
  if (!out.some((r) => r.some((x) => Number.isNaN(x)))) return { rows: out, filled: 0, gapRows: 0 };
  let filled = 0;
  const filledAt = new Uint16Array(rows.length);
  for (let m = 0; m < width; m++) {
    const col = Float64Array.from(out, (r) => r[m]);
    filled += fillShortGaps(col, maxFill, filledAt);
    for (let i = 0; i < out.length; i++) out[i][m] = col[i];
  }
  return { rows: out, filled, gapRows: out.filter(isGapRow).length };
}

/** Whether a row has a missing value (NaN): a step the detectors skip. */
export function isGapRow(row: readonly number[]): boolean {
  return row.some((x) => Number.isNaN(x));
}
