import { checkLengths, maximalRuns } from "./labelledMetrics";

/**
 * Onset-wise precision and recall: does the detector raise ONE alert near the start of each labelled incident,
 * and how many alerts start nowhere near one? Point- and event-wise metrics reward a detector that alerts on
 * every step (event-wise recall 1 when it never stops); here an alert counts once, when it starts.
 *
 * - An **onset** is an alerting step after at least `gap` quiet (non-alerting) steps; before the first step the
 *   series counts as quiet, so the first alerting step of a series is an onset.
 * - An onset is a **hit** when it lies inside a labelled run (a maximal run of label 1) or at most `tolerance`
 *   steps after the run's last step; any other onset is a false onset.
 * - A labelled run is **found** when an onset lies in [start, end + tolerance].
 *
 * precision = hits / onsets, recall = runs found / runs, F1 their harmonic mean (each 0 when undefined), and
 * falsePer1000 = false onsets per 1,000 steps.
 *
 * Every onset inside a labelled run is a hit, so a detector that alerts again and again during a long labelled run
 * raises its precision without finding any more runs. `runPrecision` counts each found run once: runs found /
 * (runs found + false onsets), and `runF1` is its harmonic mean with recall. A change whose onset F1 rises while
 * its run F1 does not has only alerted more often inside runs it already found (docs/quality.md, session 46).
 */

/** `gap` and `tolerance` in steps (rows). */
export interface OnsetOptions {
  /** Quiet steps (at least 1) that must precede an alerting step for it to be an onset. */
  readonly gap: number;
  /** Steps (at least 0) after a labelled run's end in which an onset still counts for that run. */
  readonly tolerance: number;
}

export const DEFAULT_ONSET: OnsetOptions = { gap: 5, tolerance: 5 };

/** Additive counts: sum them over entities with {@link addOnsetCounts}, then compute {@link onsetMetrics}. */
export interface OnsetCounts {
  readonly onsets: number;
  /** Onsets inside a labelled run or at most `tolerance` steps after its end. */
  readonly hits: number;
  /** Labelled runs. */
  readonly runs: number;
  /** Labelled runs with an onset in [start, end + tolerance]. */
  readonly runsFound: number;
  /** Steps judged (rows). */
  readonly steps: number;
}

export interface OnsetMetrics extends OnsetCounts {
  /** hits / onsets (fraction; 0 without onsets). */
  readonly precision: number;
  /** runsFound / runs (fraction; 0 without runs). */
  readonly recall: number;
  readonly f1: number;
  /** (onsets − hits) per 1,000 steps. */
  readonly falsePer1000: number;
  /** runsFound / (runsFound + onsets − hits): each found run counted once (fraction; 0 when both are 0). */
  readonly runPrecision: number;
  /** Harmonic mean of runPrecision and recall. */
  readonly runF1: number;
}

function checkOptions(o: OnsetOptions): void {
  if (!Number.isInteger(o.gap) || o.gap < 1) throw new Error(`onset gap must be an integer of at least 1 (steps), got ${o.gap}`);
  if (!Number.isInteger(o.tolerance) || o.tolerance < 0) throw new Error(`onset tolerance must be an integer of at least 0 (steps), got ${o.tolerance}`);
}

/** Counts onsets, hits, labelled runs and runs found; `alerts[i]` is the decision on the step labelled `labels[i]`. */
export function onsetCounts(alerts: readonly boolean[], labels: readonly number[], o: OnsetOptions = DEFAULT_ONSET): OnsetCounts {
  checkOptions(o);
  checkLengths(alerts, labels);
  const n = alerts.length;
  // onsetsBefore[i] = onsets among steps 0..i-1, to count the onsets in any window in O(1).
  const onsetsBefore = new Array<number>(n + 1).fill(0);
  let quiet = Infinity;
  for (let i = 0; i < n; i++) {
    const onset = alerts[i] && quiet >= o.gap;
    onsetsBefore[i + 1] = onsetsBefore[i] + (onset ? 1 : 0);
    quiet = alerts[i] ? 0 : quiet + 1;
  }
  const labelled = maximalRuns(n, (i) => labels[i] === 1);
  // Mark every step of every run's window [start, end + tolerance]; windows may overlap.
  const inWindow = new Array<boolean>(n).fill(false);
  let runsFound = 0;
  for (const [start, end] of labelled) {
    const last = Math.min(n - 1, end + o.tolerance);
    for (let i = start; i <= last; i++) inWindow[i] = true;
    if (onsetsBefore[last + 1] - onsetsBefore[start] > 0) runsFound++;
  }
  let hits = 0;
  for (let i = 0; i < n; i++) if (inWindow[i] && onsetsBefore[i + 1] > onsetsBefore[i]) hits++;
  return { onsets: onsetsBefore[n], hits, runs: labelled.length, runsFound, steps: n };
}

export function addOnsetCounts(a: OnsetCounts, b: OnsetCounts): OnsetCounts {
  return { onsets: a.onsets + b.onsets, hits: a.hits + b.hits, runs: a.runs + b.runs, runsFound: a.runsFound + b.runsFound, steps: a.steps + b.steps };
}

const harmonic = (a: number, b: number): number => (a + b > 0 ? (2 * a * b) / (a + b) : 0);

export function onsetMetrics(c: OnsetCounts): OnsetMetrics {
  const precision = c.onsets > 0 ? c.hits / c.onsets : 0;
  const recall = c.runs > 0 ? c.runsFound / c.runs : 0;
  const falseOnsets = c.onsets - c.hits;
  const falsePer1000 = c.steps > 0 ? (falseOnsets / c.steps) * 1000 : 0;
  const runPrecision = c.runsFound + falseOnsets > 0 ? c.runsFound / (c.runsFound + falseOnsets) : 0;
  return { ...c, precision, recall, f1: harmonic(precision, recall), falsePer1000, runPrecision, runF1: harmonic(runPrecision, recall) };
}
