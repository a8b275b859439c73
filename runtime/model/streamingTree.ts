import type { Random } from "./random";
import { decodeFloat64, decodeInt32, encodeFloat64, encodeInt32 } from "./stateCodec";

/** No node: the empty tree's root. */
const NONE = 0x7fffffff;

/**
 * Serialised tree (nodes renumbered in preorder, leaves referring to compacted point slots); arrays are
 * base64 of Int32 (left, right, cutDim, leafRef, leafMass) and Float64 (cutValue) values.
 */
export interface StreamingTreeState {
  /** Root reference: >= 0 internal node, < 0 leaf `~index`, null when empty. */
  readonly root: number | null;
  readonly left: string;
  readonly right: string;
  readonly cutDim: string;
  readonly cutValue: string;
  readonly leafRef: string;
  readonly leafMass: string;
}

/**
 * A random cut tree that supports incremental insert and delete (Guha et al. 2016), stored in flat typed
 * arrays of fixed capacity: internal nodes keep their cut, mass, parent and bounding box; leaves keep a
 * reference into the forest's {@link PointStore} and their multiplicity. Child references are >= 0 for an
 * internal node and `~leaf` (< 0) for a leaf. Nothing is allocated after construction.
 */
export class StreamingTree {
  /** Per internal node n: [4n] left child, [4n+1] right child, [4n+2] cut dimension, [4n+3] mass (one cache line walk). */
  private readonly nodes: Int32Array;
  private readonly parent: Int32Array;
  private readonly cutValue: Float64Array;
  /**
   * Per internal node n, per dimension d: [2·dim·n + 2d] min, [+1] max of the subtree's bounding box, in
   * float32 rounded outwards (half the memory traffic of the score walk; the box still contains every point,
   * so insert's separation tests stay exact; ranges are off by at most 1 part in 2^23 per side).
   */
  private readonly box: Float32Array;
  /** Per internal node: the sum of its box's side lengths (the score walk's denominator, kept up to date). */
  private readonly rangeSum: Float64Array;
  private readonly leafRef: Int32Array;
  private readonly leafMass: Int32Array;
  private readonly leafParent: Int32Array;
  private readonly freeNodes: Int32Array;
  private readonly freeLeaves: Int32Array;
  private freeNodeTop: number;
  private freeLeafTop: number;
  private root = NONE;
  /** Total number of points (with multiplicity). */
  totalMass = 0;
  /** Scratch: the root-to-leaf path of the last walk (size capacity + 1: a degenerate tree is a chain). */
  private readonly path: Int32Array;

  constructor(
    readonly dim: number,
    readonly capacity: number,
    private readonly points: Float64Array,
  ) {
    const c = capacity;
    this.nodes = new Int32Array(4 * c);
    this.parent = new Int32Array(c);
    this.cutValue = new Float64Array(c);
    this.box = new Float32Array(2 * c * dim);
    this.rangeSum = new Float64Array(c);
    this.leafRef = new Int32Array(c);
    this.leafMass = new Int32Array(c);
    this.leafParent = new Int32Array(c);
    this.freeNodes = new Int32Array(c);
    this.freeLeaves = new Int32Array(c);
    for (let i = 0; i < c; i++) {
      this.freeNodes[i] = c - 1 - i;
      this.freeLeaves[i] = c - 1 - i;
    }
    this.freeNodeTop = c;
    this.freeLeafTop = c;
    this.path = new Int32Array(c + 1);
  }

  isEmpty(): boolean {
    return this.root === NONE;
  }

