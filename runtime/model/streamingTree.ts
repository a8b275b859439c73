import type { Random } from "./random";
import { ceilF32, floorF32, NONE, TreeArrays } from "./treeArrays";

/**
 * A random cut tree that supports incremental insert and delete (Guha et al. 2016) over the typed arrays of
 * {@link TreeArrays}. Nothing is allocated after construction. State mapping and invariant checks live in
 * streamingTreeState.ts.
 */
export class StreamingTree extends TreeArrays {
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
    this.shrinkBoxes(depth - 2, pb);
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
      score = this.walkBack(point, depth);
    }
    const norm = Math.log2(this.totalMass + 1);
    if (attr) for (let d = 0; d < dim; d++) attr[d] *= norm;
    return score * norm;
  }

  /**
   * The walk back up of {@link score} from the leaf at `depth` (not equal to `point`): at each ancestor the
   * point would have been cut off with probability gap / (range sum + gap), gap being how far it lies outside
   * the box summed over dimensions. The first level scans every dimension; higher levels revisit only the
   * bounds the point was still outside of (see {@link TreeArrays.bound}), and the walk ends at the first box
   * that contains the point (every ancestor's does too). Sums run in dimension order, as a full scan's would.
   */
  private walkBack(point: Float64Array, depth: number): number {
    const dim = this.dim;
    const box = this.box;
    const path = this.path;
    const ranges = this.rangeSum;
    const bound = this.bound;
    const sign = this.sign;
    const value = this.value;
    const stride = 2 * dim;
    let score = 1 / (depth + 1);
    let level = depth - 1;
    if (level < 0) return score;
    let n = path[level];
    let base = n * stride;
    let gap = 0;
    let m = 0;
    for (let d = 0; d < dim; d++) {
      const v = point[d];
      const lo = box[base + 2 * d];
      const hi = box[base + 2 * d + 1];
      if (v < lo) {
        gap += lo - v;
        bound[m] = 2 * d;
        sign[m] = 1;
        value[m++] = v;
      } else if (v > hi) {
        gap += v - hi;
        bound[m] = 2 * d + 1;
        sign[m] = -1;
        value[m++] = v;
      }
    }
    for (;;) {
      if (!(gap > 0)) break; // inside this box, hence inside every ancestor's box too
      const prob = gap / (ranges[n] + gap);
      score = (1 - prob) * score + prob / (level + 1);
      if (--level < 0) break;
      n = path[level];
      base = n * stride;
      gap = 0;
      let k = 0;
      for (let i = 0; i < m; i++) {
        // sign · (bound − v): lo − v for a min, v − hi for a max (negation is exact).
        const g = sign[i] * (box[base + bound[i]] - value[i]);
        if (g > 0) {
          gap += g;
          bound[k] = bound[i];
          sign[k] = sign[i];
          value[k++] = value[i];
        }
      }
      m = k;
    }
    return score;
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

}
