import { BoxPool } from "./boxPool";
import { PLAIN_ARRAYS, type ArrayAllocator } from "./forestArena";
import { indexArray, type IndexArray } from "./indexArray";

export { indexArray, type IndexArray } from "./indexArray";

/** No node: the empty tree's root. */
export const NONE = 0x7fffffff;

/**
 * Leaves from which a node stores its box: all but twigs. Boxes stored only from four leaves on (a leaf and a
 * twig read their three points instead) took 10–14 % less memory, but storing them from three made a fresh
 * forest's score+update 1.10 / 1.04 / 1.10 / 1.10× as fast at 5 / 20 / 40 / 80 dimensions, with the same scores bit
 * for bit on ordinary data (`node bin/run-ts.js bench/forestAbMain.ts --against <checkout> --points 20000`, timed
 * from both sides, 2026-12-04; from one side it had looked like 1.07–1.28×). Where a node's
 * points lay 16 orders of magnitude apart, the three-point gap had lost the smaller distance; a stored box is exact.
 */
export const BOXED_LEAVES = 3;

/**
 * Levels of a score's walk back up kept for the insert that follows it (see TreeArrays.walkLevels). Walks are
 * about ten levels long at 256 samples; a longer one is walked again by the insert.
 */
export const WALK_KEPT = 32;


/**
 * Tables of f(i) for i = 0 … capacity + 1, one per capacity, shared by every tree of that capacity (plain objects
 * keyed by capacity).
 */
const log2Tables: Record<number, Float64Array | undefined> = {};
const inverseTables: Record<number, Float64Array | undefined> = {};

function capacityTable(tables: Record<number, Float64Array | undefined>, capacity: number, f: (i: number) => number): Float64Array {
  let t = tables[capacity];
  if (!t) {
    t = new Float64Array(capacity + 2);
    for (let i = 0; i < capacity + 2; i++) t[i] = f(i);
    tables[capacity] = t;
  }
  return t;
}

/**
 * Scratch of a walk back up: the box bounds the point still lies outside of (offsets into a box, see
 * treeBoxes.ts). A bound that drops out at one level stays out at every ancestor (boxes nest), so the list only
 * shrinks going up. One walk runs at a time (treeWalk.ts), so a forest's trees share one lane.
 */
export class Lane {
  readonly list: IndexArray;
  m = 0;

  constructor(dim: number) {
    this.list = indexArray(2 * dim, 2 * dim);
  }

  memoryBytes(): number {
    return this.list.byteLength;
  }
}

/**
 * Scratch shared by the trees of a forest: the walk {@link Lane}; for insert and delete (one at a time) the
 * point (`point`) and in box form (`w`: w[2d] = v_d, w[2d + 1] = −v_d), the bounds it extends or may shrink (`kept`) and a
 * box built from a twig's points.
 */
export class TreeScratch {
  readonly lane: Lane;
  readonly point: Float64Array;
  readonly w: Float64Array;
  readonly kept: IndexArray;
  nKept = 0;
  readonly looseBox: Float32Array;

  constructor(
    readonly dim: number,
    readonly capacity: number,
    /** Where `kept` lives (the kernel writes it: forestArena.ts). */
    alloc: ArrayAllocator = PLAIN_ARRAYS,
  ) {
    this.lane = new Lane(dim);
    this.point = new Float64Array(dim);
    this.w = new Float64Array(2 * dim);
    this.kept = alloc.index(2 * dim, 2 * dim);
    this.looseBox = new Float32Array(2 * dim);
  }

  memoryBytes(): number {
    return this.lane.memoryBytes() + this.point.byteLength + this.w.byteLength + this.kept.byteLength + this.looseBox.byteLength;
  }
}

/**
 * The storage of a {@link StreamingTree}: flat typed arrays of fixed capacity and the operations that keep them
 * consistent (allocation, re-linking). Internal nodes keep their cut and mass; leaves a reference into the
 * forest's {@link PointStore} (float32 points) and their multiplicity. Child references are >= 0 for an
 * internal node and `~leaf` (< 0) for a leaf. Free nodes and leaves are chained through `nodes` and `leafRef`.
 *
 * Bounding boxes (float32, exact: the min and max of the subtree's points per dimension) live in a pool of
 * slots, `boxSlot[n]` naming node n's. A twig (two leaf children) has none (-1): its box is spanned by its two
 * points, which cost about what a box costs to read, so it is not stored (about a third of a tree's nodes).
 * Every node with {@link BOXED_LEAVES} leaves or more has one: a walk back up reads a stored box from its second
 * level on. The pool ({@link BoxPool}, the forest's, shared by its trees) grows when it runs out of slots. The fields are public for the tree's algorithms and its state
 * mapping only (treeBoxes.ts, streamingTree.ts, streamingTreeState.ts).
 */
