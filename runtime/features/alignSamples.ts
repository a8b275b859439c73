import type { FeatureRow, MetricSample } from "../types";
import type { FeatureSet } from "./featureSet";
import { CadError } from "../errors/CadError";

/** What alignment did to its input, so callers can report it instead of hiding it. */
export interface AlignmentReport {
  readonly samples: number;
  /** Samples whose (container, metric, timestamp) had already been seen: the first one is kept. */
  readonly duplicates: number;
  /** Samples that arrived with a timestamp earlier than their predecessor (they are sorted, not dropped). */
  readonly outOfOrder: number;
  /** Samples of metrics that are not in the feature set (ignored). */
  readonly unknownMetric: number;
  readonly rows: number;
  /** Values filled across short gaps. */
  readonly filledValues: number;
  /** Rows left unscorable by a gap longer than `maxFillSteps`. */
  readonly gapRows: number;
}

export interface AlignedRows {
  /** Rows sorted by service, container, then timestamp. */
  readonly rows: FeatureRow[];
  readonly report: AlignmentReport;
}

/** One container's samples as they are gathered, before they become rows. */
interface Series {
  /** The container's name (its replica group), as its first sample that gives one says. */
  name: string | undefined;
  /** Step start -> sum and count per metric (several samples in one step are averaged). */
  readonly steps: Map<number, { sum: Float64Array; count: Uint32Array }>;
  /** Per metric, the timestamps seen (duplicates are dropped) and the latest one (out-of-order samples are counted). */
  readonly seen: (Set<number> | undefined)[];
  readonly lastTs: Float64Array;
}

/** Thrown for input that cannot be aligned at all; the message names the offending sample. */
export class InvalidSampleError extends CadError {
  constructor(message: string) {
    super(message, "InvalidSampleError");
  }
}

/**
 * Aligns raw samples to the feature set's step: one row per container per step, metrics in the configured
 * order. Several samples of one metric in one step are averaged. A metric missing for at most
 * `maxFillSteps` steps is carried forward from its last value (or back from its next one at the start of a
 * series); longer gaps leave NaN and mark the row as a gap.
 *
 * Rows span, per container, from its first to its last observed step, clipped to `range` when given.
 *
 * @throws InvalidSampleError on an empty input or a non-finite value or timestamp.
 */
