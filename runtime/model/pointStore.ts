import type { ForestArena } from "./forestArena";
import { indexArray, type IndexArray } from "./indexArray";

/**
 * Reference-counted storage of the points a forest's samplers hold, in one flat Float32Array (row-major, `dim`
 * values per slot; float32 as the reference RCF stores them). A point accepted by several trees is stored once;
 * a slot is reused as soon as no tree references it. The store starts small and grows by about an eighth when
 * full, up to `maxCapacity` (every tree holding distinct points): a forest's trees share most of their points,
 * so a full-size store would be mostly empty. Growing replaces `values` (the forest re-points its trees); the
 * hot path does not allocate otherwise.
 */
export class PointStore {
  /** Row-major point values: slot `i` occupies `[i * dim, (i + 1) * dim)`. */
  values: Float32Array;
  /** Per slot: how many trees hold it; and the free slots. 16-bit where `maxCapacity` allows (as tree indices). */
  private refCount: IndexArray;
  private free: IndexArray;
  private freeTop: number;

  constructor(
    readonly dim: number,
    readonly maxCapacity: number,
    initialCapacity = Math.min(maxCapacity, 256),
    /** The forest's arena, once sealed where `values` lives and grows (forestArena.ts). */
    private readonly arena?: ForestArena,
  ) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`point store dim must be a positive integer, got ${dim}`);
    if (!Number.isInteger(maxCapacity) || maxCapacity < 1) throw new Error(`point store capacity must be a positive integer, got ${maxCapacity}`);
    const c = Math.max(1, Math.min(maxCapacity, initialCapacity));
    this.values = new Float32Array(dim * c);
    this.refCount = indexArray(c, maxCapacity);
    this.free = indexArray(c, maxCapacity);
    for (let i = 0; i < c; i++) this.free[i] = c - 1 - i;
    this.freeTop = c;
  }

  /** Slots allocated (in use or free). */
  get capacity(): number {
    return this.refCount.length;
  }

  /** Copies `point` (rounded to float32) into a free slot (reference count 0) and returns the slot. */
  add(point: ArrayLike<number>): number {
    if (this.freeTop === 0) this.grow();
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

  /** Number of slots in use. */
  size(): number {
    return this.capacity - this.freeTop;
  }

  /** Bytes of the typed arrays behind the store. */
  memoryBytes(): number {
    return this.values.byteLength + this.refCount.byteLength + this.free.byteLength;
  }

  /**
   * Restores a store from `points` (row-major float32, `count` = points.length / dim) with reference counts
   * `refs`: slot i holds point i; slots with no reference are free.
   */
  static restore(dim: number, maxCapacity: number, points: Float32Array, refs: Int32Array, arena?: ForestArena): PointStore {
    const count = refs.length;
    if (points.length !== count * dim) throw new Error(`point store state: ${points.length} values do not make ${count} points of dim ${dim}`);
    if (count > maxCapacity) throw new Error(`point store state holds ${count} points, more than its capacity ${maxCapacity}`);
    const store = new PointStore(dim, maxCapacity, Math.max(count + (count >> 3), 1), arena);
    store.values.set(points);
    store.refCount.set(refs);
    store.freeTop = 0;
    for (let i = store.capacity - 1; i >= 0; i--) if (i >= count || refs[i] === 0) store.free[store.freeTop++] = i;
    return store;
  }

  /** Adds about an eighth more slots (at least 16), up to `maxCapacity`. */
  private grow(): void {
    const old = this.capacity;
    const size = Math.min(this.maxCapacity, old + Math.max(16, old >> 3));
    if (size === old) throw new Error(`point store is full (${old} points)`);
    let values: Float32Array;
    if (this.arena) values = this.arena.growStore(this.values, size * this.dim);
    else {
      values = new Float32Array(size * this.dim);
      values.set(this.values);
    }
    const refCount = indexArray(size, this.maxCapacity);
    refCount.set(this.refCount);
    const free = indexArray(size, this.maxCapacity);
    free.set(this.free.subarray(0, this.freeTop));
    for (let i = size - 1; i >= old; i--) free[this.freeTop++] = i;
    this.values = values;
    this.refCount = refCount;
    this.free = free;
  }
}
