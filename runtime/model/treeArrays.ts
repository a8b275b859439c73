/** No node: the empty tree's root. */
export const NONE = 0x7fffffff;

/**
 * The storage of a {@link StreamingTree}: flat typed arrays of fixed capacity and the small operations that
 * keep them consistent (node and leaf allocation, re-linking, bounding boxes). Internal nodes keep their cut,
 * mass, parent and bounding box; leaves keep a reference into the forest's {@link PointStore} and their
 * multiplicity. Child references are >= 0 for an internal node and `~leaf` (< 0) for a leaf. The fields are
 * public for the tree's algorithms and its state mapping only (streamingTree.ts, streamingTreeState.ts).
 */
export class TreeArrays {
  /** Per internal node n: [4n] left child, [4n+1] right child, [4n+2] cut dimension, [4n+3] mass (one cache line walk). */
  readonly nodes: Int32Array;
  readonly parent: Int32Array;
  readonly cutValue: Float64Array;
  /**
   * Per internal node n, per dimension d: [2·dim·n + 2d] min, [+1] max of the subtree's bounding box, in
   * float32 rounded outwards (half the memory traffic of the score walk; the box still contains every point,
   * so insert's separation tests stay exact; ranges are off by at most 1 part in 2^23 per side).
   */
  readonly box: Float32Array;
  /** Per internal node: the sum of its box's side lengths (the score walk's denominator, kept up to date). */
  readonly rangeSum: Float64Array;
  readonly leafRef: Int32Array;
  readonly leafMass: Int32Array;
  readonly leafParent: Int32Array;
  readonly freeNodes: Int32Array;
  readonly freeLeaves: Int32Array;
  freeNodeTop: number;
  freeLeafTop: number;
  root = NONE;
  /** Total number of points (with multiplicity). */
  totalMass = 0;
  /** Scratch: the root-to-leaf path of the last walk (size capacity + 1: a degenerate tree is a chain). */
  readonly path: Int32Array;
  /** The last score descent's length (`path[0 … pathDepth)`) and the leaf it ended at. */
  pathDepth = 0;
  pathLeaf = 0;
  /**
   * Scratch of the walks back up, one entry per box bound still in play: `bound[i]` is a box offset (2d for a
   * min, 2d + 1 for a max). A bound that drops out at one level stays out at every ancestor (boxes nest), so
   * the list only shrinks going up.
   */
  readonly bound: Int32Array;
  /** Per box offset: +1 for a min (2d), -1 for a max (2d + 1); the gap of a bound is `boundSign · (bound − v)`. */
  readonly boundSign: Float64Array;
  /** The gap summed by the last {@link outsideBounds}. */
  gap = 0;
  /** Scratch: the bounds saved by {@link keepBounds} (box offsets, as in `bound`), `kept` of them. */
  readonly keptBound: Int32Array;
  /** Scratch of {@link extendBounds}: per kept bound, the inserted point's value rounded outwards to float32. */
  readonly keptValue: Float64Array;
  /** Scratch of {@link extendBounds}: per kept bound, the inserted point's value. */
  readonly keptRaw: Float64Array;
  kept = 0;
  /** Scratch of branch-free selection between two values (see {@link shrinkBoxes}). */
  readonly pair = new Float64Array(2);
  /** log2(m + 1) for every mass m the tree can hold: the score's normaliser without a logarithm per call. */
  readonly log2Mass1: Float64Array;

  constructor(
    readonly dim: number,
    readonly capacity: number,
    readonly points: Float64Array,
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
    this.bound = new Int32Array(2 * dim);
    this.boundSign = new Float64Array(2 * dim);
    for (let d = 0; d < dim; d++) {
      this.boundSign[2 * d] = 1;
      this.boundSign[2 * d + 1] = -1;
    }
    this.keptBound = new Int32Array(2 * dim);
    this.keptValue = new Float64Array(2 * dim);
    this.keptRaw = new Float64Array(2 * dim);
    this.log2Mass1 = new Float64Array(c + 2);
    for (let m = 0; m < c + 2; m++) this.log2Mass1[m] = Math.log2(m + 1);
  }

