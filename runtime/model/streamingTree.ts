import type { Random } from "./random";
import { NONE, WALK_KEPT } from "./treeArrays";
import { TreeBoxes } from "./treeBoxes";
import { walkUpWithAttribution } from "./treeAttribution";
import { walkUp } from "./treeWalk";
import { REC_CUT_AT, REC_CUT_DIM, REC_HOLDS, REC_LEAF } from "./forestKernel";

/** Module-local copies: an imported binding is a getter call per use under CommonJS. */
const EMPTY = NONE;
const KEPT = WALK_KEPT;
/** Record fields as int32 / float64 indices (forestKernel.ts). */
const R_LEAF = REC_LEAF >> 2;
const R_HOLDS = REC_HOLDS >> 2;
const R_CUT_DIM = REC_CUT_DIM >> 2;
const R_CUT_AT = REC_CUT_AT >> 3;

/**
 * A random cut tree that supports incremental insert and delete (Guha et al. 2016) over the typed arrays of
 * {@link TreeArrays} and the box operations of {@link TreeBoxes}. Points are float32 (the forest's point
 * store), cut values too, so boxes are exact. Nothing is allocated after construction but an occasional growth
 * of the box pool. State mapping and invariant checks live in streamingTreeState.ts.
 */
export class StreamingTree extends TreeBoxes {
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
   *
   * `scored`: the tree's last descent and walk back up were a score of this very point, and the tree has not
   * changed since. That walk is the insert's (the same levels, gaps and range sums), so the insert takes its
   * path and, for walks of up to {@link WALK_KEPT} levels, its gaps (the range sums: the first level's as the
   * score kept it, the others from the stored boxes) instead of walking again: the same draws, the same tree,
   * bit for bit. Without a score, the walk is its own, and the separated level's bounds are listed once more.
   */
  insert(ref: number, rng: Random, scored = false): number {
    const at = this.loadPoint(ref);
    const w = this.scratch.w;
    this.totalMass++;
    if (this.root === EMPTY) {
      this.root = ~this.newLeaf(ref);
      return ref;
    }
    const nodes = this.nodes;
    const path = this.path;
    const K = this.kernel;
    if (!scored) {
      if (K) {
        this.pathDepth = K.descendRef(this.krec, this.root, this.points.byteOffset, ref, this.dim);
        this.pathLeaf = this.rec32[R_LEAF];
      } else this.descendFrom(this.root, 0, at);
    }
    const depth = this.pathDepth;
    const leaf = this.pathLeaf;
    const lr = this.leafRef[leaf];
    if (this.leafHolds(at)) {
      for (let i = 0; i < depth; i++) nodes[path[i] * 4 + 3]++;
      this.leafMass[leaf]++;
      return lr;
    }
    // Walk up: `sep` = level of the highest separated ancestor so far (depth: the leaf), `rSep` where its draw
    // fell into the gap; `top` = the highest level the point lies outside of.
    let sep = depth;
    let rSep = 0;
    let top = depth;
    const levels = this.walkLevels;
    if (scored && levels <= KEPT) {
      const gaps = this.walkGap;
      const slots = this.boxSlot;
      const sums = this.rangeSum;
      for (let i = 0; i < levels; i++) {
        const gap = gaps[i];
        const range = i === 0 ? this.walkFirstRange : sums[slots[path[depth - 1 - i]]];
        const r = rng.next() * (range + gap);
        if (r < gap) {
          sep = depth - 1 - i;
          rSep = r;
        }
      }
      top = depth - levels;
    } else {
      let level = depth - 1;
      let outside = level >= 0 && this.outsideBounds(path[level], w);
      while (outside) {
        top = level;
        const gap = this.gap;
        const r = rng.next() * (this.range + gap);
        if (r < gap) {
          sep = level;
          rSep = r;
        }
        if (--level < 0) break;
        outside = this.narrowBounds(path[level], w);
      }
    }
    // The cut, from the bounds the point lies outside of at the separated level; those bounds (at the leaf's
    // parent if none separated) are the ones the ancestors above the new node may have to extend.
    let cutDim = 0;
    let cutAt = 0;
    if (top < depth) {
      if (K) {
        const sc = this.scratch;
        sc.nKept = K.cutAndKeep(this.krec, path[sep < depth ? sep : depth - 1], sep < depth ? 1 : 0, rSep, this.box.byteOffset, this.points.byteOffset, ref, sc.kept.byteOffset, this.dim);
        cutDim = this.rec32[R_CUT_DIM];
        cutAt = this.rec64[R_CUT_AT];
      } else {
        this.outsideBounds(path[sep < depth ? sep : depth - 1], w);
        if (sep < depth) {
          this.separate(path[sep], w, rSep);
          cutDim = this.cutDim;
          cutAt = this.cutAt;
        }
        this.keepBounds();
      }
    }
    // Ancestors above the new node gain the point: mass, and the stored bounds it lies outside of (a twig's
    // box is its points'). The new node is a twig (a split leaf) or has a box from the start (a node above a
    // subtree); its parent may stop being a twig; nodes above had three leaves or more already.
    for (let i = 0; i < sep; i++) nodes[path[i] * 4 + 3]++;
    if (K) {
      const sc = this.scratch;
      if (sep > top) sc.nKept = K.extendUp(this.krec, sep - 1, top, this.box.byteOffset, this.rangeSum.byteOffset, this.points.byteOffset, ref, sc.kept.byteOffset, sc.nKept, this.dim);
    } else for (let i = sep - 1; i >= top; i--) if (this.boxSlot[path[i]] >= 0) this.extendBounds(path[i], w);
    const n = sep === depth ? this.splitLeaf(~leaf, sep > 0 ? path[sep - 1] : -1, ref, rng) : this.insertAbove(path[sep], sep > 0 ? path[sep - 1] : -1, ref, cutDim, cutAt);
    this.fixBox(n);
    if (sep > 0) this.fixBox(path[sep - 1]);
    return ref;
  }