export function alignSamples(samples: readonly MetricSample[], fs: FeatureSet, range?: { from: number; to: number }): AlignedRows {
  if (samples.length === 0) throw new InvalidSampleError("no samples to align: the input is empty");
  const stepMs = fs.stepSeconds * 1000;
  const metricIndex = new Map(fs.metrics.map((m, i) => [m.name, i] as const));
  const nMetrics = fs.metrics.length;

  let outOfOrder = 0;
  let duplicates = 0;
  let unknownMetric = 0;
  /** service -> container -> its steps (sum and count per metric), name, and per-metric bookkeeping. */
  const byService = new Map<string, Map<string, Series>>();

  for (const s of samples) {
    if (typeof s.value !== "number" || !Number.isFinite(s.value)) {
      throw new InvalidSampleError(
        `sample value is not a finite number: service "${s.service}", container "${s.container}", metric "${s.metric}", timestamp ${describeTs(s.timestamp)}, value ${describeValue(s.value)}`,
      );
    }
    if (typeof s.timestamp !== "number" || !Number.isFinite(s.timestamp)) {
      throw new InvalidSampleError(`sample timestamp is not a number: service "${s.service}", container "${s.container}", metric "${s.metric}", timestamp ${String(s.timestamp)}`);
    }
    const mi = metricIndex.get(s.metric);
    if (mi === undefined) {
      unknownMetric++;
      continue;
    }
    let containers = byService.get(s.service);
    if (!containers) byService.set(s.service, (containers = new Map()));
    let series = containers.get(s.container);
    if (!series) containers.set(s.container, (series = { name: s.containerName, steps: new Map(), seen: new Array<Set<number> | undefined>(nMetrics), lastTs: new Float64Array(nMetrics).fill(-Infinity) }));
    if (series.name === undefined && s.containerName !== undefined) series.name = s.containerName;
    if (s.timestamp < series.lastTs[mi]) outOfOrder++;
    else series.lastTs[mi] = s.timestamp;
    let seen = series.seen[mi];
    if (!seen) series.seen[mi] = seen = new Set<number>();
    if (seen.has(s.timestamp)) {
      duplicates++;
      continue;
    }
    seen.add(s.timestamp);
    const step = Math.floor(s.timestamp / stepMs) * stepMs;
    if (range && (step < range.from || step >= range.to)) continue;
    let b = series.steps.get(step);
    if (!b) series.steps.set(step, (b = { sum: new Float64Array(nMetrics), count: new Uint32Array(nMetrics) }));
    b.sum[mi] += s.value;
    b.count[mi]++;
  }

  const rows: FeatureRow[] = [];
  let filledValues = 0;
  let gapRows = 0;
  for (const service of [...byService.keys()].sort()) {
    const containers = byService.get(service) as Map<string, Series>;
    for (const container of [...containers.keys()].sort()) {
      const series = containers.get(container) as Series;
      const byStep = series.steps;
      if (byStep.size === 0) continue;
      const steps = [...byStep.keys()];
      const first = Math.min(...steps);
      const last = Math.max(...steps);
      const n = Math.round((last - first) / stepMs) + 1;
      // Column-major raw grid with NaN for missing.
      const grid: Float64Array[] = fs.metrics.map(() => new Float64Array(n).fill(NaN));
      for (const [step, b] of byStep) {
        const i = Math.round((step - first) / stepMs);
        for (let m = 0; m < nMetrics; m++) if (b.count[m] > 0) grid[m][i] = b.sum[m] / b.count[m];
      }
      const filledAt = new Uint16Array(n);
      for (let m = 0; m < nMetrics; m++) filledValues += fillShortGaps(grid[m], fs.maxFillSteps, filledAt);
      for (let i = 0; i < n; i++) {
        const values = grid.map((col) => col[i]);
        const gap = values.some((v) => Number.isNaN(v));
        if (gap) gapRows++;
        const containerName = series.name;
        rows.push({ service, container, ...(containerName !== undefined ? { containerName } : {}), timestamp: first + i * stepMs, values, filled: filledAt[i], gap });
      }
    }
  }
  rows.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.container < b.container ? -1 : a.container > b.container ? 1 : a.timestamp - b.timestamp));

  return {
    rows,
    report: { samples: samples.length, duplicates, outOfOrder, unknownMetric, rows: rows.length, filledValues, gapRows },
  };
}

/**
 * Fills runs of NaN no longer than `maxFill` in place: forward from the previous value, or backward from
 * the next one for a run at the very start. Counts fills per index in `filledAt`. Returns the number filled.
 */
export function fillShortGaps(col: Float64Array, maxFill: number, filledAt: Uint16Array): number {
  let filled = 0;
  let i = 0;
  while (i < col.length) {
    if (!Number.isNaN(col[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < col.length && Number.isNaN(col[j])) j++;
    const runLength = j - i;
    const before = i > 0 ? col[i - 1] : NaN;
    const after = j < col.length ? col[j] : NaN;
    const source = !Number.isNaN(before) ? before : after;
    if (runLength <= maxFill && !Number.isNaN(source)) {
      for (let k = i; k < j; k++) {
        col[k] = source;
        filledAt[k]++;
        filled++;
      }
    }
    i = j;
  }
  return filled;
}

/** How a bad value is shown: numbers as themselves (JSON would print NaN and Infinity as null), strings quoted. */
function describeValue(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function describeTs(ts: number): string {
  return Number.isFinite(ts) ? new Date(ts).toISOString() : String(ts);
}
