/**
 * Reference-counted storage of the points a forest's samplers hold, in one flat Float64Array (row-major,
 * `dim` values per slot). A point accepted by several trees is stored once; a slot is reused as soon as no
 * tree references it. Capacity is fixed at construction, so the hot path never allocates.
 */
export class PointStore {
  /** Row-major point values: slot `i` occupies `[i * dim, (i + 1) * dim)`. */
  readonly values: Float64Array;
  private readonly refCount: Int32Array;
  private readonly free: Int32Array;
  private freeTop: number;

  constructor(
    readonly dim: number,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`point store dim must be a positive integer, got ${dim}`);
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`point store capacity must be a positive integer, got ${capacity}`);
    this.values = new Float64Array(dim * capacity);
    this.refCount = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
  }

  /** Copies `point` into a free slot (reference count 0) and returns the slot. */
  add(point: ArrayLike<number>): number {
    if (this.freeTop === 0) throw new Error(`point store is full (${this.capacity} points)`);
    const slot = this.free[--this.freeTop];
    const base = slot * this.dim;
    for (let d = 0; d < this.dim; d++) this.values[base + d] = point[d];
    return slot;
  }

  incRef(slot: number): void {
    this.refCount[slot]++;
  }

  /** Drops one reference; the slot is freed when none remain. */
  decRef(slot: number): void {
    const c = --this.refCount[slot];
    if (c < 0) throw new Error(`point store slot ${slot} released more often than referenced`);
    if (c === 0) this.free[this.freeTop++] = slot;
  }

  /** Frees a slot added by `add` that no tree took (reference count still 0). */
  releaseIfUnused(slot: number): void {
    if (this.refCount[slot] === 0) this.free[this.freeTop++] = slot;
  }

  references(slot: number): number {
    return this.refCount[slot];
  }

  /** Bytes of the typed arrays behind the store. */
  memoryBytes(): number {
    return this.values.byteLength + this.refCount.byteLength + this.free.byteLength;
  }

  /** Number of slots in use. */
  size(): number {
    return this.capacity - this.freeTop;
  }

  /** Copies slot `slot` into `out`. */
  get(slot: number, out: Float64Array | number[]): void {
    const base = slot * this.dim;
    for (let d = 0; d < this.dim; d++) out[d] = this.values[base + d];
  }

  /**
   * Restores a store from `points` (row-major, `count` = points.length / dim) with reference counts `refs`;
   * slot i holds point i.
   */
  static restore(dim: number, capacity: number, points: Float64Array, refs: Int32Array): PointStore {
    const count = refs.length;
    if (points.length !== count * dim) throw new Error(`point store state: ${points.length} values do not make ${count} points of dim ${dim}`);
    if (count > capacity) throw new Error(`point store state holds ${count} points, more than its capacity ${capacity}`);
    const store = new PointStore(dim, capacity);
    store.values.set(points);
    store.refCount.set(refs);
    store.freeTop = 0;
    for (let i = capacity - 1; i >= count; i--) store.free[store.freeTop++] = i;
    return store;
  }
}
