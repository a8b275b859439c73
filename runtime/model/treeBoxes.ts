import type { ForestKernel } from "./forestKernel";
import { TreeArrays } from "./treeArrays";

/**
 * The bounding-box operations of a {@link StreamingTree} over {@link TreeArrays}: reading a node's box (stored,
 * or spanned by a twig's two points), the bound lists of the walks back up,
 * growing boxes on insert and shrinking them on delete. Boxes are exact (points are float32, and so are boxes).
 *
 * A box is stored as (min, −max) per dimension: offset 2d holds dimension d's min, 2d + 1 its max negated, so
 * every bound is "smaller is wider". A point is given as `w` with w[2d] = v_d and w[2d + 1] = −v_d: it lies
 * outside bound `off` by `box[off] − w[off]` when that is positive; a box grows to take a point in by
 * `min(box[off], w[off])` and its range sum is −Σ (box[2d] + box[2d + 1]). One formula for both sides keeps
 * the hot loops short.
 *
 * Exact selections go through a two-entry array indexed by the comparison (`pick`): which of two values is
 * the smaller is a coin flip the CPU would mispredict half the time as a branch (Math.min compiles to
 * branches). A twig's gap is selected the same way, so it equals what a stored box of its two points would give.
 */
export class TreeBoxes extends TreeArrays {
  /**
   * The forest's WebAssembly kernel, when the tree's arrays live in the forest's arena (forestArena.ts; set by the
   * forest with {@link useKernel}): the hot loops of insert, delete and box building run there, bit for bit.
   */
  kernel: ForestKernel | undefined = undefined;
  /** This tree's kernel record (byte offset into the arena), as int32 and float64 views; the kernel's i32 scratch list. */
  krec = 0;
  rec32: Int32Array = new Int32Array(0);
  rec64: Float64Array = new Float64Array(0);
  klist = 0;

  /** Runs this tree's hot loops through `kernel` over its record at `rec32` (the record's pointers filled in). */
  useKernel(kernel: ForestKernel, rec32: Int32Array, klist: number): void {
    this.kernel = kernel;
    this.rec32 = rec32;
    this.rec64 = new Float64Array(rec32.buffer, rec32.byteOffset, rec32.length >> 1);
    this.krec = rec32.byteOffset;
    this.klist = klist;
  }
  /** Point offsets (into `points`) of the twig last passed to {@link twigPoints}. */
  private pa = 0;
  private pb = 0;
  /** Scratch of exact branch-free selection. */
  private readonly pick = new Float64Array(2);
  /**
   * Two child references resolved for {@link boundOf} (index 0 and 1): kind 0 a leaf (offset 0 its point's),
   * 1 a stored box (offset 0 its base), 2 a twig (offsets 0 and 1 its points'). Resolving once per node instead
   * of once per bound saves re-reading the children's links for every dimension.
   */
  private readonly kinds = new Int32Array(2);
  private readonly offs = new Int32Array(4);

  /** The sum of slot `s`'s box side lengths, into `rangeSum[s]` (dimension order). */
  updateRangeSum(s: number): void {
    const box = this.box;
    const end = (s + 1) * 2 * this.dim;
    let sum = 0;
    for (let o = s * 2 * this.dim; o < end; o += 2) sum -= box[o] + box[o + 1];
    this.rangeSum[s] = sum;
  }

  /** Sets `pa`, `pb` to the point offsets of twig `n`'s two leaves. */
  twigPoints(n: number): void {
    const nodes = this.nodes;
    const dim = this.dim;
    this.pa = this.leafRef[~nodes[n * 4]] * dim;
    this.pb = this.leafRef[~nodes[n * 4 + 1]] * dim;
  }

  /**
   * Makes node `n`'s box readable at `bx[returned + off]` (min at 2d, −max at 2d + 1): its slot in the pool, or
   * for a twig the scratch box filled from its points. Sets `range` to its range sum.
   */
  loadBox(n: number): number {
    const s = this.boxSlot[n];
    if (s >= 0) {
      this.bx = this.box;
      this.range = this.rangeSum[s];
      return s * 2 * this.dim;
    }
    const out = this.scratch.looseBox;
    let range = 0;
    this.resolve(n, 0);
    for (let off = 0; off < out.length; off += 2) {
      out[off] = this.boundOf(0, off);
      out[off + 1] = this.boundOf(0, off + 1);
      range -= out[off] + out[off + 1];
    }
    this.bx = out;
    this.range = range;
    return 0;
  }

  /** Resolves child reference `c` into slot `i` (0 or 1) of {@link boundOf}. */
  private resolve(c: number, i: number): void {
    const offs = this.offs;
    if (c < 0) {
      this.kinds[i] = 0;
      offs[2 * i] = this.leafRef[~c] * this.dim;
      return;
    }
    const s = this.boxSlot[c];
    if (s >= 0) {
      this.kinds[i] = 1;
      offs[2 * i] = s * 2 * this.dim;
      return;
    }
    this.twigPoints(c);
    this.kinds[i] = 2;
    offs[2 * i] = this.pa;
    offs[2 * i + 1] = this.pb;
  }

