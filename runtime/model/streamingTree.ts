import type { Random } from "./random";
import { NONE, TreeArrays } from "./treeArrays";

/** A module-local copy: an imported binding is a getter call per use under CommonJS. */
const EMPTY = NONE;

/**
 * A random cut tree that supports incremental insert and delete (Guha et al. 2016) over the typed arrays of
 * {@link TreeArrays}. Nothing is allocated after construction. State mapping and invariant checks live in
 * streamingTreeState.ts.
 */
export class StreamingTree extends TreeArrays {
  /**
   * Where the score walks leave their result. A double returned from a call V8 does not inline is boxed in a
   * fresh heap number; the walks run per tree per point, so they write here instead (no allocation per point).
   */
  readonly result = new Float64Array(1);

  /**
   * Inserts the point stored at slot `ref`. Returns the slot the tree now references for it: `ref` itself, or
   * the slot of an equal point already in the tree (whose multiplicity was incremented).
   *
   * Bottom-up, as the reference RCF inserts: descend by the cuts to a leaf, then walk back up over the
   * ancestors whose box the point lies outside of (only those can be cut between the point and the box; the
   * walk stops at the first box that contains the point). At each the cut drawn in the box extended by the
   * point separates them with probability gap / (range sum + gap); the new node goes above the highest
   * ancestor that is separated, or splits the leaf if none is. This is the top-down distribution (each level
   * separates independently with that probability, the first from the top wins), with the separating cut
   * uniform over the gap; the walk touches only the bounds the point lies outside of.
   */
  insert(ref: number, rng: Random): number {
    const dim = this.dim;
    const pts = this.points;
    const pb = ref * dim;
    this.totalMass++;
    if (this.root === EMPTY) {
      this.root = ~this.newLeaf(ref, -1);
      return ref;
    }
    const nodes = this.nodes;
    const cuts = this.cutValue;
    const path = this.path;
    let node = this.root;
    let depth = 0;
    while (node >= 0) {
      path[depth++] = node;
      const k = node << 2;
      node = nodes[k + +(pts[pb + nodes[k + 2]] > cuts[node])];
    }
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
      for (let i = 0; i < depth; i++) nodes[path[i] * 4 + 3]++;
      this.leafMass[leaf]++;
      return lr;
    }
    // Walk up: `at` = level of the highest separated ancestor so far (depth: the leaf), its cut in cutDim/cutAt.
    let at = depth;
    let cutDim = 0;
    let cutAt = 0;
    let top = depth;
    const box = this.box;
    const bound = this.bound;
    const boundSign = this.boundSign;
    const stride = 2 * dim;
    let level = depth - 1;
    let m = level >= 0 ? this.outsideBounds(path[level], pts, pb) : 0;
    let gap = this.gap;
    this.keepBounds(m);
    while (m > 0) {
      const base = path[level] * stride;
      top = level;
      let r = rng.next() * (this.rangeSum[path[level]] + gap);
      if (r < gap) {
        // Separated: the cut falls in the gap of the bound where r lands.
        let i = 0;
        for (; i < m - 1; i++) {
          const g = boundSign[bound[i]] * (box[base + bound[i]] - pts[pb + (bound[i] >> 1)]);
          if (r < g) break;
          r -= g;
        }
        const b = box[base + bound[i]];
        cutDim = bound[i] >> 1;
        const v = pts[pb + cutDim];
        if (!(bound[i] & 1)) {
          cutAt = v + r; // v <= cut < min: the point goes left
          if (!(cutAt < b)) cutAt = v;
        } else {
          cutAt = b + r; // max <= cut < v: the point goes right
          if (!(cutAt < v)) cutAt = b;
        }
        at = level;
        this.keepBounds(m);
      }
      if (--level < 0) break;
      m = this.narrowBounds(path[level], m, pts, pb);
      gap = this.gap;
    }
    // Ancestors above the new node gain the point: mass, and the bounds it lies outside of.
    for (let i = 0; i < at; i++) nodes[path[i] * 4 + 3]++;
    if (at > top) this.roundKept(pb);
    for (let i = at - 1; i >= top; i--) this.extendBounds(path[i]);
    const parent = at > 0 ? path[at - 1] : -1;
    if (at === depth) this.splitLeaf(node, parent, ref, rng);
    else this.insertAbove(path[at], parent, ref, cutDim, cutAt);
    return ref;
  }

  /** Splits `leafNode` (a `~leaf` reference under `parent`) by a cut drawn in the box of its point and slot `ref`'s. */
  private splitLeaf(leafNode: number, parent: number, ref: number, rng: Random): void {
    const dim = this.dim;
    const pts = this.points;
    const pb = ref * dim;
    const leaf = ~leafNode;
    const lb = this.leafRef[leaf] * dim;
    // A cut drawn in the box spanned by the two points always separates them.
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
    this.setBoxOfPoints(n, lb, pb);
    if (pts[pb + cd] <= cv) {
      this.nodes[n * 4] = ~nl;
      this.nodes[n * 4 + 1] = leafNode;
    } else {
      this.nodes[n * 4] = leafNode;
      this.nodes[n * 4 + 1] = ~nl;
    }
    this.leafParent[leaf] = n;
    this.replaceChild(parent, leafNode, n);
  }

  /** Puts a new node cutting dimension `cd` at `cv` between `node` (under `parent`) and a new leaf for slot `ref`. */
  private insertAbove(node: number, parent: number, ref: number, cd: number, cv: number): void {
    const pb = ref * this.dim;
    const n = this.newNode(cd, cv, parent, this.nodes[node * 4 + 3] + 1);
    const nl = this.newLeaf(ref, n);
    this.setBoxExtended(n, node, pb);
    if (this.points[pb + cd] <= cv) {
      this.nodes[n * 4] = ~nl;
      this.nodes[n * 4 + 1] = node;
    } else {
      this.nodes[n * 4] = node;
      this.nodes[n * 4 + 1] = ~nl;
    }
    this.parent[node] = n;
    this.replaceChild(parent, node, n);
  }

  /** Removes one copy of the point stored at slot `ref` (which the tree must hold). */
  delete(ref: number): void {
    const dim = this.dim;
    const pts = this.points;
    const pb = ref * dim;
    let node = this.root;
    if (node === EMPTY) throw new Error("cannot delete from an empty tree");
    const nodes = this.nodes;
    const cuts = this.cutValue;
    const path = this.path;
    let depth = 0;
    while (node >= 0) {
      path[depth++] = node;
      const k = node << 2;
      node = nodes[k + +(pts[pb + nodes[k + 2]] > cuts[node])]; // branch-free, as in score
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
      this.root = EMPTY;
      return;
    }
    const p = this.path[depth - 1];
    const sibling = this.nodes[p * 4] === node ? this.nodes[p * 4 + 1] : this.nodes[p * 4];
    const g = depth >= 2 ? this.path[depth - 2] : -1;
    this.replaceChild(g, p, sibling);
    if (sibling >= 0) this.parent[sibling] = g;
    else this.leafParent[~sibling] = g;
    this.freeNodes[this.freeNodeTop++] = p;
    this.shrinkBoxes(depth - 2, pb);
  }

  /**
   * Anomaly score of `point` (expected inverse depth with displacement, as the reference RCF's
   * AnomalyScoreVisitor), normalised by log2(mass + 1) so that inliers score about 1. If `attr` is given it
   * receives this tree's per-dimension contributions (summing to the returned score).
   */
  score(point: Float64Array, attr?: Float64Array): number {
    if (this.root === EMPTY) return 0;
    this.descend(point);
    this.scoreFromLeaf(point, attr);
    return this.result[0];
  }

  /** Whether the leaf of the last descent holds `point` itself. (For treeScoring.ts.) */
  leafHolds(point: Float64Array): boolean {
    const dim = this.dim;
    const pts = this.points;
    const lb = this.leafRef[this.pathLeaf] * dim;
    for (let d = 0; d < dim; d++) if (pts[lb + d] !== point[d]) return false;
    return true;
  }

  /**
   * Continues a descent at `node`, `depth` levels down (`path` filled above it): sets `pathDepth`, `pathLeaf`.
   * (For treeScoring.ts.)
   */
  descendFrom(node: number, depth: number, point: Float64Array): void {
    const nodes = this.nodes;
    const cuts = this.cutValue;
    const path = this.path;
    while (node >= 0) {
      path[depth++] = node;
      const k = node << 2;
      node = nodes[k + +(point[nodes[k + 2]] > cuts[node])];
    }
    this.pathDepth = depth;
    this.pathLeaf = ~node;
  }

  /** Descends a non-empty tree by the cuts to `point`'s leaf: fills `path`, `pathDepth`, `pathLeaf`. */
  private descend(point: Float64Array): void {
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
    this.pathDepth = depth;
    this.pathLeaf = ~node;
  }

  /** The rest of {@link score} once a descent has found the leaf; into `result[0]`. (For treeScoring.ts.) */
  scoreFromLeaf(point: Float64Array, attr?: Float64Array): void {
    const dim = this.dim;
    const pts = this.points;
    const depth = this.pathDepth;
    const leaf = this.pathLeaf;
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
      this.walkBack(point, depth);
      score = this.result[0];
    }
    const norm = this.log2Mass1[this.totalMass];
    if (attr) for (let d = 0; d < dim; d++) attr[d] *= norm;
    this.result[0] = score * norm;
  }

  /**
   * The walk back up of {@link score} from the leaf at `depth` (not equal to `point`): at each ancestor the
   * point would have been cut off with probability gap / (range sum + gap), gap being how far it lies outside
   * the box summed over dimensions. The first level scans every dimension; higher levels revisit only the
   * bounds the point was still outside of (see {@link TreeArrays.bound}), and the walk ends at the first box
   * that contains the point (every ancestor's does too). Sums run in dimension order, as a full scan's would.
   */
  private walkBack(point: Float64Array, depth: number): void {
    const path = this.path;
    let score = 1 / (depth + 1);
    let level = depth - 1;
    if (level < 0) {
      this.result[0] = score;
      return;
    }
    let n = path[level];
    let m = this.outsideBounds(n, point, 0);
    while (this.gap > 0) {
      const prob = this.gap / (this.rangeSum[n] + this.gap);
      score = (1 - prob) * score + prob / (level + 1);
      if (--level < 0) break;
      n = path[level];
      m = this.narrowBounds(n, m, point, 0);
    }
    this.result[0] = score;
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
    if (this.root === EMPTY) return -1;
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

}
