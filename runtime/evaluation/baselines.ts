import { Random } from "../model/random";

/**
 * Baseline detectors for `cad labelled --baselines`: what a user gets without this project.
 * Both learn on the training rows only and alert at "mean + 3σ" of what they saw there.
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
 * Isolation forest (Liu, Ting & Zhou 2008): trees of uniformly random axis cuts over subsamples; score
 * 2^(−E[h(x)]/c(ψ)) in (0, 1), higher = easier to isolate. Threshold: mean + 3σ of the training scores.
 */
export class IsolationForestBaseline {
  private readonly trees: INode[] = [];
  private readonly psi: number;
  readonly threshold: number;

  constructor(train: readonly (readonly number[])[], numTrees = 100, subsample = 256, seed = 42) {
    if (train.length === 0) throw new Error("isolation forest needs at least one training row");
    const rng = new Random(seed);
    this.psi = Math.min(subsample, train.length);
    const limit = Math.ceil(Math.log2(this.psi));
    for (let t = 0; t < numTrees; t++) {
      const sample: (readonly number[])[] = [];
      for (let i = 0; i < this.psi; i++) sample.push(train[rng.int(train.length)]);
      this.trees.push(build(sample, 0, limit, rng));
    }
    const scores = train.map((r) => this.score(r));
    const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((s, x) => s + (x - mean) ** 2, 0) / scores.length);
    this.threshold = mean + 3 * sd;
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
