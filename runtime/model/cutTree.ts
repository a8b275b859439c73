import type { Random } from "./random";

/** Serialised form of a tree (plain arrays, JSON-safe). */
export interface CutTreeState {
  readonly dim: number;
  readonly mass: number;
  /** Child references: >= 0 internal node index, < 0 leaf `~index`. */
  readonly left: number[];
  readonly right: number[];
  readonly cutDim: number[];
  readonly cutValue: number[];
  readonly boxMin: number[];
  readonly boxMax: number[];
  readonly nodeMass: number[];
  readonly leafPoint: number[];
  readonly leafMass: number[];
  /** Root reference (same encoding as children). */
  readonly root: number;
}

/**
 * One random cut tree over a fixed sample, stored in flat typed arrays: internal nodes hold the cut and the
 * bounding box of their subtree; leaves hold one distinct point and how many sampled points equal it.
 *
 * Cuts choose a dimension with probability proportional to its range in the node's bounding box, then a
 * value uniformly inside that range (Guha et al. 2016).
 */
export class CutTree {
  private constructor(
    readonly dim: number,
    readonly mass: number,
    private readonly left: Int32Array,
    private readonly right: Int32Array,
    private readonly cutDim: Int32Array,
    private readonly cutValue: Float64Array,
    private readonly boxMin: Float64Array,
    private readonly boxMax: Float64Array,
    private readonly nodeMass: Int32Array,
    private readonly leafPoint: Float64Array,
    private readonly leafMass: Int32Array,
    private readonly root: number,
  ) {}

  /** Builds a tree over `count` points stored row-major in `points` (length count × dim). */
  static build(points: Float64Array, count: number, dim: number, rng: Random): CutTree {
    if (count < 1) throw new Error("a cut tree needs at least one point");
    const left: number[] = [];
    const right: number[] = [];
    const cutDim: number[] = [];
    const cutValue: number[] = [];
    const boxMin: number[] = [];
    const boxMax: number[] = [];
    const nodeMass: number[] = [];
    const leafPoint: number[] = [];
    const leafMass: number[] = [];
    const lo = new Float64Array(dim);
    const hi = new Float64Array(dim);

    const buildNode = (idx: Int32Array): number => {
      lo.fill(Infinity);
      hi.fill(-Infinity);
      for (let i = 0; i < idx.length; i++) {
        const base = idx[i] * dim;
        for (let d = 0; d < dim; d++) {
          const v = points[base + d];
          if (v < lo[d]) lo[d] = v;
          if (v > hi[d]) hi[d] = v;
        }
      }
      let total = 0;
      for (let d = 0; d < dim; d++) total += hi[d] - lo[d];
      if (total <= 0) {
        // All points identical: one leaf carrying their multiplicity.
        const leaf = leafMass.length;
        const base = idx[0] * dim;
        for (let d = 0; d < dim; d++) leafPoint.push(points[base + d]);
        leafMass.push(idx.length);
        return ~leaf;
      }
      const node = cutDim.length;
      for (let d = 0; d < dim; d++) {
        boxMin.push(lo[d]);
        boxMax.push(hi[d]);
      }
      nodeMass.push(idx.length);
      // Pick the cut: r uniform over the summed ranges, falling into dimension d with probability range_d / total.
      let r = rng.next() * total;
      let cd = 0;
      for (; cd < dim - 1; cd++) {
        const range = hi[cd] - lo[cd];
        if (r < range) break;
        r -= range;
      }
      let cv = lo[cd] + r;
      if (cv >= hi[cd]) cv = lo[cd] + (hi[cd] - lo[cd]) * 0.5; // float rounding guard: cut strictly inside
      cutDim.push(cd);
      cutValue.push(cv);
      left.push(0);
      right.push(0);
      let nLeft = 0;
      for (let i = 0; i < idx.length; i++) if (points[idx[i] * dim + cd] <= cv) nLeft++;
      const li = new Int32Array(nLeft);
      const ri = new Int32Array(idx.length - nLeft);
      let a = 0;
      let b = 0;
      for (let i = 0; i < idx.length; i++) {
        if (points[idx[i] * dim + cd] <= cv) li[a++] = idx[i];
        else ri[b++] = idx[i];
      }
      left[node] = buildNode(li);
      right[node] = buildNode(ri);
      return node;
    };

    const all = new Int32Array(count);
    for (let i = 0; i < count; i++) all[i] = i;
    const root = buildNode(all);
    return new CutTree(
      dim,
      count,
      Int32Array.from(left),
      Int32Array.from(right),
      Int32Array.from(cutDim),
      Float64Array.from(cutValue),
      Float64Array.from(boxMin),
      Float64Array.from(boxMax),
      Int32Array.from(nodeMass),
      Float64Array.from(leafPoint),
      Int32Array.from(leafMass),
      root,
    );
  }