export class TreeArrays {
  /** Per internal node n: [4n] left child, [4n+1] right child, [4n+2] cut dimension, [4n+3] mass. */
  readonly nodes: IndexArray;
  readonly cutValue: Float32Array;
  /** Per internal node: its box's slot in `box` / `rangeSum`, or -1 for a twig. */
  readonly boxSlot: IndexArray;
  /**
   * The box pool's arrays (the pool keeps them current when it grows): per slot s, per dimension d, `box`
   * [2·dim·s + 2d] min, [+1] max negated (see treeBoxes.ts); `rangeSum[s]` the sum of the box's side lengths (the
   * score walk's denominator, kept up to date).
   */
  box!: Float32Array;
  rangeSum!: Float64Array;
  /**
   * The array treeBoxes.ts's loadBox left a node's box at: `box`, or the scratch's loose box for a twig. Set by the
   * pool with `box` (and moved with it when the pool grows, so no tree holds an outgrown copy alive).
   */
  bx!: Float32Array;
  /** Where the boxes live: the forest's pool, shared by its trees, or the tree's own. */
  readonly pool: BoxPool;
  private readonly ownsPool: boolean;
  /** Box slots this tree holds. */
  private boxCount = 0;
  /** Per leaf: its point's slot in the store (16-bit when the store's capacity allows). */
  readonly leafRef: IndexArray;
  readonly leafMass: IndexArray;
  private freeNode = -1;
  private freeLeaf = -1;
  private nodesInUse = 0;
  private leavesInUse = 0;
  root = NONE;
  /** Total number of points (with multiplicity). */
  totalMass = 0;
  /**
   * The last descent's root-to-leaf path (`path[0 … pathDepth)`) and the leaf it ended at. The tree's own: the
   * forest's insert follows the path its score found (see {@link walkLevels}).
   */
  pathDepth = 0;
  pathLeaf = 0;
  readonly path: IndexArray;
  /**
   * The last score's walk back up, for an insert of the same point: the levels it drew at (the ancestors from
   * the leaf's parent up whose box the point lies outside of), each one's gap (level pathDepth − 1 − i at
   * index i, for the first {@link WALK_KEPT} levels) and the first level's range sum (a twig's is not stored;
   * the levels above have stored boxes, whose range sums the insert reads).
   */
  walkLevels = 0;
  readonly walkGap: Float64Array;
  walkFirstRange = 0;
  /** The walk lane (the forest's scratch's, shared by its trees). */
  readonly lane: Lane;
  /** The gap and the box's range sum found by the last outsideBounds / narrowBounds. */
  gap = 0;
  range = 0;
  /** log2(m + 1) for every mass m the tree can hold: the score's normaliser without a logarithm per call. */
  readonly log2Mass1: Float64Array;
  /** 1 / (level + 1) for every level of a walk: the score's level weights without a division per level. */
  readonly inverseLevel: Float64Array;

  constructor(
    readonly dim: number,
    readonly capacity: number,
    /** The forest's point store (row-major float32); replaced by the forest when the store grows. */
    public points: Float32Array,
    readonly scratch: TreeScratch = new TreeScratch(dim, capacity),
    /** The most slots the point store can hold (leaf references are 16-bit when it fits). */
    pointSlots = 0x7fffffff,
    /** The forest's box pool (of this `dim`); default a pool of the tree's own. */
    pool?: BoxPool,
    /** Where the tree's fixed-size arrays live: plain typed arrays, or the forest's arena (forestArena.ts). */
    alloc: ArrayAllocator = PLAIN_ARRAYS,
  ) {
    const c = capacity;
    if (!Number.isInteger(c) || c < 2) throw new Error(`tree capacity must be an integer >= 2, got ${c}`);
    if (scratch.dim !== dim || scratch.capacity !== c) throw new Error("tree scratch is for another dimension or capacity");
    this.lane = scratch.lane;
    this.nodes = alloc.index(4 * c, c);
    this.cutValue = alloc.f32(c);
    if (pool && pool.dim !== dim) throw new Error(`box pool is for dimension ${pool.dim}, the tree for ${dim}`);
    this.pool = pool ?? new BoxPool(dim, c);
    this.ownsPool = pool === undefined;
    this.pool.attach(this);
    this.boxSlot = alloc.index(c, this.pool.maxSlots);
    for (let i = 0; i < c; i++) this.boxSlot[i] = -1;
    this.leafRef = alloc.index(c, Math.max(c, pointSlots));
    this.leafMass = alloc.index(c, c);
    this.resetFreeLists(0, 0);
    this.path = alloc.index(c + 1, c);
    this.walkGap = alloc.f64(WALK_KEPT);
    this.log2Mass1 = capacityTable(log2Tables, c, (m) => Math.log2(m + 1));
    this.inverseLevel = capacityTable(inverseTables, c, (l) => 1 / (l + 1));
  }