  /**
   * Inserts the point stored at slot `ref`. Returns the slot the tree now references for it: `ref` itself, or
   * the slot of an equal point already in the tree (whose multiplicity was incremented).
   */
  insert(ref: number, rng: Random): number {
    const dim = this.dim;
    const pts = this.points;
    const pb = ref * dim;
    this.totalMass++;
    if (this.root === NONE) {
      this.root = ~this.newLeaf(ref, -1);
      return ref;
    }
    let node = this.root;
    let parent = -1;
    for (;;) {
      if (node < 0) {
        const leaf = ~node;
        const lr = this.leafRef[leaf];
        const lb = lr * dim;
        let equal = true;
        for (let d = 0; d < dim; d++) {
          if (pts[lb + d] !== pts[pb + d]) {
            equal = false;
            break;
          }
        }
        if (equal) {
          this.leafMass[leaf]++;
          return lr;
        }
        // Split the leaf: a cut drawn in the box spanned by the two points always separates them.
        let total = 0;
        for (let d = 0; d < dim; d++) total += Math.abs(pts[lb + d] - pts[pb + d]);
        let r = rng.next() * total;
        let cd = 0;
        for (; cd < dim; cd++) {
          const range = Math.abs(pts[lb + cd] - pts[pb + cd]);
          if (range > 0 && (r < range || cd === dim - 1)) break;
          r -= range;
        }
        if (cd === dim) for (cd = dim - 1; pts[lb + cd] === pts[pb + cd]; cd--); // rounding: last dim with a range
        const lo = Math.min(pts[lb + cd], pts[pb + cd]);
        const hi = Math.max(pts[lb + cd], pts[pb + cd]);
        let cv = lo + Math.min(r, hi - lo);
        if (!(cv >= lo && cv < hi)) cv = lo;
        const n = this.newNode(cd, cv, parent, this.leafMass[leaf] + 1);
        const nl = this.newLeaf(ref, n);
        const nb = n * 2 * dim;
        for (let d = 0; d < dim; d++) {
          const a = pts[lb + d];
          const b = pts[pb + d];
          this.box[nb + 2 * d] = floorF32(a < b ? a : b);
          this.box[nb + 2 * d + 1] = ceilF32(a > b ? a : b);
        }
        this.updateRangeSum(n);
        if (pts[pb + cd] <= cv) {
          this.nodes[n * 4] = ~nl;
          this.nodes[n * 4 + 1] = node;
        } else {
          this.nodes[n * 4] = node;
          this.nodes[n * 4 + 1] = ~nl;
        }
        this.leafParent[leaf] = n;
        this.replaceChild(parent, node, n);
        return ref;
      }
      // Internal node: draw a cut in the box extended by the point; if it separates the point, insert here.
      const base = node * 2 * dim;
      let total = 0;
      let outside = false;
      for (let d = 0; d < dim; d++) {
        const v = pts[pb + d];
        const lo = this.box[base + 2 * d];
        const hi = this.box[base + 2 * d + 1];
        if (v < lo) {
          total += hi - v;
          outside = true;
        } else if (v > hi) {
          total += v - lo;
          outside = true;
        } else total += hi - lo;
      }
      if (outside) {
        let r = rng.next() * total;
        let cd = 0;
        let lo = 0;
        let range = 0;
        for (; cd < dim; cd++) {
          const v = pts[pb + cd];
          const bl = this.box[base + 2 * cd];
          const bh = this.box[base + 2 * cd + 1];
          lo = v < bl ? v : bl;
          range = (v > bh ? v : bh) - lo;
          if (r < range || cd === dim - 1) break;
          r -= range;
        }
        const cv = lo + (r < range ? r : range * 0.5);
        const v = pts[pb + cd];
        const bl = this.box[base + 2 * cd];
        const bh = this.box[base + 2 * cd + 1];
        const separatesBelow = v < bl && cv < bl;
        const separatesAbove = v > bh && cv >= bh && cv < v;
        if (separatesBelow || separatesAbove) {
          const n = this.newNode(cd, cv, parent, this.nodes[node * 4 + 3] + 1);
          const nl = this.newLeaf(ref, n);
          const nb = n * 2 * dim;
          for (let d = 0; d < dim; d++) {
            const x = pts[pb + d];
            const a = this.box[base + 2 * d];
            const b = this.box[base + 2 * d + 1];
            this.box[nb + 2 * d] = x < a ? floorF32(x) : a;
            this.box[nb + 2 * d + 1] = x > b ? ceilF32(x) : b;
          }
          this.updateRangeSum(n);
          if (separatesBelow) {
            this.nodes[n * 4] = ~nl;
            this.nodes[n * 4 + 1] = node;
          } else {
            this.nodes[n * 4] = node;
            this.nodes[n * 4 + 1] = ~nl;
          }
          this.parent[node] = n;
          this.replaceChild(parent, node, n);
          return ref;
        }
        for (let d = 0; d < dim; d++) {
          const x = pts[pb + d];
          if (x < this.box[base + 2 * d]) this.box[base + 2 * d] = floorF32(x);
          if (x > this.box[base + 2 * d + 1]) this.box[base + 2 * d + 1] = ceilF32(x);
        }
        this.updateRangeSum(node);
      }
      this.nodes[node * 4 + 3]++;
      parent = node;
      node = pts[pb + this.nodes[node * 4 + 2]] <= this.cutValue[node] ? this.nodes[node * 4] : this.nodes[node * 4 + 1];
    }
  }

