import { instantiateKernel, type ForestKernel } from "./forestKernel";
import { indexArray, type IndexArray } from "./indexArray";

const PAGE = 65536;
/** The most 64 KiB pages a 32-bit WebAssembly memory has. A shared memory needs a maximum; untouched pages cost no RAM. */
const MAX_PAGES = 65536;
/** The kernel reads 16-bit indices. */
const INDEX16 = 0x7fff;

/** Where a forest's fixed-size arrays come from: plain typed arrays, or a forest's {@link ForestArena}. */
export interface ArrayAllocator {
  f32(length: number): Float32Array;
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
  /** An index array (16-bit where `capacity` allows, see indexArray.ts). */
  index(length: number, capacity: number): IndexArray;
}

export const PLAIN_ARRAYS: ArrayAllocator = {
  f32: (n) => new Float32Array(n),
  f64: (n) => new Float64Array(n),
  i32: (n) => new Int32Array(n),
  index: indexArray,
};

/** Bytes of `a` unless it lives in a forest's arena (whose memory the forest counts once, pages and all). */
export function ownBytes(a: ArrayBufferView): number {
  return a.buffer instanceof SharedArrayBuffer ? 0 : a.byteLength;
}

/** The box pool's side of the arena: the pool takes the arrays the arena moved or grew and re-points its trees. */
export interface ArenaPool {
  box: Float32Array;
  rangeSum: Float64Array;
  replaceArrays(box: Float32Array, rangeSum: Float64Array): void;
}

/** The point store's side of the arena. */
export interface ArenaStore {
  values: Float32Array;
}

const align8 = (bytes: number): number => (bytes + 7) & ~7;

/**
 * One forest's arrays in one shared WebAssembly memory, so the kernel (forestKernel.ts) runs the hot loops on the
 * live arrays. Layout: the fixed-size arrays first (trees' nodes, cuts, box slots, leaves, paths; the kernel's
 * records, tables and scratch), bump-allocated while the forest is built; then, once {@link seal}ed, the point
 * store's values, the box pool's boxes and its range sums, in that order, each growing in place (what follows it
 * moves up). The memory grows a page at a time as they do, so it stays at the live size rounded up to a page
 * (docs/engine.md: per-tree pools or a bump allocator that leaves holes came out 30–60 % above it).
 *
 * The memory is shared (a SharedArrayBuffer): `grow` does not detach it, so every view made before a growth stays
 * valid; only the regions that moved get new views (the pool re-points its trees, the forest its trees' points).
 * Before the seal, the store and pool keep plain arrays (they are built before the forest knows its fixed size).
 */
export class ForestArena implements ArrayAllocator {
  readonly memory: WebAssembly.Memory;
  readonly kernel: ForestKernel;
  private top = 8;
  private sealed = false;
  private pool: ArenaPool | undefined;
  private storeAt = 0;
  private storeBytes = 0;
  private boxAt = 0;
  private boxBytes = 0;
  private sumAt = 0;
  private sumBytes = 0;

  private constructor() {
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    this.kernel = instantiateKernel(this.memory);
  }

  /**
   * An arena for a forest of this configuration, or undefined where the kernel cannot run it (an index array of
   * 32 bits: more nodes, points or box slots than 16-bit indices reach).
   */
  static forForest(dim: number, numTrees: number, sampleSize: number): ForestArena | undefined {
    const widest = Math.max(numTrees * (sampleSize + 1), numTrees * sampleSize + 1, 2 * dim);
    if (!(widest <= INDEX16)) return undefined;
    try {
      return new ForestArena();
    } catch (err) {
      // V8 reserves address space for every WebAssembly memory (some GiB each): with many thousands of forests alive
      // at once it can run out. The forest then runs in TypeScript, with the same results.
      if (err instanceof RangeError) return undefined;
      throw err;
    }
  }

  f32(n: number): Float32Array {
    const at = this.take(4 * n); // first: it may grow the memory, and `buffer` is then a new object
    return new Float32Array(this.memory.buffer, at, n);
  }

  f64(n: number): Float64Array {
    const at = this.take(8 * n); // first: it may grow the memory, and `buffer` is then a new object
    return new Float64Array(this.memory.buffer, at, n);
  }

  i32(n: number): Int32Array {
    const at = this.take(4 * n); // first: it may grow the memory, and `buffer` is then a new object
    return new Int32Array(this.memory.buffer, at, n);
  }