  /** The cut {@link separate} chose. */
  private cutDim = 0;
  private cutAt = 0;

  /**
   * Picks the cut separating the point `w` from node `n`'s box, `r` into the gap (the lane's list holds the
   * bounds it lies outside of): the bound where r lands, and the cut that far from it towards the point,
   * rounded to float32 and kept strictly on the box's side of the point. Into `cutDim` / `cutAt`.
   */
  private separate(n: number, w: Float64Array, r: number): void {
    const base = this.loadBox(n);
    const bx = this.bx;
    const lane = this.lane;
    for (let i = 0; i < lane.m; i++) {
      const off = lane.list[i];
      const g = bx[base + off] - w[off];
      if (r < g || i === lane.m - 1) {
        const d = off >> 1;
        const v = w[off & ~1];
        this.cutDim = d;
        if (!(off & 1)) {
          const min = bx[base + off];
          const cut = Math.fround(v + r); // v <= cut < min: the point goes left
          this.cutAt = cut < min ? cut : v;
        } else {
          const max = -bx[base + off];
          const cut = Math.fround(max + r); // max <= cut < v: the point goes right
          this.cutAt = cut < v ? cut : max;
        }
        return;
      }
      r -= g;
    }
  }

  /** Copies slot `ref`'s point into the scratch, as values (`point`) and in box form (`w`); returns `point`. */
  private loadPoint(ref: number): Float64Array {
    const dim = this.dim;
    const pts = this.points;
    const pb = ref * dim;
    const at = this.scratch.point;
    const w = this.scratch.w;
    for (let d = 0; d < dim; d++) {
      const v = pts[pb + d];
      at[d] = v;
      w[2 * d] = v;
      w[2 * d + 1] = -v;
    }
    return at;
  }

  /**
   * Splits `leafNode` (a `~leaf` reference under `parent`) by a cut drawn in the box of its point and slot
   * `ref`'s (in the scratch point); returns the new node (a twig).
   */
  private splitLeaf(leafNode: number, parent: number, ref: number, rng: Random): number {
    const dim = this.dim;
    const pts = this.points;
    const at = this.scratch.point;
    const leaf = ~leafNode;
    const lb = this.leafRef[leaf] * dim;
    if (this.kernel) {
      this.kernel.splitCut(this.krec, leaf, this.points.byteOffset, ref, rng.next(), dim);
      return this.placeSplit(leafNode, parent, ref, this.rec32[R_CUT_DIM], this.rec64[R_CUT_AT]);
    }
    // A cut drawn in the box spanned by the two points always separates them.
    let total = 0;
    for (let d = 0; d < dim; d++) total += Math.abs(pts[lb + d] - at[d]);
    let r = rng.next() * total;
    let cd = 0;
    for (; cd < dim; cd++) {
      const range = Math.abs(pts[lb + cd] - at[cd]);
      if (range > 0 && (r < range || cd === dim - 1)) break;
      r -= range;
    }
    if (cd === dim) for (cd = dim - 1; pts[lb + cd] === at[cd]; cd--); // rounding: last dim with a range
    const lo = Math.min(pts[lb + cd], at[cd]);
    const hi = Math.max(pts[lb + cd], at[cd]);
    let cv = Math.fround(lo + Math.min(r, hi - lo));
    if (!(cv >= lo && cv < hi)) cv = lo;
    return this.placeSplit(leafNode, parent, ref, cd, cv);
  }

  /** Puts a new twig cutting dimension `cd` at `cv` in place of `leafNode` (under `parent`), over it and a new leaf for slot `ref`. */
  private placeSplit(leafNode: number, parent: number, ref: number, cd: number, cv: number): number {
    const at = this.scratch.point;
    const leaf = ~leafNode;
    const n = this.newNode(cd, cv, this.leafMass[leaf] + 1);
    const nl = this.newLeaf(ref);
    if (at[cd] <= cv) {
      this.nodes[n * 4] = ~nl;
      this.nodes[n * 4 + 1] = leafNode;
    } else {
      this.nodes[n * 4] = leafNode;
      this.nodes[n * 4 + 1] = ~nl;
    }
    this.replaceChild(parent, leafNode, n);
    return n;
  }