  /** Removes one copy of the point stored at slot `ref` (which the tree must hold). */
  delete(ref: number): void {
    const dim = this.dim;
    const pts = this.points;
    const pb = ref * dim;
    let node = this.root;
    if (node === NONE) throw new Error("cannot delete from an empty tree");
    let depth = 0;
    while (node >= 0) {
      this.path[depth++] = node;
      node = pts[pb + this.nodes[node * 4 + 2]] <= this.cutValue[node] ? this.nodes[node * 4] : this.nodes[node * 4 + 1];
    }
    const leaf = ~node;
    const lb = this.leafRef[leaf] * dim;
    for (let d = 0; d < dim; d++) {
      if (pts[lb + d] !== pts[pb + d]) throw new Error(`tree does not hold point slot ${ref}: its path ends at a different point`);
    }
    this.totalMass--;
    for (let i = 0; i < depth; i++) this.nodes[this.path[i] * 4 + 3]--;
    if (--this.leafMass[leaf] > 0) return;
    this.freeLeaves[this.freeLeafTop++] = leaf;
    if (depth === 0) {
      this.root = NONE;
      return;
    }
    const p = this.path[depth - 1];
    const sibling = this.nodes[p * 4] === node ? this.nodes[p * 4 + 1] : this.nodes[p * 4];
    const g = depth >= 2 ? this.path[depth - 2] : -1;
    this.replaceChild(g, p, sibling);
    if (sibling >= 0) this.parent[sibling] = g;
    else this.leafParent[~sibling] = g;
    this.freeNodes[this.freeNodeTop++] = p;
    // Shrink the boxes of the remaining ancestors; stop as soon as one does not change.
    for (let i = depth - 2; i >= 0; i--) if (!this.recomputeBox(this.path[i])) break;
  }

