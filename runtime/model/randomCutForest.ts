import { CutTree, type CutTreeState } from "./cutTree";
import { Random } from "./random";

/** Hyperparameters, named as SageMaker's built-in RCF names them. */
export interface ForestOptions {
  /** Number of trees (SageMaker `num_trees`, 50–1000, default 100). */
  readonly numTrees?: number;
  /** Points sampled per tree (SageMaker `num_samples_per_tree`, 1–2048, default 256). */
  readonly sampleSize?: number;
  /** Seed of all randomness: the same seed and data give the same forest. */
  readonly seed?: number;
}

export interface ForestState {
  readonly format: "cad-rcf/1";
  readonly dim: number;
  readonly numTrees: number;
  readonly sampleSize: number;
  readonly seed: number;
  readonly trees: CutTreeState[];
}

export interface ScoreWithAttribution {
  readonly score: number;
  /** Per-dimension contribution; sums to `score`. */
  readonly attribution: number[];
}

export const DEFAULT_NUM_TREES = 100;
export const DEFAULT_SAMPLE_SIZE = 256;

/**
 * A batch Random Cut Forest mirroring SageMaker's built-in algorithm: each tree is built over a uniform
 * random sample (without replacement) of `sampleSize` training points; the score of a point is the average
 * over trees of the normalised expected-inverse-depth score. Higher = more anomalous; inliers score near 1.
 */
export class RandomCutForest {
  private readonly path: Int32Array;
  private readonly attrScratch: Float64Array;

  private constructor(
    readonly dim: number,
    readonly numTrees: number,
    readonly sampleSize: number,
    readonly seed: number,
    private readonly trees: CutTree[],
  ) {
    const depth = Math.max(1, ...trees.map((t) => t.maxDepth()));
    this.path = new Int32Array(depth + 1);
    this.attrScratch = new Float64Array(dim);
  }

  /** Trains on `points` (all of the same dimension). */
  static train(points: readonly (readonly number[])[], options: ForestOptions = {}): RandomCutForest {
    const numTrees = options.numTrees ?? DEFAULT_NUM_TREES;
    const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
    const seed = options.seed ?? 42;
    if (!Number.isInteger(numTrees) || numTrees < 1) throw new Error(`numTrees must be a positive integer, got ${numTrees}`);
    if (!Number.isInteger(sampleSize) || sampleSize < 1) throw new Error(`sampleSize must be a positive integer, got ${sampleSize}`);
    if (points.length === 0) throw new Error("cannot train a forest on zero points");
    const dim = points[0].length;
    if (dim === 0) throw new Error("cannot train a forest on zero-dimensional points");
    points.forEach((p, i) => {
      if (p.length !== dim) throw new Error(`point ${i} has ${p.length} dimensions, expected ${dim} like point 0`);
      for (let d = 0; d < dim; d++) if (!Number.isFinite(p[d])) throw new Error(`point ${i} has a non-finite value at dimension ${d}`);
    });
    const rng = new Random(seed);
    const n = Math.min(sampleSize, points.length);
    const buf = new Float64Array(n * dim);
    const order = new Int32Array(points.length);
    const trees: CutTree[] = [];
    for (let t = 0; t < numTrees; t++) {
      // Partial Fisher–Yates: a uniform sample of n distinct indices.
      for (let i = 0; i < order.length; i++) order[i] = i;
      for (let i = 0; i < n; i++) {
        const j = i + rng.int(order.length - i);
        const tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
        const p = points[order[i]];
        for (let d = 0; d < dim; d++) buf[i * dim + d] = p[d];
      }
      trees.push(CutTree.build(buf, n, dim, rng));
    }
    return new RandomCutForest(dim, numTrees, sampleSize, seed, trees);
  }

  score(point: readonly number[]): number {
    this.checkDim(point);
    let sum = 0;
    for (const tree of this.trees) sum += tree.score(point, this.path);
    return sum / this.trees.length;
  }

  /** Score plus how much each dimension contributed (the contributions sum to the score). */
  scoreWithAttribution(point: readonly number[]): ScoreWithAttribution {
    this.checkDim(point);
    const attribution = new Float64Array(this.dim);
    let sum = 0;
    for (const tree of this.trees) sum += tree.score(point, this.path, attribution, this.attrScratch);
    const k = 1 / this.trees.length;
    return { score: sum * k, attribution: Array.from(attribution, (a) => a * k) };
  }

  toState(): ForestState {
    return { format: "cad-rcf/1", dim: this.dim, numTrees: this.numTrees, sampleSize: this.sampleSize, seed: this.seed, trees: this.trees.map((t) => t.toState()) };
  }

  static fromState(state: ForestState): RandomCutForest {
    if (state === null || typeof state !== "object" || state.format !== "cad-rcf/1") {
      throw new Error(`not a forest state: expected format "cad-rcf/1", got ${JSON.stringify((state as { format?: unknown } | null)?.format)}`);
    }
    if (!Number.isInteger(state.numTrees) || state.numTrees < 1) throw new Error(`forest state: numTrees is ${JSON.stringify(state.numTrees)}, expected a positive integer`);
    if (!Number.isInteger(state.dim) || state.dim < 1) throw new Error(`forest state: dim is ${JSON.stringify(state.dim)}, expected a positive integer`);
    if (!Array.isArray(state.trees) || state.trees.length !== state.numTrees) throw new Error(`forest state lists ${state.trees?.length} trees, expected numTrees = ${state.numTrees}`);
    const trees = state.trees.map((t, i) => {
      if (t.dim !== state.dim) throw new Error(`forest state: tree ${i} has dim ${t.dim}, expected ${state.dim}`);
      return CutTree.fromState(t);
    });
    return new RandomCutForest(state.dim, state.numTrees, state.sampleSize, state.seed, trees);
  }

  private checkDim(point: readonly number[]): void {
    if (point.length !== this.dim) throw new Error(`point has ${point.length} dimensions, the forest was trained on ${this.dim}`);
  }
}