  /**
   * Bound `off` (in the (min, −max) form) of the child resolved into slot `i`: a leaf's ±value, a stored box's
   * bound, or the exact minimum over a twig's two points.
   */
  private boundOf(i: number, off: number): number {
    const k = this.kinds[i];
    const q = this.offs[2 * i];
    if (k === 1) return this.box[q + off];
    const d = off >> 1;
    const sign = 1 - 2 * (off & 1);
    const pts = this.points;
    if (k === 0) return sign * pts[q + d];
    const pick = this.pick;
    pick[0] = sign * pts[q + d];
    pick[1] = sign * pts[this.offs[2 * i + 1] + d];
    return pick[+(pick[1] < pick[0])];
  }

  /**
   * Gives node `n` a stored box unless it is a twig (the union of its children's boxes, which must be in
   * order), or takes its slot back when it has become one. Returns whether it has one.
   */
  fixBox(n: number): boolean {
    if (!this.needsBox(n)) {
      this.releaseBox(n);
      return false;
    }
    if (this.boxSlot[n] < 0) this.computeBox(n, this.takeBox(n));
    return true;
  }

  /** Sets slot `s` to the union of node `n`'s children's boxes and updates its range sum. */
  computeBox(n: number, s: number): void {
    if (this.kernel) {
      this.kernel.computeBox(this.krec, n, s, this.box.byteOffset, this.rangeSum.byteOffset, this.points.byteOffset, this.dim);
      return;
    }
    this.resolve(this.nodes[n * 4], 0);
    this.resolve(this.nodes[n * 4 + 1], 1);
    const box = this.box;
    const pick = this.pick;
    const base = s * 2 * this.dim;
    // (boundOf uses `pick` itself: both bounds first, then the selection.)
    for (let off = 0; off < 2 * this.dim; off++) {
      const x = this.boundOf(0, off);
      const y = this.boundOf(1, off);
      pick[0] = x;
      pick[1] = y;
      box[base + off] = pick[+(y < x)];
    }
    this.updateRangeSum(s);
  }

  /**
   * Lists in the lane the bounds of node `n`'s box that the point `w` lies outside of (offsets, in dimension
   * order); sets `gap` to the summed distance and `range` to the box's range sum; returns whether any.
   */
  outsideBounds(n: number, w: Float64Array): boolean {
    const s = this.boxSlot[n];
    if (s < 0) return this.outsideTwig(n, w);
    const box = this.box;
    const lane = this.lane;
    const list = lane.list;
    const end = 2 * this.dim;
    const base = s * end;
    let m = 0;
    let gap = 0;
    // Branch-free (outside is a coin flip per dimension): every dimension writes an entry, only an outside one
    // advances m; max(x, 0) as (x + |x|) / 2, exact (at most one of the two bounds is exceeded).
    for (let off = 0; off < end; off += 2) {
      const lo = box[base + off] - w[off];
      const hi = box[base + off + 1] - w[off + 1];
      const g = 0.5 * (lo + Math.abs(lo) + (hi + Math.abs(hi)));
      gap += g;
      list[m] = off + +(hi > 0);
      m += +(g > 0);
    }
    lane.m = m;
    this.gap = gap;
    this.range = this.rangeSum[s];
    return m > 0;
  }

  /**
   * {@link outsideBounds} for a twig, from its two points x, y: with a = x − v and b = y − v, the point lies
   * below the min when both are > 0 (by their minimum), above the max when both are < 0 (by the minimum of
   * their magnitudes).
   */
  private outsideTwig(n: number, w: Float64Array): boolean {
    this.twigPoints(n);
    const dim = this.dim;
    const pts = this.points;
    const { pa, pb } = this;
    const lane = this.lane;
    const list = lane.list;
    const pick = this.pick;
    let m = 0;
    let gap = 0;
    let range = 0;
    for (let d = 0; d < dim; d++) {
      const v = w[2 * d];
      const x = pts[pa + d];
      const y = pts[pb + d];
      const a = x - v;
      const b = y - v;
      const span = Math.abs(x - y);
      const below = +(a > 0) & +(b > 0);
      const above = +(a < 0) & +(b < 0);
      // The nearer point's distance, selected exactly: (|a| + |b| − ||a| − |b||) / 2 loses the smaller one
      // entirely when the two differ by 16 orders of magnitude (a series normalised by a near-zero deviation).
      pick[0] = Math.abs(a);
      pick[1] = Math.abs(b);
      gap += (below | above) * pick[+(pick[1] < pick[0])];
      range += span;
      list[m] = 2 * d + above;
      m += below | above;
    }
    lane.m = m;
    this.gap = gap;
    this.range = range;
    return m > 0;
  }