  /**
   * Anomaly score of `point` (expected inverse depth with displacement, as the reference RCF's
   * AnomalyScoreVisitor), normalised by log2(mass + 1) so that inliers score about 1. If `attr` is given it
   * receives this tree's per-dimension contributions (summing to the returned score).
   */
  score(point: Float64Array, attr?: Float64Array): number {
    if (this.root === NONE) return 0;
    const dim = this.dim;
    const pts = this.points;
    const nodes = this.nodes;
    const cuts = this.cutValue;
    const path = this.path;
    let node = this.root;
    let depth = 0;
    while (node >= 0) {
      path[depth++] = node;
      const k = node << 2;
      // Index arithmetic instead of a branch: the direction is a coin flip the CPU cannot predict.
      node = nodes[k + +(point[nodes[k + 2]] > cuts[node])];
    }
    const leaf = ~node;
    const lb = this.leafRef[leaf] * dim;
    let equal = true;
    for (let d = 0; d < dim; d++) {
      if (pts[lb + d] !== point[d]) {
        equal = false;
        break;
      }
    }
    let score: number;
    if (equal) {
      const lm = this.leafMass[leaf];
      score = (1 - lm / (2 * this.totalMass)) / (depth + Math.log2(lm + 1));
      if (attr) attr.fill(score / dim);
    } else if (attr) {
      score = this.walkBackWithAttribution(point, depth, lb, attr);
    } else {
      score = 1 / (depth + 1);
      const box = this.box;
      const ranges = this.rangeSum;
      const stride = 2 * dim;
      for (let level = depth - 1; level >= 0; level--) {
        const n = path[level];
        let base = n * stride;
        // How far the point lies outside the box, summed over dimensions (the growth of the range sum).
        let gap = 0;
        for (let d = 0; d < dim; d++, base += 2) {
          const v = point[d];
          const lo = box[base];
          const hi = box[base + 1];
          gap += v < lo ? lo - v : v > hi ? v - hi : 0;
        }
        if (!(gap > 0)) break; // inside this box, hence inside every ancestor's box too
        const prob = gap / (ranges[n] + gap);
        score = (1 - prob) * score + prob / (level + 1);
      }
    }
    const norm = Math.log2(this.totalMass + 1);
    if (attr) for (let d = 0; d < dim; d++) attr[d] *= norm;
    return score * norm;
  }

  /** The walk back up of {@link score} that also splits the score into per-dimension contributions. */
  private walkBackWithAttribution(point: Float64Array, depth: number, lb: number, attr: Float64Array): number {
    const dim = this.dim;
    const pts = this.points;
    let score = 1 / (depth + 1);
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += Math.abs(point[d] - pts[lb + d]);
    for (let d = 0; d < dim; d++) attr[d] = (score * Math.abs(point[d] - pts[lb + d])) / sum;
    for (let level = depth - 1; level >= 0; level--) {
      const base = this.path[level] * 2 * dim;
      let oldRange = 0;
      let newRange = 0;
      for (let d = 0; d < dim; d++) {
        const lo = this.box[base + 2 * d];
        const hi = this.box[base + 2 * d + 1];
        const v = point[d];
        oldRange += hi - lo;
        newRange += (v > hi ? v : hi) - (v < lo ? v : lo);
      }
      if (newRange <= oldRange) break;
      const prob = (newRange - oldRange) / newRange;
      const unseen = 1 / (level + 1);
      score = (1 - prob) * score + prob * unseen;
      for (let d = 0; d < dim; d++) {
        const v = point[d];
        const lo = this.box[base + 2 * d];
        const hi = this.box[base + 2 * d + 1];
        const gap = v > hi ? v - hi : v < lo ? lo - v : 0;
        attr[d] = (1 - prob) * attr[d] + (unseen * gap) / newRange;
      }
    }
    return score;
  }

  /**
   * The stored point slot nearest to `point` on the dimensions where `missing[d]` is 0: descends by the cuts,
   * and where a cut is on a missing dimension, into the child whose box is closer on the known dimensions
   * (the heavier on a tie). Used to impute expected values.
   */
  nearestRef(point: Float64Array, missing: Uint8Array): number {
    if (this.root === NONE) return -1;
    let node = this.root;
    while (node >= 0) {
      const cd = this.nodes[node * 4 + 2];
      if (!missing[cd]) {
        node = point[cd] <= this.cutValue[node] ? this.nodes[node * 4] : this.nodes[node * 4 + 1];
        continue;
      }
      const a = this.nodes[node * 4];
      const b = this.nodes[node * 4 + 1];
      const da = this.distance(a, point, missing);
      const db = this.distance(b, point, missing);
      node = da < db || (da === db && this.massOf(a) >= this.massOf(b)) ? a : b;
    }
    return this.leafRef[~node];
  }