  /** Bytes of the typed arrays the tree owns (its box pool if its own; the shared log2 table and scratch not counted). */
  memoryBytes(): number {
    const arrays = [this.nodes, this.cutValue, this.boxSlot, this.leafRef, this.leafMass, this.path, this.walkGap];
    return arrays.reduce((sum, a) => sum + a.byteLength, 0) + (this.ownsPool ? this.pool.memoryBytes() : 0);
  }

  isEmpty(): boolean {
    return this.root === NONE;
  }

  /** Box slots in the tree's pool (used and free; a forest's trees share theirs). */
  boxSlots(): number {
    return this.pool.slots();
  }

  /** Box slots this tree holds. */
  boxesInUse(): number {
    return this.boxCount;
  }

  /** Internal nodes in use. */
  nodeCount(): number {
    return this.nodesInUse;
  }

  /** Leaves in use. */
  leafCount(): number {
    return this.leavesInUse;
  }

  /** A new internal node without a box slot. */
  newNode(cd: number, cv: number, mass: number): number {
    const n = this.freeNode;
    if (n < 0) throw new Error(`tree is full (${this.capacity} internal nodes)`);
    this.freeNode = this.nodes[n * 4];
    this.nodesInUse++;
    this.nodes[n * 4 + 2] = cd;
    this.cutValue[n] = cv;
    this.nodes[n * 4 + 3] = mass;
    this.boxSlot[n] = -1;
    return n;
  }

  /** Returns node `n` (and its box slot) to the free lists. */
  freeNodeAt(n: number): void {
    this.releaseBox(n);
    this.nodes[n * 4] = this.freeNode;
    this.freeNode = n;
    this.nodesInUse--;
  }

  newLeaf(ref: number): number {
    const l = this.freeLeaf;
    if (l < 0) throw new Error(`tree is full (${this.capacity} leaves)`);
    this.freeLeaf = this.leafRef[l];
    this.leavesInUse++;
    this.leafRef[l] = ref;
    this.leafMass[l] = 1;
    return l;
  }

  freeLeafAt(l: number): void {
    this.leafRef[l] = this.freeLeaf;
    this.freeLeaf = l;
    this.leavesInUse--;
  }

  /** Gives node `n` a box slot (growing the pool if none is free) and returns it; the box is left to the caller. */
  takeBox(n: number): number {
    const s = this.pool.take();
    this.boxSlot[n] = s;
    this.boxCount++;
    return s;
  }

  /** Returns node `n`'s box slot to the pool (no-op without one). */
  releaseBox(n: number): void {
    const s = this.boxSlot[n];
    if (s < 0) return;
    this.boxSlot[n] = -1;
    this.pool.release(s);
    this.boxCount--;
  }

  /** Whether internal node `n` is a twig (both children leaves). */
  isTwig(n: number): boolean {
    return (this.nodes[n * 4] & this.nodes[n * 4 + 1]) < 0;
  }

  /** Whether node `n` needs a stored box: it is not a twig (so it has {@link BOXED_LEAVES} leaves or more). */
  needsBox(n: number): boolean {
    return !this.isTwig(n);
  }

  replaceChild(parent: number, oldChild: number, newChild: number): void {
    if (parent < 0) this.root = newChild;
    else if (this.nodes[parent * 4] === oldChild) this.nodes[parent * 4] = newChild;
    else this.nodes[parent * 4 + 1] = newChild;
  }

  massOf(ref: number): number {
    return ref < 0 ? this.leafMass[~ref] : this.nodes[ref * 4 + 3];
  }

  /** Sets the free lists to every node from `nodes` and every leaf from `leaves` on (after a restore filled the first ones). */
  resetFreeLists(nodes: number, leaves: number): void {
    this.freeNode = -1;
    for (let i = this.capacity - 1; i >= nodes; i--) {
      this.nodes[i * 4] = this.freeNode;
      this.freeNode = i;
    }
    this.freeLeaf = -1;
    for (let i = this.capacity - 1; i >= leaves; i--) {
      this.leafRef[i] = this.freeLeaf;
      this.freeLeaf = i;
    }
    this.nodesInUse = nodes;
    this.leavesInUse = leaves;
  }
}
