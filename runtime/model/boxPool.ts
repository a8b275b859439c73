import type { ForestArena } from "./forestArena";
import { indexArray, type IndexArray } from "./indexArray";

/** What a pool re-points when it grows: the trees that read its arrays directly in their hot loops. */
export interface BoxPoolUser {
  box: Float32Array;
  rangeSum: Float64Array;
  /**
   * The array a user last read a box from (treeBoxes.ts's `bx`: the pool's `box`, or its own scratch box): moved
   * to the new `box` with it, so no user keeps the replaced array alive (a forest's 50 trees each held a different
   * outgrown copy, 11 MB at 7 dims, while the WebAssembly kernel left their `bx` unread).
   */
  bx: Float32Array;
}

/**
 * Slots of stored bounding boxes (float32, `2 · dim` values each, see treeBoxes.ts) and their range sums, shared by
 * the trees of a forest (or owned by one tree on its own). A tree takes a slot for each node that stores a box and
 * gives it back when the node goes or becomes a twig. The pool starts small and grows by a fraction when full (a
 * sixteenth by default), up to `maxSlots`; growing replaces `box` and `rangeSum`, and the pool re-points every tree
 * attached to it.
 *
 * One pool for a forest instead of one per tree: the forest's free slots are pooled (a tree that lets go of boxes
 * leaves them to the others), growth is rarer (a fresh 50-tree forest over the bench's 20,000 points: about 100
 * growths of its pool by a thirty-second, where its trees' own pools grew about 1,650 times), one forest takes
 * 2.5–3.7 % less memory, and the boxes live in two arrays, which a forest in one WebAssembly memory needs
 * (docs/engine.md).
 */
export class BoxPool {
  box: Float32Array;
  rangeSum: Float64Array;
  private free: IndexArray;
  private freeTop: number;
  private readonly users: BoxPoolUser[] = [];

  constructor(
    readonly dim: number,
    /** The most slots the pool may hold: every node of every tree it serves. */
    readonly maxSlots: number,
    initialSlots = Math.min(maxSlots, 8),
    /** Growth: by 1 / growthDivisor of the slots (at least 4). */
    private readonly growthDivisor = 16,
    /** The forest's arena, once sealed where `box` and `rangeSum` live and grow (forestArena.ts). */
    private readonly arena?: ForestArena,
  ) {
    if (!Number.isInteger(maxSlots) || maxSlots < 1) throw new Error(`box pool size must be a positive integer, got ${maxSlots}`);
    const slots = Math.max(1, Math.min(maxSlots, initialSlots));
    this.box = new Float32Array(2 * dim * slots);
    this.rangeSum = new Float64Array(slots);
    this.free = indexArray(slots, maxSlots);
    for (let i = 0; i < slots; i++) this.free[i] = slots - 1 - i;
    this.freeTop = slots;
  }

  /** Keeps `user`'s `box` and `rangeSum` the pool's own, now and after every growth. */
  attach(user: BoxPoolUser): void {
    this.users.push(user);
    user.box = this.box;
    user.rangeSum = this.rangeSum;
    user.bx = this.box;
  }

  /** A free slot (growing the pool if none is free); its box is left to the caller. */
  take(): number {
    if (this.freeTop === 0) this.grow();
    return this.free[--this.freeTop];
  }

  /** Gives slot `s` back. */
  release(s: number): void {
    this.free[this.freeTop++] = s;
  }

  /** Slots allocated (in use or free). */
  slots(): number {
    return this.rangeSum.length;
  }

  /** Slots in use. */
  inUse(): number {
    return this.rangeSum.length - this.freeTop;
  }

  /** Bytes of the typed arrays behind the pool. */
  memoryBytes(): number {
    return this.box.byteLength + this.rangeSum.byteLength + this.free.byteLength;
  }

  /** Takes `box` and `rangeSum` (the old contents, moved or grown) and re-points every attached tree. */
  replaceArrays(box: Float32Array, rangeSum: Float64Array): void {
    const old = this.box;
    this.box = box;
    this.rangeSum = rangeSum;
    for (const u of this.users) {
      if (u.bx === old) u.bx = box;
      u.box = box;
      u.rangeSum = rangeSum;
    }
  }

  /** Adds `1 / growthDivisor` more slots (at least 4), up to `maxSlots`. Only called with none free. */
  private grow(): void {
    const old = this.rangeSum.length;
    const size = Math.min(this.maxSlots, old + Math.max(4, Math.floor(old / this.growthDivisor)));
    if (size === old) throw new Error(`box pool is full (${old} slots)`);
    let box: Float32Array;
    let rangeSum: Float64Array;
    if (this.arena) ({ box, rangeSum } = this.arena.growPool(this.box, this.rangeSum, size, 2 * this.dim));
    else {
      box = new Float32Array(2 * this.dim * size);
      box.set(this.box);
      rangeSum = new Float64Array(size);
      rangeSum.set(this.rangeSum);
    }
    const free = indexArray(size, this.maxSlots);
    for (let i = size - 1; i >= old; i--) free[this.freeTop++] = i;
    this.free = free;
    this.replaceArrays(box, rangeSum);
  }
}