  index(n: number, capacity: number): IndexArray {
    if (capacity > INDEX16) throw new Error(`forest arena: an index array for capacity ${capacity} would be 32-bit; the kernel reads 16-bit indices`);
    const at = this.take(2 * n); // first: it may grow the memory, and `buffer` is then a new object
    return new Int16Array(this.memory.buffer, at, n);
  }

  /** Bytes of the memory (whole pages): the forest's arrays that live here, counted once. */
  memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Ends the fixed arrays: moves the store's values and the pool's arrays into the memory after them (the store
   * gets its new `values`; the pool re-points its trees). The caller re-points the trees at the store's values.
   */
  seal(store: ArenaStore, pool: ArenaPool): void {
    if (this.sealed) throw new Error("forest arena is sealed already");
    this.sealed = true;
    this.pool = pool;
    this.storeAt = align8(this.top);
    this.storeBytes = align8(4 * store.values.length);
    this.boxAt = this.storeAt + this.storeBytes;
    this.boxBytes = 4 * pool.box.length;
    this.sumAt = this.boxAt + this.boxBytes;
    this.sumBytes = 8 * pool.rangeSum.length;
    this.ensure(this.sumAt + this.sumBytes);
    const values = new Float32Array(this.memory.buffer, this.storeAt, store.values.length);
    values.set(store.values);
    store.values = values;
    const box = new Float32Array(this.memory.buffer, this.boxAt, pool.box.length);
    box.set(pool.box);
    const rangeSum = new Float64Array(this.memory.buffer, this.sumAt, pool.rangeSum.length);
    rangeSum.set(pool.rangeSum);
    pool.replaceArrays(box, rangeSum);
  }

  /** The store's values grown to `length` floats, the old ones kept (in place once sealed: the pool moves up). */
  growStore(old: Float32Array, length: number): Float32Array {
    if (!this.sealed) return grownCopy(old, length);
    const bytes = align8(4 * length);
    const delta = bytes - this.storeBytes;
    const end = this.sumAt + this.sumBytes;
    this.ensure(end + delta);
    const mem = new Uint8Array(this.memory.buffer);
    mem.copyWithin(this.boxAt + delta, this.boxAt, end);
    mem.fill(0, this.storeAt + this.storeBytes, this.storeAt + bytes);
    this.storeBytes = bytes;
    this.boxAt += delta;
    this.sumAt += delta;
    const pool = this.pool as ArenaPool;
    pool.replaceArrays(new Float32Array(this.memory.buffer, this.boxAt, pool.box.length), new Float64Array(this.memory.buffer, this.sumAt, pool.rangeSum.length));
    return new Float32Array(this.memory.buffer, this.storeAt, length);
  }

  /** The pool's arrays grown to `slots` slots of `floatsPerSlot` floats, the old ones kept (in place once sealed). */
  growPool(box: Float32Array, rangeSum: Float64Array, slots: number, floatsPerSlot: number): { box: Float32Array; rangeSum: Float64Array } {
    if (!this.sealed) return { box: grownCopy(box, slots * floatsPerSlot), rangeSum: grownCopy(rangeSum, slots) };
    const boxBytes = 4 * slots * floatsPerSlot;
    const sumBytes = 8 * slots;
    const sumAt = this.boxAt + boxBytes;
    this.ensure(sumAt + sumBytes);
    const mem = new Uint8Array(this.memory.buffer);
    mem.copyWithin(sumAt, this.sumAt, this.sumAt + this.sumBytes);
    mem.fill(0, this.boxAt + this.boxBytes, sumAt);
    mem.fill(0, sumAt + this.sumBytes, sumAt + sumBytes);
    this.boxBytes = boxBytes;
    this.sumAt = sumAt;
    this.sumBytes = sumBytes;
    return { box: new Float32Array(this.memory.buffer, this.boxAt, slots * floatsPerSlot), rangeSum: new Float64Array(this.memory.buffer, sumAt, slots) };
  }

  private take(bytes: number): number {
    if (this.sealed) throw new Error("forest arena is sealed: fixed-size arrays come before the store and the pool");
    const at = align8(this.top);
    this.top = at + bytes;
    this.ensure(this.top);
    return at;
  }

  /** Grows the memory (by whole pages) to hold `end` bytes. */
  private ensure(end: number): void {
    const size = this.memory.buffer.byteLength;
    if (end > size) this.memory.grow(Math.ceil((end - size) / PAGE));
  }
}

/** A copy of `old` with room for `length` entries. */
function grownCopy<T extends Float32Array | Float64Array>(old: T, length: number): T {
  const out = (old instanceof Float32Array ? new Float32Array(length) : new Float64Array(length)) as T;
  out.set(old);
  return out;
}
