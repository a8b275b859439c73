import { instantiateKernel, type ForestKernel } from "./forestKernel";
import { indexArray, type IndexArray } from "./indexArray";

const PAGE = 65536;
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
 * One forest's arrays in one WebAssembly memory, so the kernel (forestKernel.ts) runs the hot loops on the live
 * arrays. The memory is made once at the configuration's worst case and never grown, laid out as: the fixed-size
 * arrays (trees' nodes, cuts, box slots, leaves, paths; the kernel's records, tables and scratch), bump-allocated
 * while the forest is built; then room for the point store at its most points, for the box pool's boxes at its most
 * slots, and for their range sums. The store and the pool still grow as they did in plain arrays (a fresh view over
 * more of their room, the values already in place), and the forest's memory figure is still their arrays' sizes:
 * room never written is address space the system backs with no page (the memory starts zeroed and untouched).
 *
 * Why this and not a memory grown as the forest grows (docs/engine.md): growing a memory detaches its buffer, and
 * with it every view of every tree; a shared memory does not detach, but V8 does not count shared memories towards
 * its collection heuristics, so a process making and dropping detectors (the fan-out bench: 20,000) held every one
 * of them until it ran out of RAM. A plain memory V8 counts as external memory, at its whole size, and collects.
 * Before the seal, the store and pool keep plain arrays (they are built before the forest knows its fixed size).
 */
export class ForestArena implements ArrayAllocator {
  readonly memory: WebAssembly.Memory;
  readonly kernel: ForestKernel;
  private top = 8;
  private sealed = false;
  private readonly fixedEnd: number;
  private readonly storeAt: number;
  private readonly boxAt: number;
  private readonly sumAt: number;
  /** The room's bounds: floats of the store, slots of the pool. */
  private readonly storeFloats: number;
  private readonly poolSlots: number;
  /** What the store and pool use of their room now (bytes). */
  private storeBytes = 0;
  private boxBytes = 0;
  private sumBytes = 0;

  private constructor(dim: number, numTrees: number, sampleSize: number) {
    const capacity = sampleSize + 1;
    // Per tree: nodes (4 × 16 bits), cuts (32), box slots, leaf references and masses (16 each) per node, the path,
    // the walk's 32 gaps; per forest: the kernel's 128-byte records, two tables of float64s per capacity, the
    // query (f64), its box form (f64), the scratch lists; each array aligned to 8 bytes.
    const perTree = align8(8 * capacity) + align8(4 * capacity) + 3 * align8(2 * capacity) + align8(2 * (capacity + 1)) + 8 * 32;
    this.fixedEnd = 8 + numTrees * (perTree + 128) + 2 * align8(8 * (capacity + 2)) + 8 * (3 * dim + 8) + 3 * align8(4 * 2 * dim) + 1024;
    this.storeFloats = dim * (numTrees * sampleSize + 1);
    this.poolSlots = numTrees * capacity;
    this.storeAt = align8(this.fixedEnd);
    this.boxAt = this.storeAt + align8(4 * this.storeFloats);
    this.sumAt = this.boxAt + 4 * 2 * dim * this.poolSlots;
    const bytes = this.sumAt + 8 * this.poolSlots;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    this.kernel = instantiateKernel(this.memory);
  }

  /**
   * An arena for a forest of this configuration, or undefined where the kernel cannot run it: an index array of
   * 32 bits (more nodes, points or box slots than 16-bit indices reach), or no memory to be had.
   */
  static forForest(dim: number, numTrees: number, sampleSize: number): ForestArena | undefined {
    const widest = Math.max(numTrees * (sampleSize + 1), numTrees * sampleSize + 1, 2 * dim);
    if (!(widest <= INDEX16)) return undefined;
    try {
      return new ForestArena(dim, numTrees, sampleSize);
    } catch (err) {
      // Out of memory or address space: the forest runs in TypeScript, with the same results.
      if (err instanceof RangeError) return undefined;
      throw err;
    }
  }

  f32(n: number): Float32Array {
    return new Float32Array(this.memory.buffer, this.take(4 * n), n);
  }

  f64(n: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.take(8 * n), n);
  }

  i32(n: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.take(4 * n), n);
  }

  index(n: number, capacity: number): IndexArray {
    if (capacity > INDEX16) throw new Error(`forest arena: an index array for capacity ${capacity} would be 32-bit; the kernel reads 16-bit indices`);
    return new Int16Array(this.memory.buffer, this.take(2 * n), n);
  }

  /** Bytes the forest's arrays use of the memory (its fixed arrays, and the store and pool as they are now). */
  usedBytes(): number {
    return this.top + this.storeBytes + this.boxBytes + this.sumBytes;
  }

  /** Bytes of the whole memory: the worst case reserved, most of it never written. */
  reservedBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Ends the fixed arrays: copies the store's values and the pool's arrays into their room (the pool re-points its trees). */
  seal(store: ArenaStore, pool: ArenaPool): void {
    if (this.sealed) throw new Error("forest arena is sealed already");
    this.sealed = true;
    store.values = this.storeView(store.values.length, store.values);
    const { box, rangeSum } = this.poolViews(pool.box.length, pool.rangeSum.length, pool.box, pool.rangeSum);
    pool.replaceArrays(box, rangeSum);
  }

  /** The store's values grown to `length` floats, the old ones kept (in place once sealed). */
  growStore(old: Float32Array, length: number): Float32Array {
    return this.sealed ? this.storeView(length) : grownCopy(old, length);
  }

  /** The pool's arrays grown to `slots` slots of `floatsPerSlot` floats, the old ones kept (in place once sealed). */
  growPool(box: Float32Array, rangeSum: Float64Array, slots: number, floatsPerSlot: number): { box: Float32Array; rangeSum: Float64Array } {
    if (!this.sealed) return { box: grownCopy(box, slots * floatsPerSlot), rangeSum: grownCopy(rangeSum, slots) };
    return this.poolViews(slots * floatsPerSlot, slots);
  }

  private storeView(length: number, from?: Float32Array): Float32Array {
    if (length > this.storeFloats) throw new Error(`forest arena: the point store's ${length} floats exceed its room of ${this.storeFloats}`);
    const view = new Float32Array(this.memory.buffer, this.storeAt, length);
    if (from) view.set(from);
    this.storeBytes = 4 * length;
    return view;
  }

  private poolViews(boxLength: number, slots: number, box?: Float32Array, rangeSum?: Float64Array): { box: Float32Array; rangeSum: Float64Array } {
    if (slots > this.poolSlots) throw new Error(`forest arena: the box pool's ${slots} slots exceed its room of ${this.poolSlots}`);
    const b = new Float32Array(this.memory.buffer, this.boxAt, boxLength);
    const r = new Float64Array(this.memory.buffer, this.sumAt, slots);
    if (box) b.set(box);
    if (rangeSum) r.set(rangeSum);
    this.boxBytes = 4 * boxLength;
    this.sumBytes = 8 * slots;
    return { box: b, rangeSum: r };
  }

  private take(bytes: number): number {
    if (this.sealed) throw new Error("forest arena is sealed: fixed-size arrays come before the store and the pool");
    const at = align8(this.top);
    if (at + bytes > this.fixedEnd) throw new Error(`forest arena: the fixed-size arrays need more than the ${this.fixedEnd} bytes their layout reserves`);
    this.top = at + bytes;
    return at;
  }
}

/** A copy of `old` with room for `length` entries. */
function grownCopy<T extends Float32Array | Float64Array>(old: T, length: number): T {
  const out = (old instanceof Float32Array ? new Float32Array(length) : new Float64Array(length)) as T;
  out.set(old);
  return out;
}