  /**
   * Anomaly score of `point` for this tree (expected inverse depth with displacement, as in the reference
   * RCF's AnomalyScoreVisitor), normalised by log2(mass + 1). If `attribution` is given, adds this tree's
   * per-dimension contribution to it (the contributions sum to the returned score).
   *
   * @param path scratch space of at least (depth + 1) entries, reused across calls to avoid allocation
   */
  score(point: ArrayLike<number>, path: Int32Array, attribution?: Float64Array, scratch?: Float64Array): number {
    const dim = this.dim;
    let node = this.root;
    let depth = 0;
    while (node >= 0) {
      path[depth++] = node;
      node = point[this.cutDim[node]] <= this.cutValue[node] ? this.left[node] : this.right[node];
    }
    const leaf = ~node;
    const leafMass = this.leafMass[leaf];
    const lbase = leaf * dim;
    let equal = true;
    for (let d = 0; d < dim; d++) {
      if (this.leafPoint[lbase + d] !== point[d]) {
        equal = false;
        break;
      }
    }
    let score: number;
    let converged = false;
    const attr = attribution ? (scratch as Float64Array) : undefined;
    if (equal) {
      const damp = 1 - leafMass / (2 * this.mass);
      score = damp / (depth + Math.log2(leafMass + 1));
      converged = true;
      if (attr) attr.fill(score / dim);
    } else {
      score = 1 / (depth + 1);
      if (attr) {
        let sum = 0;
        for (let d = 0; d < dim; d++) sum += Math.abs(point[d] - this.leafPoint[lbase + d]);
        for (let d = 0; d < dim; d++) attr[d] = (score * Math.abs(point[d] - this.leafPoint[lbase + d])) / sum;
      }
    }
    // Walk back up: at each ancestor, the point would have been separated with probability `prob`.
    for (let level = depth - 1; level >= 0 && !converged; level--) {
      const n = path[level];
      const base = n * dim;
      let oldRange = 0;
      let newRange = 0;
      for (let d = 0; d < dim; d++) {
        const lo = this.boxMin[base + d];
        const hi = this.boxMax[base + d];
        const v = point[d];
        oldRange += hi - lo;
        newRange += (v > hi ? v : hi) - (v < lo ? v : lo);
      }
      const prob = newRange > 0 ? (newRange - oldRange) / newRange : 0;
      if (prob <= 0) break; // the point lies inside this box: no ancestor can separate it either
      const unseen = 1 / (level + 1);
      score = (1 - prob) * score + prob * unseen;
      if (attr) {
        for (let d = 0; d < dim; d++) {
          const v = point[d];
          const lo = this.boxMin[base + d];
          const hi = this.boxMax[base + d];
          const gap = v > hi ? v - hi : v < lo ? lo - v : 0;
          attr[d] = (1 - prob) * attr[d] + (unseen * gap) / newRange;
        }
      }
    }
    const norm = Math.log2(this.mass + 1);
    if (attribution && attr) for (let d = 0; d < dim; d++) attribution[d] += attr[d] * norm;
    return score * norm;
  }