  /** Bytes of the typed arrays behind the tree (storage and scratch). */
  memoryBytes(): number {
    const arrays = [this.nodes, this.parent, this.cutValue, this.box, this.rangeSum, this.leafRef, this.leafMass, this.leafParent, this.freeNodes, this.freeLeaves, this.path, this.bound, this.boundSign, this.keptBound, this.keptValue, this.keptRaw, this.pair, this.log2Mass1];
    return arrays.reduce((sum, a) => sum + a.byteLength, 0);
  }

  isEmpty(): boolean {
    return this.root === NONE;
  }

  newNode(cd: number, cv: number, parent: number, mass: number): number {
    const n = this.freeNodes[--this.freeNodeTop];
    this.nodes[n * 4 + 2] = cd;
    this.cutValue[n] = cv;
    this.parent[n] = parent;
    this.nodes[n * 4 + 3] = mass;
    return n;
  }

  newLeaf(ref: number, parent: number): number {
    const l = this.freeLeaves[--this.freeLeafTop];
    this.leafRef[l] = ref;
    this.leafMass[l] = 1;
    this.leafParent[l] = parent;
    return l;
  }

  replaceChild(parent: number, oldChild: number, newChild: number): void {
    if (parent < 0) this.root = newChild;
    else if (this.nodes[parent * 4] === oldChild) this.nodes[parent * 4] = newChild;
    else this.nodes[parent * 4 + 1] = newChild;
  }

  massOf(ref: number): number {
    return ref < 0 ? this.leafMass[~ref] : this.nodes[ref * 4 + 3];
  }