  /**
   * Narrows the lane's list (from a descendant of node `n`) to the bounds of node `n`'s box the point `w` still
   * lies outside of, keeping their order; sums their gaps into `gap`, sets `range`; returns whether any remain.
   * Node `n` is above the walk's first level, so it has a stored box (only twigs have none).
   */
  narrowBounds(n: number, w: Float64Array): boolean {
    const s = this.boxSlot[n];
    if (s < 0) throw new Error(`tree node ${n} has no stored box above a walk's first level`);
    const box = this.box;
    const lane = this.lane;
    const list = lane.list;
    const base = s * 2 * this.dim;
    let gap = 0;
    let k = 0;
    // Branch-free compaction (whether a bound drops out is a coin flip): every entry is written, only a kept one
    // advances k; adding a dropped entry's (g + |g|) / 2 = 0 leaves the sum that of the kept ones.
    for (let i = 0, m = lane.m; i < m; i++) {
      const off = list[i];
      const g = box[base + off] - w[off];
      gap += 0.5 * (g + Math.abs(g));
      list[k] = off;
      k += +(g > 0);
    }
    lane.m = k;
    this.gap = gap;
    this.range = this.rangeSum[s];
    return k > 0;
  }

  /** Saves the lane's list as the bounds an inserted point extends. */
  keepBounds(): void {
    const sc = this.scratch;
    const lane = this.lane;
    const kept = sc.kept;
    const list = lane.list;
    for (let i = 0; i < lane.m; i++) kept[i] = list[i];
    sc.nKept = lane.m;
  }

  /**
   * Grows node `n`'s stored box over the kept bounds to take in the point `w`, and narrows the kept list to the
   * bounds that moved: called from a node up through its ancestors, a bound the point lies inside of at one
   * level lies inside at every ancestor (boxes nest). Branch-free, as {@link narrowBounds}. Updates the range
   * sum if the box grew.
   */
  extendBounds(n: number, w: Float64Array): void {
    const box = this.box;
    const sc = this.scratch;
    const kept = sc.kept;
    const pick = this.pick;
    const base = this.boxSlot[n] * 2 * this.dim;
    let k = 0;
    for (let i = 0, m = sc.nKept; i < m; i++) {
      const off = kept[i];
      pick[0] = box[base + off];
      pick[1] = w[off];
      const out = +(pick[1] < pick[0]);
      box[base + off] = pick[out];
      kept[k] = off;
      k += out;
    }
    sc.nKept = k;
    if (k > 0) this.updateRangeSum(this.boxSlot[n]);
  }

  /**
   * After the point `w` left the subtree of `path[level]`, shrinks the stored boxes of `path[level]` and its
   * ancestors (twigs have nothing stored). Only a bound equal to the point's value can shrink, and only
   * a bound that shrank at a node can shrink at its parent, so the walk re-derives just those bounds and stops
   * when none is left: the boxes end as {@link computeBox} would leave them, at a fraction of the work.
   */
  shrinkBoxes(level: number, w: Float64Array): void {
    const path = this.path;
    while (level >= 0 && this.boxSlot[path[level]] < 0) level--;
    if (level < 0) return;
    const box = this.box;
    const nodes = this.nodes;
    const sc = this.scratch;
    const list = sc.kept;
    const pick = this.pick;
    const end = 2 * this.dim;
    let base = this.boxSlot[path[level]] * end;
    let m = 0;
    // Branch-free: whether the point defined a bound is a coin flip. Every candidate is written, only a kept
    // one advances the count.
    for (let off = 0; off < end; off++) {
      list[m] = off;
      m += +(box[base + off] === w[off]);
    }
    for (; level >= 0 && m > 0; level--) {
      const n = path[level];
      const s = this.boxSlot[n];
      base = s * end;
      this.resolve(nodes[n * 4], 0);
      this.resolve(nodes[n * 4 + 1], 1);
      let k = 0;
      for (let i = 0; i < m; i++) {
        const off = list[i];
        const x = this.boundOf(0, off);
        const y = this.boundOf(1, off);
        pick[0] = x;
        pick[1] = y;
        const v = pick[+(y < x)];
        const moved = +(box[base + off] !== v);
        box[base + off] = v;
        list[k] = off;
        k += moved;
      }
      if (k > 0) this.updateRangeSum(s);
      m = k;
    }
  }

  /** L1 distance from `point` (plain values) to the box of `ref` (a leaf's point, a stored box or a twig's) over the dimensions not missing. */
  distance(ref: number, point: Float64Array, missing: Uint8Array): number {
    const dim = this.dim;
    let sum = 0;
    if (ref < 0) {
      const b = this.leafRef[~ref] * dim;
      for (let d = 0; d < dim; d++) if (!missing[d]) sum += Math.abs(point[d] - this.points[b + d]);
      return sum;
    }
    const b = this.loadBox(ref);
    const box = this.bx;
    for (let d = 0; d < dim; d++) {
      if (missing[d]) continue;
      const v = point[d];
      const lo = box[b + 2 * d];
      const hi = -box[b + 2 * d + 1];
      if (v < lo) sum += lo - v;
      else if (v > hi) sum += v - hi;
    }
    return sum;
  }
}
