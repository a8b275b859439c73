import { indexArray, type IndexArray } from "./treeArrays";

/**
 * Time-decayed weighted reservoir sampler of one tree (as the reference RCF's CompactSampler): a point
 * arriving at sequence number `seq` gets the weight `log(-log(u)) - timeDecay * seq` (u uniform); the sampler
 * keeps the `capacity` points of lowest weight in a max-heap, so recent points are favoured with a memory of
 * about 1 / timeDecay points. Arrays are preallocated; `accept` never allocates. Weights are held in float32, as
 * the reference does: `seq` counts time steps, so after ten years of 1-minute steps at the default decay the
 * weights are near -2,000, resolved to 1e-4, against a random part spread over about ±2.
 */
export class CompactSampler {
  readonly weights: Float32Array;
  /** The point store slots of the sampled points (16-bit when the store's capacity allows). */
  readonly refs: IndexArray;
  size = 0;
  /** {@link mightAccept}'s cache: the heaviest weight it was computed for, the last sequence number it covers, the bound. */
  private boundTop = NaN;
  private boundDecay = NaN;
  private boundUntil = -1;
  private bound = 0;
  /** The weight computed by the last {@link accepts}. */
  readonly offered = new Float64Array(1);

  constructor(
    readonly capacity: number,
    public timeDecay: number,
    /** The most slots of the point store the sampler refers to. */
    pointSlots = 0x7fffffff,
  ) {
    this.weights = new Float32Array(capacity);
    this.refs = indexArray(capacity, pointSlots);
  }

  /** Bytes of the typed arrays behind the sampler. */
  memoryBytes(): number {
    return this.weights.byteLength + this.refs.byteLength + this.offered.byteLength;
  }

  isFull(): boolean {
    return this.size === this.capacity;
  }

  /** The weight a point at `seq` would get for the uniform draw `u` in (0, 1). */
  weightOf(seq: number, u: number): number {
    return Math.log(-Math.log(u)) - this.timeDecay * seq;
  }

  /**
   * A cheap necessary condition for accepting the point at `seq` with the draw `u`: false only when the exact
   * test (`wouldAccept(weightOf(seq, u))`) would reject. Accepting needs log(-log u) - timeDecay · seq < max
   * weight W, i.e. u > exp(-exp(W + timeDecay · seq)); that bound only falls as seq grows, so one bound,
   * computed for the last seq of a window of 64 and shrunk by a relative 1e-9 to absorb rounding, serves the
   * window until W (or timeDecay) changes. Saves the two logarithms of the exact weight for the ~90 % of draws a full
   * sampler rejects; decisions are exactly those of the exact test.
   */
  mightAccept(seq: number, u: number): boolean {
    if (this.size < this.capacity) return true;
    const top = this.weights[0];
    if (seq > this.boundUntil || top !== this.boundTop || this.timeDecay !== this.boundDecay) {
      this.boundUntil = seq + 63;
      this.boundTop = top;
      this.boundDecay = this.timeDecay;
      this.bound = Math.exp(-Math.exp(top + this.timeDecay * this.boundUntil) * (1 + 1e-9));
    }
    return !(u < this.bound);
  }

  /**
   * The exact test for the point at `seq` with the draw `u`: `wouldAccept(weightOf(seq, u))`, the weight left in
   * `offered[0]` for {@link add}. (Returning the weight would box a double per call where V8 does not inline.)
   */
  accepts(seq: number, u: number): boolean {
    const w = this.weightOf(seq, u);
    this.offered[0] = w;
    return this.wouldAccept(w);
  }

  /** Whether a point of weight `w` is accepted: always while filling, else if lighter than the heaviest kept. */
  wouldAccept(w: number): boolean {
    return this.size < this.capacity || w < this.weights[0];
  }

  /**
   * Removes the heaviest entry (only when full) to make room, returning its point reference, or -1 when
   * the sampler was not full.
   */
  evictMax(): number {
    if (this.size < this.capacity) return -1;
    const ref = this.refs[0];
    const last = --this.size;
    this.weights[0] = this.weights[last];
    this.refs[0] = this.refs[last];
    this.siftDown(0);
    return ref;
  }

  /** Adds an entry; the caller has made room with `evictMax` when full. */
  add(w: number, ref: number): void {
    let i = this.size++;
    // sift up
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.weights[p] >= w) break;
      this.weights[i] = this.weights[p];
      this.refs[i] = this.refs[p];
      i = p;
    }
    this.weights[i] = w;
    this.refs[i] = ref;
  }

  private siftDown(start: number): void {
    const n = this.size;
    const w = this.weights[start];
    const r = this.refs[start];
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const rc = l + 1;
      const c = rc < n && this.weights[rc] > this.weights[l] ? rc : l;
      if (this.weights[c] <= w) break;
      this.weights[i] = this.weights[c];
      this.refs[i] = this.refs[c];
      i = c;
    }
    this.weights[i] = w;
    this.refs[i] = r;
  }
}