  /**
   * Checks the tree's invariants (masses add up, parents link back, every box contains its subtree's points,
   * every cut separates its children) and throws naming the first violation. O(size · dim); for tests and
   * after loading untrusted state.
   */
  validate(): void {
    if (this.root === NONE) {
      if (this.totalMass !== 0) throw new Error(`empty tree has mass ${this.totalMass}`);
      return;
    }
    const dim = this.dim;
    const check = (ref: number, parent: number, lo: Float64Array, hi: Float64Array): number => {
      if (ref < 0) {
        const leaf = ~ref;
        if (this.leafParent[leaf] !== parent) throw new Error(`leaf ${leaf} has parent ${this.leafParent[leaf]}, expected ${parent}`);
        if (this.leafMass[leaf] < 1) throw new Error(`leaf ${leaf} has mass ${this.leafMass[leaf]}`);
        const b = this.leafRef[leaf] * dim;
        for (let d = 0; d < dim; d++) {
          const v = this.points[b + d];
          if (v < lo[d] || v > hi[d]) throw new Error(`leaf ${leaf} lies outside an ancestor's box or cut on dimension ${d}`);
        }
        return this.leafMass[leaf];
      }
      if (this.parent[ref] !== parent) throw new Error(`node ${ref} has parent ${this.parent[ref]}, expected ${parent}`);
      const base = ref * 2 * dim;
      const blo = new Float64Array(dim);
      const bhi = new Float64Array(dim);
      for (let d = 0; d < dim; d++) {
        blo[d] = Math.max(lo[d], this.box[base + 2 * d]);
        bhi[d] = Math.min(hi[d], this.box[base + 2 * d + 1]);
      }
      let rs = 0;
      for (let d = 0; d < dim; d++) rs += this.box[base + 2 * d + 1] - this.box[base + 2 * d];
      if (Math.abs(rs - this.rangeSum[ref]) > 1e-9 * (1 + rs)) throw new Error(`node ${ref} caches range sum ${this.rangeSum[ref]}, its box sums to ${rs}`);
      const cd = this.nodes[ref * 4 + 2];
      const cv = this.cutValue[ref];
      const llo = blo.slice();
      const lhi = bhi.slice();
      lhi[cd] = Math.min(lhi[cd], cv);
      const rlo = blo.slice();
      const rhi = bhi.slice();
      rlo[cd] = Math.max(rlo[cd], nextUp(cv)); // the right side holds points strictly above the cut
      const m = check(this.nodes[ref * 4], ref, llo, lhi) + check(this.nodes[ref * 4 + 1], ref, rlo, rhi);
      if (m !== this.nodes[ref * 4 + 3]) throw new Error(`node ${ref} has mass ${this.nodes[ref * 4 + 3]}, its children hold ${m}`);
      return m;
    };
    const lo = new Float64Array(dim).fill(-Infinity);
    const hi = new Float64Array(dim).fill(Infinity);
    const total = check(this.root, -1, lo, hi);
    if (total !== this.totalMass) throw new Error(`tree mass ${this.totalMass} differs from its leaves' ${total}`);
  }

  // ---- state ----

  toState(slotMap: Int32Array): StreamingTreeState {
    const left: number[] = [];
    const right: number[] = [];
    const cutDim: number[] = [];
    const cutValue: number[] = [];
    const leafRef: number[] = [];
    const leafMass: number[] = [];
    const encode = (root: number | null): StreamingTreeState => ({
      root,
      left: encodeInt32(Int32Array.from(left)),
      right: encodeInt32(Int32Array.from(right)),
      cutDim: encodeInt32(Int32Array.from(cutDim)),
      cutValue: encodeFloat64(Float64Array.from(cutValue)),
      leafRef: encodeInt32(Int32Array.from(leafRef)),
      leafMass: encodeInt32(Int32Array.from(leafMass)),
    });
    if (this.root === NONE) return encode(null);
    const visit = (ref: number): number => {
      if (ref < 0) {
        leafRef.push(slotMap[this.leafRef[~ref]]);
        leafMass.push(this.leafMass[~ref]);
        return ~(leafRef.length - 1);
      }
      const id = cutDim.length;
      cutDim.push(this.nodes[ref * 4 + 2]);
      cutValue.push(this.cutValue[ref]);
      left.push(0);
      right.push(0);
      left[id] = visit(this.nodes[ref * 4]);
      right[id] = visit(this.nodes[ref * 4 + 1]);
      return id;
    };
    return encode(visit(this.root));
  }

