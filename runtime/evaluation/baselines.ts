import { Random } from "../model/random";

/**
 * Baseline detectors for `cad labelled --baselines`: what a user gets without this project.
 * Each learns on the training rows only: per-metric 3σ (on every anomalous step, or only from the third
 * consecutive one: {@link requireConsecutive}) and an isolation forest thresholded at mean + 3σ or at a
 * quantile of its training scores.
 */

/** Per-metric 3σ: alert when any metric is more than 3 training standard deviations from its training mean. */
export class ThreeSigmaBaseline {
  private readonly mean: number[];
  private readonly sd: number[];

  constructor(train: readonly (readonly number[])[]) {
    if (train.length === 0) throw new Error("3σ baseline needs at least one training row");
    const dim = train[0].length;
    this.mean = new Array<number>(dim).fill(0);
    this.sd = new Array<number>(dim).fill(0);
    for (const r of train) for (let d = 0; d < dim; d++) this.mean[d] += r[d] / train.length;
    for (const r of train) for (let d = 0; d < dim; d++) this.sd[d] += (r[d] - this.mean[d]) ** 2 / train.length;
    // A constant training metric gets a small scale instead of 0, so only a real change alerts.
    for (let d = 0; d < dim; d++) this.sd[d] = Math.max(Math.sqrt(this.sd[d]), 1e-3 * Math.abs(this.mean[d]) + 1e-9);
  }

  /** Largest |z| over metrics. */
  score(row: readonly number[]): number {
    let z = 0;
    for (let d = 0; d < row.length; d++) z = Math.max(z, Math.abs(row[d] - this.mean[d]) / this.sd[d]);
    return z;
  }

  isAnomaly(row: readonly number[]): boolean {
    return this.score(row) > 3;
  }
}

/**
 * Alerts only on a run of at least `k` consecutive anomalous steps, from its k-th step for as long as it lasts
 * (a debounce: k = 3 turns per-step 3σ into "3σ three minutes running" at 1-minute steps).
 */
export function requireConsecutive(anomalous: readonly boolean[], k: number): boolean[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`consecutive steps must be an integer of at least 1, got ${k}`);
  const alerts: boolean[] = [];
  let run = 0;
  for (const a of anomalous) {
    run = a ? run + 1 : 0;
    alerts.push(run >= k);
  }
  return alerts;
}

interface INode {
  readonly dim: number;
  readonly cut: number;
  readonly left: INode | null;
  readonly right: INode | null;
  readonly size: number;
}

/** Average path length of an unsuccessful search in a binary search tree of n points (Liu et al. 2008). */
function c(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

/**
 * Where the isolation forest starts alerting, from its scores on the training rows: "mean+3sd" (mean + 3
 * standard deviations) or a quantile q in (0, 1) (nearest rank: the smallest training score with at least a
 * fraction q of them at or below it, so at most 1 − q of the training rows score above it).
 */
export type IsolationThreshold = "mean+3sd" | { readonly quantile: number };

export interface IsolationForestOptions {
  readonly numTrees?: number;
  /** Rows per tree (ψ), at most the training rows. */
  readonly subsample?: number;
  readonly seed?: number;
  /** The rule behind {@link IsolationForestBaseline.threshold}; default "mean+3sd". */
  readonly threshold?: IsolationThreshold;
}

/** The threshold `rule` gives on `scores` (training scores; at least one). */
export function thresholdOf(scores: readonly number[], rule: IsolationThreshold): number {
  if (scores.length === 0) throw new Error("a threshold needs at least one training score");
  if (rule === "mean+3sd") {
    const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((s, x) => s + (x - mean) ** 2, 0) / scores.length);
    return mean + 3 * sd;
  }
  const q = rule.quantile;
  if (!(q > 0 && q < 1)) throw new Error(`threshold quantile must be a fraction in (0, 1), got ${q}`);
  const sorted = [...scores].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Isolation forest (Liu, Ting & Zhou 2008): trees of uniformly random axis cuts over subsamples; score
 * 2^(−E[h(x)]/c(ψ)) in (0, 1), higher = easier to isolate. It alerts above {@link threshold}; another rule's
 * threshold over the same training scores comes from {@link thresholdFor} without scoring them again.
 */
export class IsolationForestBaseline {
  private readonly trees: INode[] = [];
  private readonly psi: number;
  /** The forest's scores on its training rows, in row order. */
  readonly trainingScores: readonly number[];
  readonly threshold: number;

  constructor(train: readonly (readonly number[])[], o: IsolationForestOptions = {}) {
    const { numTrees = 100, subsample = 256, seed = 42, threshold = "mean+3sd" } = o;
    if (train.length === 0) throw new Error("isolation forest needs at least one training row");
    const rng = new Random(seed);
    this.psi = Math.min(subsample, train.length);
    const limit = Math.ceil(Math.log2(this.psi));
    for (let t = 0; t < numTrees; t++) {
      const sample: (readonly number[])[] = [];
      for (let i = 0; i < this.psi; i++) sample.push(train[rng.int(train.length)]);
      this.trees.push(build(sample, 0, limit, rng));
    }
    this.trainingScores = train.map((r) => this.score(r));
    this.threshold = thresholdOf(this.trainingScores, threshold);
  }

  thresholdFor(rule: IsolationThreshold): number {
    return thresholdOf(this.trainingScores, rule);
  }

  score(row: readonly number[]): number {
    let h = 0;
    for (const tree of this.trees) {
      let node: INode | null = tree;
      let depth = 0;
      while (node && node.left && node.right) {
        node = row[node.dim] < node.cut ? node.left : node.right;
        depth++;
      }
      h += depth + c(node ? node.size : 1);
    }
    return 2 ** (-(h / this.trees.length) / c(this.psi));
  }

  isAnomaly(row: readonly number[]): boolean {
    return this.score(row) > this.threshold;
  }
}

function build(points: readonly (readonly number[])[], depth: number, limit: number, rng: Random): INode {
  const leaf = { dim: 0, cut: 0, left: null, right: null, size: points.length };
  if (depth >= limit || points.length <= 1) return leaf;
  const dim = points[0].length;
  // Pick a dimension that varies in this node (uniformly among them), then a cut uniform in its range.
  const varying: number[] = [];
  for (let d = 0; d < dim; d++) {
    const v0 = points[0][d];
    if (points.some((p) => p[d] !== v0)) varying.push(d);
  }
  if (varying.length === 0) return leaf;
  const d = varying[rng.int(varying.length)];
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p[d]);
    hi = Math.max(hi, p[d]);
  }
  const cut = lo + rng.next() * (hi - lo);
  const l = points.filter((p) => p[d] < cut);
  const r = points.filter((p) => p[d] >= cut);
  if (l.length === 0 || r.length === 0) return leaf;
  return { dim: d, cut, left: build(l, depth + 1, limit, rng), right: build(r, depth + 1, limit, rng), size: points.length };
}
