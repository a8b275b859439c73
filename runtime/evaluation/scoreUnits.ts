import { addOnsetCounts, DEFAULT_ONSET, onsetCounts, onsetMetrics, type OnsetCounts, type OnsetMetrics, type OnsetOptions } from "./onsetMetrics";
import { maximalRuns } from "./labelledMetrics";
import { sweepFile, windowRows, type CostProfile, type NabFile } from "./nabScore";

/**
 * A set's score cut into additive pieces, so that it can be recomputed on a resample of its pieces (`cad quality`'s
 * resampled comparison, docs/quality.md). Each file (NAB layout) or entity (labelled set) is cut into blocks of
 * `blockSteps` consecutive rows; a block holds what happened in it:
 *
 * - NAB layout, at a fixed threshold: the false positives' weighted costs of its rows, and each labelled window that
 *   starts in it with its best detection's value (−fn when none) — NAB's raw score is their sum over blocks, and
 *   the normalised score follows from the raw score and the windows counted.
 * - Labelled: the onsets and hits at its rows and the labelled runs that start in it, each found or not — onset
 *   precision, recall and F1 follow from their sums.
 *
 * A window or run is judged on the whole series (its detections may lie in the next block); it belongs to the
 * block where it starts. Summed over every block, the pieces give the set's own figures.
 */

/** One block of a NAB-layout file at a fixed threshold: its raw score and the windows that start in it. */
export interface NabUnit {
  /** The block's place in its file: 0 for its first `blockSteps` rows, 1 for the next… */
  readonly block: number;
  readonly raw: number;
  readonly windows: number;
}

/** One block of a labelled entity: onsets and hits at its rows, labelled runs starting in it and how many were found. */
export type OnsetUnit = { readonly block: number } & Omit<OnsetCounts, "steps">;

function checkBlockSteps(blockSteps: number): void {
  if (!Number.isInteger(blockSteps) || blockSteps < 1) throw new Error(`block steps must be an integer of at least 1 (rows), got ${blockSteps}`);
}

const blockCount = (rows: number, blockSteps: number): number => Math.max(1, Math.ceil(rows / blockSteps));

/**
 * `file`'s blocks when every row scoring at least `threshold` is a detection (NAB's sweep with `profile`;
 * probationary rows count nothing). Their raws add up to `nabScore`'s raw for the file at that threshold.
 */
export function nabUnits(file: NabFile, profile: CostProfile, threshold: number, blockSteps: number): NabUnit[] {
  checkBlockSteps(blockSteps);
  const points = sweepFile(file, profile);
  const rows = windowRows(file.timestamps, file.windows, file.name);
  const raw = new Array<number>(blockCount(points.length, blockSteps)).fill(0);
  const windows = new Array<number>(raw.length).fill(0);
  const best = rows.map(() => -profile.fn);
  let k = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    while (k < rows.length && rows[k][1] < i) k++;
    if (p.score < threshold || p.label === "probationary") continue;
    if (p.label === "fp") raw[Math.floor(i / blockSteps)] += p.value;
    else if (k < rows.length && rows[k][0] <= i) best[k] = Math.max(best[k], p.value);
  }
  rows.forEach(([start], w) => {
    const b = Math.floor(start / blockSteps);
    raw[b] += best[w];
    windows[b]++;
  });
  return raw.map((r, b) => ({ block: b, raw: r, windows: windows[b] }));
}

/**
 * An entity's blocks: `alerts[i]` is the decision on the step labelled `labels[i]`, counted as `onsetCounts` does.
 * Their sums equal `onsetCounts`' onsets, hits, runs and runs found.
 */
export function onsetUnits(alerts: readonly boolean[], labels: readonly number[], blockSteps: number, o: OnsetOptions = DEFAULT_ONSET): OnsetUnit[] {
  checkBlockSteps(blockSteps);
  const whole = onsetCounts(alerts, labels, o); // checks the options and lengths
  const n = alerts.length;
  const units = Array.from({ length: blockCount(n, blockSteps) }, (_, block) => ({ block, onsets: 0, hits: 0, runs: 0, runsFound: 0 }));
  const isOnset = new Array<boolean>(n).fill(false);
  let quiet = Infinity;
  for (let i = 0; i < n; i++) {
    isOnset[i] = alerts[i] && quiet >= o.gap;
    quiet = alerts[i] ? 0 : quiet + 1;
  }
  const inWindow = new Array<boolean>(n).fill(false);
  for (const [start, end] of maximalRuns(n, (i) => labels[i] === 1)) {
    const last = Math.min(n - 1, end + o.tolerance);
    let found = false;
    for (let i = start; i <= last; i++) {
      inWindow[i] = true;
      found ||= isOnset[i];
    }
    const u = units[Math.floor(start / blockSteps)];
    u.runs++;
    if (found) u.runsFound++;
  }
  for (let i = 0; i < n; i++) {
    if (!isOnset[i]) continue;
    const u = units[Math.floor(i / blockSteps)];
    u.onsets++;
    if (inWindow[i]) u.hits++;
  }
  let sum: OnsetCounts = { onsets: 0, hits: 0, runs: 0, runsFound: 0, steps: 0 };
  for (const { onsets, hits, runs, runsFound } of units) sum = addOnsetCounts(sum, { onsets, hits, runs, runsFound, steps: 0 });
  if (sum.onsets !== whole.onsets || sum.hits !== whole.hits || sum.runs !== whole.runs || sum.runsFound !== whole.runsFound) {
    throw new Error(`onset blocks do not add up to the series' counts (${JSON.stringify(sum)} against ${JSON.stringify(whole)})`);
  }
  return units;
}

/** NAB's normalised score (0–1 here: (raw − null) / (perfect − null)) of the blocks `picks` (indexes into `units`, repeats allowed). */
export function nabUnitsScore(units: readonly NabUnit[], picks: readonly number[], profile: CostProfile): number {
  let raw = 0;
  let windows = 0;
  for (const i of picks) {
    raw += units[i].raw;
    windows += units[i].windows;
  }
  const nul = -profile.fn * windows;
  const perfect = profile.tp * windows;
  return perfect === nul ? 0 : (raw - nul) / (perfect - nul);
}

/** The onset figures (onsetMetrics.ts) of the blocks `picks` (indexes into `units`, repeats allowed); no step counts, so no rate per 1,000 steps. */
export function onsetUnitsMetrics(units: readonly OnsetUnit[], picks: readonly number[]): OnsetMetrics {
  const sum = { onsets: 0, hits: 0, runs: 0, runsFound: 0, steps: 0 };
  for (const i of picks) {
    const u = units[i];
    sum.onsets += u.onsets;
    sum.hits += u.hits;
    sum.runs += u.runs;
    sum.runsFound += u.runsFound;
  }
  return onsetMetrics(sum);
}

/** Onset F1 of the blocks `picks` (indexes into `units`, repeats allowed): 0 without onsets or without runs, as `onsetMetrics`. */
export function onsetUnitsScore(units: readonly OnsetUnit[], picks: readonly number[]): number {
  return onsetUnitsMetrics(units, picks).f1;
}

/** Run F1 (each found run counted once, onsetMetrics.ts) of the blocks `picks`. */
export function runUnitsScore(units: readonly OnsetUnit[], picks: readonly number[]): number {
  return onsetUnitsMetrics(units, picks).runF1;
}