  /** Rebuilds the tree from its state; masses, parents and bounding boxes are recomputed from the leaves. */
  static fromState(encoded: StreamingTreeState, dim: number, capacity: number, points: Float64Array): StreamingTree {
    const s = {
      root: encoded.root,
      left: decodeInt32(encoded.left),
      right: decodeInt32(encoded.right),
      cutDim: decodeInt32(encoded.cutDim),
      cutValue: decodeFloat64(encoded.cutValue),
      leafRef: decodeInt32(encoded.leafRef),
      leafMass: decodeInt32(encoded.leafMass),
    };
    const t = new StreamingTree(dim, capacity, points);
    const nodes = s.cutDim.length;
    const leaves = s.leafRef.length;
    if (s.left.length !== nodes || s.right.length !== nodes || s.cutValue.length !== nodes) throw new Error("tree state is inconsistent: node arrays differ in length");
    if (s.leafMass.length !== leaves) throw new Error("tree state is inconsistent: leaf arrays differ in length");
    if (nodes > capacity || leaves > capacity) throw new Error(`tree state holds ${nodes} nodes and ${leaves} leaves, more than the capacity ${capacity}`);
    if (s.root === null) return t;
    const pointCount = points.length / dim;
    const badRef = (r: number) => !Number.isInteger(r) || r >= nodes || ~r >= leaves;
    if (badRef(s.root)) throw new Error(`tree state: root ${s.root} refers to no node or leaf`);
    for (let n = 0; n < nodes; n++) {
      if (badRef(s.left[n]) || badRef(s.right[n])) throw new Error(`tree state: node ${n} has a child that is no node or leaf`);
      if (s.cutDim[n] < 0 || s.cutDim[n] >= dim) throw new Error(`tree state: node ${n} cuts dimension ${s.cutDim[n]}, not in [0, ${dim})`);
    }
    for (let l = 0; l < leaves; l++) {
      if (s.leafRef[l] < 0 || s.leafRef[l] >= pointCount) throw new Error(`tree state: leaf ${l} refers to point ${s.leafRef[l]}, not in [0, ${pointCount})`);
    }
    for (let n = 0; n < nodes; n++) {
      t.nodes[4 * n] = s.left[n];
      t.nodes[4 * n + 1] = s.right[n];
      t.nodes[4 * n + 2] = s.cutDim[n];
    }
    t.cutValue.set(s.cutValue);
    t.leafRef.set(s.leafRef);
    t.leafMass.set(s.leafMass);
    t.freeNodeTop = 0;
    for (let i = capacity - 1; i >= nodes; i--) t.freeNodes[t.freeNodeTop++] = i;
    t.freeLeafTop = 0;
    for (let i = capacity - 1; i >= leaves; i--) t.freeLeaves[t.freeLeafTop++] = i;
    t.root = s.root;
    const fix = (ref: number, parent: number): number => {
      if (ref < 0) {
        t.leafParent[~ref] = parent;
        return t.leafMass[~ref];
      }
      t.parent[ref] = parent;
      const m = fix(t.nodes[ref * 4], ref) + fix(t.nodes[ref * 4 + 1], ref);
      t.nodes[ref * 4 + 3] = m;
      t.recomputeBox(ref);
      return m;
    };
    t.totalMass = fix(s.root, -1);
    return t;
  }

  // ---- internals ----

  private newNode(cd: number, cv: number, parent: number, mass: number): number {
    const n = this.freeNodes[--this.freeNodeTop];
    this.nodes[n * 4 + 2] = cd;
    this.cutValue[n] = cv;
    this.parent[n] = parent;
    this.nodes[n * 4 + 3] = mass;
    return n;
  }

