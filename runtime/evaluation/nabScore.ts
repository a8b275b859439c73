/**
 * The Numenta Anomaly Benchmark's scoring (NAB v1.x sweeper and optimiser), as a pure function of the
 * detector's scores, the data's timestamps and the labelled windows.
 *
 * - The first `min(floor(0.15·n), 0.15·5000)` rows of a file are probationary: detections there count nothing.
 * - A detection at row i inside a window [l, r] (row indices) earns `tp · σs(−(r − i + 1)/(r − l + 1)) / σs(−1)`,
 *   where σs(x) = 2/(1 + e^{5x}) − 1: the window's start earns `tp`, its end almost nothing. Only the best
 *   (i.e. the first) detection of a window counts; a window without one costs `−fn`.
 * - A detection outside every window costs `fp · σs((i − r_prev)/(w_prev − 1))` (negative) relative to the last
 *   window that ended before it (r_prev, width w_prev; σs = −1 beyond 3 widths), or `−fp` before any window.
 * - One threshold (detection = score ≥ threshold) is chosen over all files together to maximise the sum, and
 *   the result is normalised to 100·(raw − null)/(perfect − null), where null = −fn per window, perfect = tp
 *   per window.
 */

export interface CostProfile {
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
}

/** The three profiles of NAB's scoreboard. */
export const NAB_PROFILES: Readonly<Record<"standard" | "reward_low_FP_rate" | "reward_low_FN_rate", CostProfile>> = {
  standard: { tp: 1, fn: 1, fp: 0.11 },
  reward_low_FP_rate: { tp: 1, fn: 1, fp: 0.22 },
  reward_low_FN_rate: { tp: 1, fn: 2, fp: 0.11 },
};

export interface NabFile {
  /** Name as in the windows file, e.g. `realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv`. */
  readonly name: string;
  /** Row times (any monotone unit, e.g. ms since epoch). */
  readonly timestamps: readonly number[];
  /** Detector's anomaly score per row, in [0, 1]. */
  readonly scores: readonly number[];
  /** Labelled windows as [start, end] times (inclusive), in time order. */
  readonly windows: readonly (readonly [number, number])[];
}

/** One row's contribution if it is a detection. */
export interface SweepPoint {
  readonly score: number;
  /** Weighted contribution of a detection here. */
  readonly value: number;
  /** "w<k>" for the k-th window (global numbering), "fp" outside windows, "probationary". */
  readonly label: string;
}

export interface FileResult {
  readonly name: string;
  readonly raw: number;
  readonly windows: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
}

export interface NabResult {
  readonly threshold: number;
  readonly raw: number;
  readonly nullScore: number;
  readonly perfectScore: number;
  /** 100·(raw − null)/(perfect − null). */
  readonly normalised: number;
  readonly files: FileResult[];
}

/** NAB's scaled sigmoid of a position relative to a window. */
export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

export function probationaryLength(rows: number, probationPercent = 0.15): number {
  return Math.min(Math.floor(probationPercent * rows), probationPercent * 5000);
}

/** Window [start, end] times → row index ranges [l, r] (l = first row ≥ start, r = last row ≤ end). */
export function windowRows(timestamps: readonly number[], windows: readonly (readonly [number, number])[], fileName: string): [number, number][] {
  return windows.map(([start, end], k) => {
    let l = 0;
    while (l < timestamps.length && timestamps[l] < start) l++;
    let r = timestamps.length - 1;
    while (r >= 0 && timestamps[r] > end) r--;
    if (l > r) throw new Error(`${fileName}: window ${k} [${start}, ${end}] contains no data row`);
    return [l, r];
  });
}

/** The contribution each row of `file` would make as a detection. `firstWindow` numbers its windows globally. */
export function sweepFile(file: NabFile, profile: CostProfile, firstWindow = 0, probationPercent = 0.15): SweepPoint[] {
  const n = file.timestamps.length;
  if (file.scores.length !== n) throw new Error(`${file.name}: ${file.scores.length} scores for ${n} data rows`);
  const rows = windowRows(file.timestamps, file.windows, file.name);
  const probation = probationaryLength(n, probationPercent);
  const maxTp = scaledSigmoid(-1);
  const out: SweepPoint[] = [];
  let k = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    while (k < rows.length && rows[k][1] < i) {
      prevRight = rows[k][1];
      prevWidth = rows[k][1] - rows[k][0] + 1;
      k++;
    }
    const inWindow = k < rows.length && rows[k][0] <= i;
    let value: number;
    let label: string;
    if (inWindow) {
      const [l, r] = rows[k];
      const width = r - l + 1;
      value = (profile.tp * scaledSigmoid(-(r - i + 1) / width)) / maxTp;
      label = `w${firstWindow + k}`;
    } else {
      const unweighted = prevRight < 0 ? -1 : scaledSigmoid(Math.abs(i - prevRight) / Math.max(1, prevWidth - 1));
      value = unweighted * profile.fp;
      label = "fp";
    }
    if (i < probation) label = "probationary";
    out.push({ score: file.scores[i], value, label });
  }
  return out;
}

