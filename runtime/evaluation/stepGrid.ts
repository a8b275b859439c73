/**
 * A series laid on its time grid, step by step: a data row, a missing step filled with the row before, or a
 * longer gap of `steps` missing steps. `time` is the step's time (the gap's first step's).
 */
export type GridStep =
  | { readonly kind: "row"; readonly row: number; readonly time: number }
  | { readonly kind: "fill"; readonly row: number; readonly time: number }
  | { readonly kind: "gap"; readonly steps: number; readonly time: number };

/** The series' step: the median difference between consecutive increasing timestamps (robust to gaps and jitter); 0 for fewer than two. */
export function typicalStep(timestamps: readonly number[]): number {
  const d: number[] = [];
  for (let i = 1; i < timestamps.length; i++) if (timestamps[i] > timestamps[i - 1]) d.push(timestamps[i] - timestamps[i - 1]);
  if (d.length === 0) return 0;
  d.sort((a, b) => a - b);
  return d[(d.length - 1) >> 1];
}

/**
 * Lays rows with increasing `timestamps` on a grid of their typical step, as the collector's alignment lays
 * samples on the feature set's steps: where the time to the next row is k + 1 steps (rounded; only a difference
 * of at least 1.5 steps counts, so jitter is no gap), its k missing steps come in between, filled with the row
 * before when k <= `maxFill` (the alignment's short-gap fill), else as one gap of k steps. Every row appears
 * once, in order.
 */
export function stepGrid(timestamps: readonly number[], maxFill: number): GridStep[] {
  const step = typicalStep(timestamps);
  const out: GridStep[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    if (i > 0 && step > 0) {
      const before = timestamps[i - 1];
      const diff = timestamps[i] - before;
      const missing = diff >= 1.5 * step ? Math.round(diff / step) - 1 : 0;
      if (missing > maxFill) out.push({ kind: "gap", steps: missing, time: before + step });
      else for (let k = 1; k <= missing; k++) out.push({ kind: "fill", row: i - 1, time: before + k * step });
    }
    out.push({ kind: "row", row: i, time: timestamps[i] });
  }
  return out;
}