  /** L1 distance from `point` to the box of `ref` over the dimensions not missing. */
  distance(ref: number, point: Float64Array, missing: Uint8Array): number {
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

  updateRangeSum(n: number): void {
    const base = n * 2 * this.dim;
    let sum = 0;
    for (let d = 0; d < this.dim; d++) sum += this.box[base + 2 * d + 1] - this.box[base + 2 * d];
    this.rangeSum[n] = sum;
  }

  /** Sets node `n`'s box to the union of its children's; returns whether it changed. */
  recomputeBox(n: number): boolean {
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

  /**
   * Lists in `bound` the bounds of node `n`'s box that the point at `at[offset …]` lies outside of, in
   * dimension order, and their summed distance in `gap`; returns how many.
   */
  outsideBounds(n: number, at: Float64Array, offset: number): number {
    const dim = this.dim;
    const box = this.box;
    const bound = this.bound;
    let base = n * 2 * dim;
    let gap = 0;
    let m = 0;
    // Branch-free (outside is a coin flip per dimension): every dimension writes an entry, only an outside one
    // advances m; max(x, 0) as (x + |x|) / 2, exact (at most one of below, above is positive).
    for (let d = 0; d < dim; d++, base += 2) {
      const v = at[offset + d];
      const below = box[base] - v;
      const above = v - box[base + 1];
      const g = 0.5 * (below + Math.abs(below) + (above + Math.abs(above)));
      gap += g;
      bound[m] = 2 * d + +(above > 0);
      m += +(g > 0);
    }
    this.gap = gap;
    return m;
  }

  /**
   * Narrows the first `m` entries of `bound` (from a descendant of node `n`) to those `n`'s box still leaves the
   * point at `at[offset …]` outside of, keeping their order; sums their gaps into `gap`; returns how many remain.
   */
  narrowBounds(n: number, m: number, at: Float64Array, offset: number): number {
    const box = this.box;
    const bound = this.bound;
    const boundSign = this.boundSign;
    const base = n * 2 * this.dim;
    let gap = 0;
    let k = 0;
    // Branch-free compaction (whether a bound drops out is a coin flip): every entry is written, only a kept one
    // advances k. boundSign · (bound − v): min − v for a min, v − max for a max (negation is exact); adding the
    // dropped entries' (g + |g|) / 2 = 0 leaves the sum bit-for-bit that of the kept ones.
    for (let i = 0; i < m; i++) {
      const off = bound[i];
      const g = boundSign[off] * (box[base + off] - at[offset + (off >> 1)]);
      gap += 0.5 * (g + Math.abs(g));
      bound[k] = off;
      k += +(g > 0);
    }
    this.gap = gap;
    return k;
  }

  /** Saves the first `m` entries of `bound` into `keptBound`. */
  keepBounds(m: number): void {
    for (let i = 0; i < m; i++) this.keptBound[i] = this.bound[i];
    this.kept = m;
  }

  /**
   * Fills `keptValue` with the point at `pointBase`'s values on the kept bounds, rounded outwards to float32,
   * and `keptRaw` with the values themselves.
   */
  roundKept(pointBase: number): void {
    for (let i = 0; i < this.kept; i++) {
      const off = this.keptBound[i];
      const x = this.points[pointBase + (off >> 1)];
      this.keptRaw[i] = x;
      this.keptValue[i] = leafBound(x, off & 1);
    }
  }

  /**
   * Grows node `n`'s box over the kept bounds to take in their `keptValue`s, and narrows the kept list to the
   * bounds that moved: called from a node up through its ancestors, a bound the point lies inside of at one
   * level lies inside at every ancestor (boxes nest). Branch-free, as {@link narrowBounds}. Updates the range
   * sum if the box grew. {@link roundKept} comes first.
   */
  extendBounds(n: number): void {
    const box = this.box;
    const boundSign = this.boundSign;
    const keptBound = this.keptBound;
    const keptValue = this.keptValue;
    const keptRaw = this.keptRaw;
    const pair = this.pair;
    const base = n * 2 * this.dim;
    let k = 0;
    for (let i = 0; i < this.kept; i++) {
      const off = keptBound[i];
      const b = box[base + off];
      const x = keptRaw[i];
      // Outside when x is below a min (sign +1) or above a max (sign -1); the bound then becomes x rounded
      // outwards. (The test is on x: its rounding may step past a bound x lies within.)
      const out = +(boundSign[off] * (b - x) > 0);
      pair[0] = b;
      pair[1] = keptValue[i];
      box[base + off] = pair[out];
      keptBound[k] = off;
      keptValue[k] = pair[1];
      keptRaw[k] = x;
      k += out;
    }
    this.kept = k;
    if (k > 0) this.updateRangeSum(n);
  }


  /** Sets node `n`'s box to the one spanned by the points at `a` and `b` (offsets into `points`). */
  setBoxOfPoints(n: number, a: number, b: number): void {
    const dim = this.dim;
    const nb = n * 2 * dim;
    const pair = this.pair;
    // Branch-free (which point is lower is a coin flip): select by index.
    for (let d = 0; d < dim; d++) {
      pair[0] = this.points[a + d];
      pair[1] = this.points[b + d];
      const yLower = +(pair[1] < pair[0]);
      this.box[nb + 2 * d] = floorF32(pair[yLower]);
      this.box[nb + 2 * d + 1] = ceilF32(pair[1 - yLower]);
    }
    this.updateRangeSum(n);
  }

  /** Sets node `n`'s box to node `from`'s extended by the point at `pointBase`. */
  setBoxExtended(n: number, from: number, pointBase: number): void {
    const dim = this.dim;
    const nb = n * 2 * dim;
    const fb = from * 2 * dim;
    const pair = this.pair;
    // Branch-free (whether the point lies outside a bound is a coin flip): select by index. The test is on x
    // itself, not its rounding (floorF32/ceilF32 may step past a bound x lies within).
    for (let d = 0; d < dim; d++) {
      const x = this.points[pointBase + d];
      pair[0] = this.box[fb + 2 * d];
      pair[1] = floorF32(x);
      this.box[nb + 2 * d] = pair[+(x < pair[0])];
      pair[0] = this.box[fb + 2 * d + 1];
      pair[1] = ceilF32(x);
      this.box[nb + 2 * d + 1] = pair[+(x > pair[0])];
    }
    this.updateRangeSum(n);
  }

  /**
   * After the point at `pointBase` (an offset into `points`) left the subtree of `path[level]`, shrinks the
   * boxes of `path[level]` and its ancestors. Only a bound equal to the point's (rounded) value can shrink, and
   * only a bound that shrank at a node can shrink at its parent, so the walk re-derives just those bounds and
   * stops when none is left: the boxes end as `recomputeBox` would leave them, at a fraction of the work.
   */
  shrinkBoxes(level: number, pointBase: number): void {
    if (level < 0) return;
    const dim = this.dim;
    const box = this.box;
    const nodes = this.nodes;
    const bound = this.bound;
    const stride = 2 * dim;
    const boundSign = this.boundSign;
    const pts = this.points;
    const leafRef = this.leafRef;
    const pair = this.pair;
    let base = this.path[level] * stride;
    let m = 0;
    // Branch-free throughout: whether the point defined a bound, which child defines it now and whether it
    // moved are all coin flips. Every candidate is written; only a kept one advances the count.
    for (let d = 0; d < dim; d++) {
      const x = pts[pointBase + d];
      bound[m] = 2 * d;
      m += +(box[base + 2 * d] === floorF32(x));
      bound[m] = 2 * d + 1;
      m += +(box[base + 2 * d + 1] === ceilF32(x));
    }
    for (; level >= 0 && m > 0; level--) {
      const n = this.path[level];
      base = n * stride;
      const a = nodes[n * 4];
      const b = nodes[n * 4 + 1];
      let k = 0;
      for (let i = 0; i < m; i++) {
        const off = bound[i];
        const d = off >> 1;
        const isMax = off & 1;
        const x = a < 0 ? leafBound(pts[leafRef[~a] * dim + d], isMax) : box[a * stride + off];
        const y = b < 0 ? leafBound(pts[leafRef[~b] * dim + d], isMax) : box[b * stride + off];
        // The min of the two for a min bound (sign +1), the max for a max bound (sign -1).
        pair[0] = x;
        pair[1] = y;
        const v = pair[+(boundSign[off] * (x - y) > 0)];
        const moved = +(box[base + off] !== v);
        box[base + off] = v;
        bound[k] = off;
        k += moved;
      }
      if (k > 0) this.updateRangeSum(n);
      m = k;
    }
  }
}

/** The float32 box bound of a leaf's value: rounded down for a min (`isMax` 0), up for a max. */
function leafBound(x: number, isMax: number): number {
  const lo = floorF32(x);
  const hi = ceilF32(x);
  pick[0] = lo;
  pick[1] = hi;
  return pick[isMax];
}

/**
 * Scratch of the float32 rounding helpers: whether `Math.fround` rounded up or down is a coin flip, so they
 * select the result by index (a load) rather than by a branch the CPU would mispredict half the time.
 */
const pick = new Float64Array(2);

/** A float32 value <= x: x itself when representable, else at most two float32 steps below x. */
export function floorF32(x: number): number {
  const f = Math.fround(x);
  pick[0] = f;
  pick[1] = Math.fround(f - Math.abs(f) * 1.1920928955078125e-7 - 1.401298464324817e-45);
  return pick[+(f > x)];
}

/** A float32 value >= x: x itself when representable, else at most two float32 steps above x. */
export function ceilF32(x: number): number {
  const f = Math.fround(x);
  pick[0] = f;
  pick[1] = Math.fround(f + Math.abs(f) * 1.1920928955078125e-7 + 1.401298464324817e-45);
  return pick[+(f < x)];
}