/** Sum of contributions when every row scoring ≥ `threshold` is a detection; `windows` = window labels to charge as misses. */
export function scoreAt(points: readonly SweepPoint[], windows: readonly string[], threshold: number, profile: CostProfile): number {
  const best = new Map<string, number>();
  for (const w of windows) best.set(w, -profile.fn);
  let fp = 0;
  for (const p of points) {
    if (p.score < threshold || p.label === "probationary") continue;
    if (p.label === "fp") fp += p.value;
    else best.set(p.label, Math.max(best.get(p.label) ?? -profile.fn, p.value));
  }
  let sum = fp;
  for (const v of best.values()) sum += v;
  return sum;
}

/** The threshold maximising the total over `points` (a sweep over distinct scores, high to low) and its score. */
export function optimiseThreshold(points: readonly SweepPoint[], windows: readonly string[], profile: CostProfile): { threshold: number; score: number } {
  const sorted = [...points].sort((a, b) => b.score - a.score);
  const best = new Map<string, number>();
  for (const w of windows) best.set(w, -profile.fn);
  let windowSum = -profile.fn * windows.length;
  let fp = 0;
  let bestThreshold = 1.1;
  let bestScore = windowSum;
  for (let i = 0; i < sorted.length; ) {
    const threshold = sorted[i].score;
    for (; i < sorted.length && sorted[i].score === threshold; i++) {
      const p = sorted[i];
      if (p.label === "probationary") continue;
      if (p.label === "fp") fp += p.value;
      else {
        const old = best.get(p.label) ?? -profile.fn;
        if (p.value > old) {
          best.set(p.label, p.value);
          windowSum += p.value - old;
        }
      }
    }
    if (windowSum + fp > bestScore) {
      bestScore = windowSum + fp;
      bestThreshold = threshold;
    }
  }
  return { threshold: bestThreshold, score: bestScore };
}

/**
 * Scores a detector over `files` with one optimised threshold, or, given `threshold`, at that threshold: a
 * detector's own decisions (ours alert at a dense score of 0.5 and up; OpenSearch's at any grade above 0).
 */
export function nabScore(files: readonly NabFile[], profile: CostProfile, probationPercent = 0.15, threshold?: number): NabResult {
  const perFile: { file: NabFile; points: SweepPoint[]; labels: string[] }[] = [];
  let w = 0;
  for (const file of files) {
    const points = sweepFile(file, profile, w, probationPercent);
    const labels = file.windows.map((_, k) => `w${w + k}`);
    w += file.windows.length;
    perFile.push({ file, points, labels });
  }
  const allPoints = perFile.flatMap((f) => f.points);
  const allLabels = perFile.flatMap((f) => f.labels);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) throw new Error(`a fixed NAB threshold must lie in [0, 1], got ${threshold}`);
  const chosen = threshold === undefined ? optimiseThreshold(allPoints, allLabels, profile) : { threshold, score: scoreAt(allPoints, allLabels, threshold, profile) };
  const score = chosen.score;
  const nullScore = -profile.fn * allLabels.length;
  const perfectScore = profile.tp * allLabels.length;
  const results = perFile.map(({ file, points, labels }): FileResult => {
    const found = new Set<string>();
    let falsePositives = 0;
    for (const p of points) {
      if (p.score < chosen.threshold || p.label === "probationary") continue;
      if (p.label === "fp") falsePositives++;
      else found.add(p.label);
    }
    return {
      name: file.name,
      raw: scoreAt(points, labels, chosen.threshold, profile),
      windows: labels.length,
      truePositives: found.size,
      falsePositives,
      falseNegatives: labels.length - found.size,
    };
  });
  const normalised = perfectScore === nullScore ? 0 : (100 * (score - nullScore)) / (perfectScore - nullScore);
  return { threshold: chosen.threshold, raw: score, nullScore, perfectScore, normalised, files: results };
}

/** Normalised score of a subset of file results (e.g. one category) at the already chosen threshold. */
export function normaliseSubset(results: readonly FileResult[], profile: CostProfile): number {
  const windows = results.reduce((s, r) => s + r.windows, 0);
  const raw = results.reduce((s, r) => s + r.raw, 0);
  const nul = -profile.fn * windows;
  const perfect = profile.tp * windows;
  return perfect === nul ? 0 : (100 * (raw - nul)) / (perfect - nul);
}
