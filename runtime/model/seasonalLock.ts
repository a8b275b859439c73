/**
 * What the seasonal view (SeasonalProfile) computes once when it locks a cycle: the profile it starts from, and the
 * scales it judges the first cycle after the lock by.
 */
import { median } from "./median";

/** Residual scales are floored at this fraction of the series' spread (an exactly repeating series has none). */
const FLOOR_FRACTION = 0.01;

/** A profile of `period` phases: the median of each phase over the cycles in `values` (oldest first, the first at step `first`). */
export function medianProfile(values: Float64Array, first: number, period: number): Float64Array {
  const byPhase: number[][] = Array.from({ length: period }, () => []);
  for (let i = 0; i < values.length; i++) byPhase[(first + i) % period].push(values[i]);
  return Float64Array.from(byPhase, median);
}

/**
 * The root mean squares of the residual of `values` (oldest first, the first at step `first`) against `expected`
 * and of its step-to-step change (the first cycle after lock is judged by them), and the floor of the residual's
 * scales: FLOOR_FRACTION of the values' spread.
 */
export function lockScales(values: Float64Array, first: number, expected: (t: number) => number): { lockSpread: [number, number]; floor: number } {
  let residualSq = 0;
  let changeSq = 0;
  let previous = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const r = values[i] - expected(first + i);
    residualSq += r * r;
    if (i > 0) changeSq += (r - previous) * (r - previous);
    previous = r;
    sum += values[i];
    sumSq += values[i] * values[i];
  }
  const mean = sum / values.length;
  return {
    lockSpread: [Math.sqrt(residualSq / values.length), Math.sqrt(changeSq / Math.max(1, values.length - 1))],
    floor: FLOOR_FRACTION * Math.sqrt(Math.max(0, sumSq / values.length - mean * mean)) + 1e-12 * Math.abs(mean),
  };
}