  private newLeaf(ref: number, parent: number): number {
    const l = this.freeLeaves[--this.freeLeafTop];
    this.leafRef[l] = ref;
    this.leafMass[l] = 1;
    this.leafParent[l] = parent;
    return l;
  }

  private replaceChild(parent: number, oldChild: number, newChild: number): void {
    if (parent < 0) this.root = newChild;
    else if (this.nodes[parent * 4] === oldChild) this.nodes[parent * 4] = newChild;
    else this.nodes[parent * 4 + 1] = newChild;
  }

  private massOf(ref: number): number {
    return ref < 0 ? this.leafMass[~ref] : this.nodes[ref * 4 + 3];
  }

  /** L1 distance from `point` to the box of `ref` over the dimensions not missing. */
  private distance(ref: number, point: Float64Array, missing: Uint8Array): number {
    const dim = this.dim;
    let sum = 0;
    if (ref < 0) {
      const b = this.leafRef[~ref] * dim;
      for (let d = 0; d < dim; d++) if (!missing[d]) sum += Math.abs(point[d] - this.points[b + d]);
      return sum;
    }
    const b = ref * 2 * dim;
    for (let d = 0; d < dim; d++) {
      if (missing[d]) continue;
      const v = point[d];
      if (v < this.box[b + 2 * d]) sum += this.box[b + 2 * d] - v;
      else if (v > this.box[b + 2 * d + 1]) sum += v - this.box[b + 2 * d + 1];
    }
    return sum;
  }

  private updateRangeSum(n: number): void {
    const base = n * 2 * this.dim;
    let sum = 0;
    for (let d = 0; d < this.dim; d++) sum += this.box[base + 2 * d + 1] - this.box[base + 2 * d];
    this.rangeSum[n] = sum;
  }

  /** Sets node `n`'s box to the union of its children's; returns whether it changed. */
  private recomputeBox(n: number): boolean {
    const dim = this.dim;
    const base = n * 2 * dim;
    const a = this.nodes[n * 4];
    const b = this.nodes[n * 4 + 1];
    let changed = false;
    for (let d = 0; d < dim; d++) {
      let lo: number;
      let hi: number;
      if (a < 0) {
        const x = this.points[this.leafRef[~a] * dim + d];
        lo = floorF32(x);
        hi = ceilF32(x);
      }
      else {
        lo = this.box[a * 2 * dim + 2 * d];
        hi = this.box[a * 2 * dim + 2 * d + 1];
      }
      let lo2: number;
      let hi2: number;
      if (b < 0) {
        const x = this.points[this.leafRef[~b] * dim + d];
        lo2 = floorF32(x);
        hi2 = ceilF32(x);
      }
      else {
        lo2 = this.box[b * 2 * dim + 2 * d];
        hi2 = this.box[b * 2 * dim + 2 * d + 1];
      }
      if (lo2 < lo) lo = lo2;
      if (hi2 > hi) hi = hi2;
      if (this.box[base + 2 * d] !== lo || this.box[base + 2 * d + 1] !== hi) changed = true;
      this.box[base + 2 * d] = lo;
      this.box[base + 2 * d + 1] = hi;
    }
    if (changed) this.updateRangeSum(n);
    return changed;
  }
}

/** The largest float32 value <= x. */
function floorF32(x: number): number {
  const f = Math.fround(x);
  return f <= x ? f : Math.fround(f - Math.abs(f) * 1.1920928955078125e-7 - 1.401298464324817e-45);
}

/** The smallest float32 value >= x. */
function ceilF32(x: number): number {
  const f = Math.fround(x);
  return f >= x ? f : Math.fround(f + Math.abs(f) * 1.1920928955078125e-7 + 1.401298464324817e-45);
}

const bits = new DataView(new ArrayBuffer(8));

/** The smallest double greater than x (finite x). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  bits.setFloat64(0, x);
  const b = bits.getBigInt64(0);
  bits.setBigInt64(0, x > 0 ? b + 1n : b - 1n);
  return bits.getFloat64(0);
}