  /** Puts a new node cutting dimension `cd` at `cv` between `node` (under `parent`) and a new leaf for slot `ref`; returns it. */
  private insertAbove(node: number, parent: number, ref: number, cd: number, cv: number): number {
    const at = this.scratch.point;
    const n = this.newNode(cd, cv, this.nodes[node * 4 + 3] + 1);
    const nl = this.newLeaf(ref);
    if (at[cd] <= cv) {
      this.nodes[n * 4] = ~nl;
      this.nodes[n * 4 + 1] = node;
    } else {
      this.nodes[n * 4] = node;
      this.nodes[n * 4 + 1] = ~nl;
    }
    this.replaceChild(parent, node, n);
    return n;
  }

  /** Removes one copy of the point stored at slot `ref` (which the tree must hold). */
  delete(ref: number): void {
    if (this.root === EMPTY) throw new Error("cannot delete from an empty tree");
    const K = this.kernel;
    let holds: boolean;
    if (K) {
      this.pathDepth = K.descendRef(this.krec, this.root, this.points.byteOffset, ref, this.dim);
      this.pathLeaf = this.rec32[R_LEAF];
      holds = this.rec32[R_HOLDS] !== 0;
    } else {
      const at = this.loadPoint(ref);
      this.descendFrom(this.root, 0, at);
      holds = this.leafHolds(at);
    }
    const depth = this.pathDepth;
    const leaf = this.pathLeaf;
    if (!holds) throw new Error(`tree does not hold point slot ${ref}: its path ends at a different point`);
    const nodes = this.nodes;
    const path = this.path;
    this.totalMass--;
    for (let i = 0; i < depth; i++) nodes[path[i] * 4 + 3]--;
    if (--this.leafMass[leaf] > 0) return;
    this.freeLeafAt(leaf);
    if (depth === 0) {
      this.root = EMPTY;
      return;
    }
    const p = path[depth - 1];
    const sibling = nodes[p * 4] === ~leaf ? nodes[p * 4 + 1] : nodes[p * 4];
    const g = depth >= 2 ? path[depth - 2] : -1;
    this.replaceChild(g, p, sibling);
    this.freeNodeAt(p);
    // The grandparent may become a twig (its box is then its points'); nodes above keep three leaves or more.
    if (g >= 0) this.fixBox(g);
    if (K) K.shrink(this.krec, depth - 2, this.box.byteOffset, this.rangeSum.byteOffset, this.points.byteOffset, ref, this.klist, this.dim);
    else this.shrinkBoxes(depth - 2, this.scratch.w);
  }

  /**
   * Anomaly score of `point` (expected inverse depth with displacement, as the reference RCF's
   * AnomalyScoreVisitor), normalised by log2(mass + 1) so that inliers score about 1. If `attr` is given it
   * receives this tree's per-dimension contributions (summing to the returned score).
   */
  score(point: Float64Array, attr?: Float64Array): number {
    if (this.root === EMPTY) return 0;
    const w = this.scratch.w;
    for (let d = 0; d < this.dim; d++) {
      w[2 * d] = point[d];
      w[2 * d + 1] = -point[d];
    }
    this.descendFrom(this.root, 0, point);
    this.scoreFromLeaf(point, w, attr);
    return this.result[0];
  }

  /** Whether the leaf of the last descent holds `point` itself (the score's shortcut, insert's and delete's check). */
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
      // Index arithmetic instead of a branch: the direction is a coin flip the CPU cannot predict.
      node = nodes[k + +(point[nodes[k + 2]] > cuts[node])];
    }
    this.pathDepth = depth;
    this.pathLeaf = ~node;
  }

  /**
   * The rest of {@link score} once a descent has found the leaf, `w` the point in box form (w[2d] = v_d,
   * w[2d + 1] = −v_d); into `result[0]`. (For treeScoring.ts.)
   */
  scoreFromLeaf(point: Float64Array, w: Float64Array, attr?: Float64Array): void {
    const dim = this.dim;
    const depth = this.pathDepth;
    const leaf = this.pathLeaf;
    const lb = this.leafRef[leaf] * dim;
    let score: number;
    if (this.leafHolds(point)) {
      const lm = this.leafMass[leaf];
      score = (1 - lm / (2 * this.totalMass)) / (depth + Math.log2(lm + 1));
      if (attr) attr.fill(score / dim);
    } else if (attr) {
      score = walkUpWithAttribution(this, point, depth, lb, attr);
    } else {
      score = walkUp(this, w);
    }
    const norm = this.log2Mass1[this.totalMass];
    if (attr) for (let d = 0; d < dim; d++) attr[d] *= norm;
    this.result[0] = score * norm;
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