  /** Depth of the deepest leaf (sizes scratch buffers). */
  maxDepth(): number {
    const walk = (ref: number): number => (ref < 0 ? 0 : 1 + Math.max(walk(this.left[ref]), walk(this.right[ref])));
    return walk(this.root);
  }

  toState(): CutTreeState {
    return {
      dim: this.dim,
      mass: this.mass,
      left: Array.from(this.left),
      right: Array.from(this.right),
      cutDim: Array.from(this.cutDim),
      cutValue: Array.from(this.cutValue),
      boxMin: Array.from(this.boxMin),
      boxMax: Array.from(this.boxMax),
      nodeMass: Array.from(this.nodeMass),
      leafPoint: Array.from(this.leafPoint),
      leafMass: Array.from(this.leafMass),
      root: this.root,
    };
  }

  static fromState(s: CutTreeState): CutTree {
    const nodes = s.cutDim.length;
    const leaves = s.leafMass.length;
    if (s.left.length !== nodes || s.right.length !== nodes || s.cutValue.length !== nodes || s.nodeMass.length !== nodes)
      throw new Error("tree state is inconsistent: node arrays differ in length");
    if (s.boxMin.length !== nodes * s.dim || s.boxMax.length !== nodes * s.dim) throw new Error("tree state is inconsistent: bounding boxes do not match dim × nodes");
    if (s.leafPoint.length !== leaves * s.dim) throw new Error("tree state is inconsistent: leaf points do not match dim × leaves");
    checkReferences(s, nodes, leaves);
    return new CutTree(
      s.dim,
      s.mass,
      Int32Array.from(s.left),
      Int32Array.from(s.right),
      Int32Array.from(s.cutDim),
      Float64Array.from(s.cutValue),
      Float64Array.from(s.boxMin),
      Float64Array.from(s.boxMax),
      Int32Array.from(s.nodeMass),
      Float64Array.from(s.leafPoint),
      Int32Array.from(s.leafMass),
      s.root,
    );
  }
}

/**
 * Checks that a restored tree is walkable: every reference names an existing node or leaf, every child comes
 * after its parent (as `build` lays them out, which rules out cycles), and cut dimensions exist. Without this a
 * corrupt state would surface later as a stack overflow or NaN scores instead of an error at load time.
 */
function checkReferences(s: CutTreeState, nodes: number, leaves: number): void {
  if (!Number.isInteger(s.dim) || s.dim < 1) throw new Error(`tree state is inconsistent: dim is ${String(s.dim)}, expected a positive integer`);
  if (!Number.isInteger(s.mass) || s.mass < 1) throw new Error(`tree state is inconsistent: mass is ${String(s.mass)}, expected a positive integer`);
  const ref = (r: number, parent: number, what: string) => {
    if (!Number.isInteger(r)) throw new Error(`tree state is inconsistent: ${what} is ${String(r)}, not an integer reference`);
    if (r >= 0 ? r <= parent || r >= nodes : ~r >= leaves) {
      const expected = r >= 0 ? `a node after ${parent} and below ${nodes}` : `a leaf below ${leaves}`;
      throw new Error(`tree state is inconsistent: ${what} refers to ${r >= 0 ? `node ${r}` : `leaf ${~r}`}, expected ${expected}`);
    }
  };
  ref(s.root, -1, "root");
  for (let n = 0; n < nodes; n++) {
    ref(s.left[n], n, `left child of node ${n}`);
    ref(s.right[n], n, `right child of node ${n}`);
    if (!Number.isInteger(s.cutDim[n]) || s.cutDim[n] < 0 || s.cutDim[n] >= s.dim) throw new Error(`tree state is inconsistent: node ${n} cuts dimension ${s.cutDim[n]}, expected 0..${s.dim - 1}`);
  }
  for (let l = 0; l < leaves; l++) if (!Number.isInteger(s.leafMass[l]) || s.leafMass[l] < 1) throw new Error(`tree state is inconsistent: leaf ${l} has mass ${s.leafMass[l]}`);
}
