import { CompactSampler } from "./compactSampler";
import { ForestArena, PLAIN_ARRAYS } from "./forestArena";
import { KernelScorer } from "./kernelScorer";
import { PointStore } from "./pointStore";
import { Random } from "./random";
import type { StreamingTree } from "./streamingTree";
import type { TreeScratch } from "./treeArrays";
import { addScoresOfFour, addScoresOfTwo } from "./treeScoring";
import { NONE } from "./treeArrays";
import { narrowInts, treeToState, validateTree } from "./streamingTreeState";
import { newBoxPool, newScratch, newTree, restoreForestParts, type StreamingForestParts, type StreamingForestState } from "./streamingForestState";

export type { StreamingForestState } from "./streamingForestState";

/** Module-local copies: an imported binding is a getter call per use under CommonJS. */
const addFour = addScoresOfFour;
const addTwo = addScoresOfTwo;

export interface StreamingForestOptions {
  /** Dimension of the points (after shingling). */
  readonly dimensions: number;
  /** Trees (default 50). */
  readonly numTrees?: number;
  /** Points sampled per tree (default 256). */
  readonly sampleSize?: number;
  /** Per-point decay of sampling weights (default 1 / (10 · sampleSize)): the sample's memory is ~1/timeDecay points. */
  readonly timeDecay?: number;
  /** Seed of all randomness (default 42). */
  readonly seed?: number;
  /**
   * Run the hot loops in WebAssembly (forestKernel.ts) where the configuration allows it (16-bit indices: up to
   * 32,767 nodes, points and box slots in all), else in TypeScript (default true). Results are the same bit for bit
   * either way; only the speed differs (docs/engine.md).
   */
  readonly wasm?: boolean;
}

/**
 * A streaming Random Cut Forest (the reference design's sampler + tree + forest): every tree keeps a
 * time-decayed weighted reservoir sample of the stream and a random cut tree over it, updated incrementally;
 * sampled points live once in a shared reference-counted {@link PointStore}, as float32 (the reference RCF's
 * precision: the forest sees every value rounded to float32, relative error below 6e-8). `score` / `update`
 * do not allocate, short of the point store and the box pool growing now and then. Scores mean the same as the
 * batch {@link RandomCutForest}'s: inliers ≈ 1, higher = more anomalous.
 */
export class StreamingForest {
  readonly dimensions: number;
  readonly numTrees: number;
  readonly sampleSize: number;
  readonly timeDecay: number;
  readonly seed: number;
  /** Points seen by `update`. */
  updates = 0;
  private readonly rng: Random;
  private readonly store: PointStore;
  private readonly samplers: CompactSampler[];
  private readonly trees: StreamingTree[];
  private readonly scratch: TreeScratch;
  private readonly attrTree: Float64Array;
  private readonly missing: Uint8Array;
  private readonly imputeBuf: Float64Array;
  private readonly imputeRefs: Int32Array;
  /** The query rounded to float32, in a Float64Array so tree code sees one array type (monomorphic, fast). */
  private readonly query: Float64Array;
  /** The query in box form: [2d] = v_d, [2d + 1] = −v_d (see treeBoxes.ts). */
  private readonly queryBox: Float64Array;
  /** The score's running sum over trees (a double passed through calls without boxing it per tree). */
  private readonly scoreSum = new Float64Array(1);
  /** Whether every tree's last descent and walk were `score`'s of `walkQuery` (no tree changed since). */
  private walksValid = false;
  /** The point (rounded to float32) of the last score's walks: `query` is reloaded by impute and attribution. */
  private readonly walkQuery: Float64Array;
  /** The forest's WebAssembly memory and kernel, and the score through it (undefined: TypeScript only). */
  private readonly arena: ForestArena | undefined;
  private readonly kernelScorer: KernelScorer | undefined;

  constructor(options: StreamingForestOptions, restored?: StreamingForestParts) {
    const dim = options.dimensions;
    const numTrees = options.numTrees ?? 50;
    const sampleSize = options.sampleSize ?? 256;
    const timeDecay = options.timeDecay ?? 1 / (10 * sampleSize);
    const seed = options.seed ?? 42;
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`dimensions must be a positive integer, got ${dim}`);
    if (!Number.isInteger(numTrees) || numTrees < 1) throw new Error(`numTrees must be a positive integer, got ${numTrees}`);
    if (!Number.isInteger(sampleSize) || sampleSize < 2) throw new Error(`sampleSize must be an integer >= 2, got ${sampleSize}`);
    if (!Number.isFinite(timeDecay) || timeDecay < 0) throw new Error(`timeDecay must be a finite number >= 0, got ${timeDecay}`);
    this.dimensions = dim;
    this.numTrees = numTrees;
    this.sampleSize = sampleSize;
    this.timeDecay = timeDecay;
    this.seed = seed;
    const arena = restored ? restored.arena : options.wasm === false ? undefined : ForestArena.forForest(dim, numTrees, sampleSize);
    const alloc = arena ?? PLAIN_ARRAYS;
    this.arena = arena;
    if (restored) {
      this.rng = restored.rng;
      this.store = restored.store;
      this.scratch = restored.scratch;
      this.samplers = restored.samplers;
      this.trees = restored.trees;
      this.updates = restored.updates;
    } else {
      this.rng = new Random(seed);
      this.store = new PointStore(dim, numTrees * sampleSize + 1, undefined, arena);
      this.scratch = newScratch(dim, sampleSize, arena);
      const pool = newBoxPool(dim, numTrees, sampleSize, arena);
      this.samplers = [];
      this.trees = [];
      for (let t = 0; t < numTrees; t++) {
        this.samplers.push(new CompactSampler(sampleSize, timeDecay, this.store.maxCapacity));
        this.trees.push(newTree(dim, sampleSize, this.store, this.scratch, pool, arena));
      }
    }
    this.attrTree = new Float64Array(dim);
    this.missing = new Uint8Array(dim);
    this.imputeBuf = new Float64Array(numTrees);
    this.imputeRefs = new Int32Array(numTrees);
    this.query = alloc.f64(dim);
    this.walkQuery = new Float64Array(dim);
    this.queryBox = alloc.f64(2 * dim);
    if (arena) {
      this.kernelScorer = new KernelScorer(arena, this.trees, this.query, this.queryBox);
      arena.seal(this.store, this.trees[0].pool);
      this.repoint();
      this.kernelScorer.attach();
    }
    restored?.fillTrees();
  }

  /** Where the hot loops run: WebAssembly (the default where the configuration allows it) or TypeScript. */
  get engine(): "wasm" | "typescript" {
    return this.arena ? "wasm" : "typescript";
  }

  /** Whether every tree holds at least one point (scores are 0 before). */
  isReady(): boolean {
    return this.updates > 0;
  }

  /**
   * Adds `point` to the stream: each tree's sampler decides whether to keep it (evicting its heaviest point).
   * `seq` is the point's place in time for the samplers' decay (default: the number of updates so far): points
   * that share a time step (several replicas of one container) share a `seq`, so decay counts steps, not points.
   */
  update(point: ArrayLike<number>, seq: number = this.updates): void {
    this.checkPoint(point);
    // Each tree inserts the point before it lets go of the point it evicts, so when the last score was of
    // this point every tree is as that score found it, and its insert follows the score's walk.
    const scored = this.walksValid && this.isQuery(point);
    this.walksValid = false;
    this.updates++;
    let slot = -1;
    for (let t = 0; t < this.numTrees; t++) {
      const s = this.samplers[t];
      const u = 1 - this.rng.next();
      if (!s.mightAccept(seq, u)) continue;
      if (!s.accepts(seq, u)) continue;
      if (slot < 0) {
        slot = this.store.add(point);
        if (this.store.values !== this.trees[0].points) this.repoint();
      }
      const evicted = s.evictMax();
      const tree = this.trees[t];
      const ref = tree.insert(slot, this.rng, scored);
      this.store.incRef(ref);
      if (evicted >= 0) {
        tree.delete(evicted);
        this.store.decRef(evicted);
      }
      s.add(s.offered[0], ref);
    }
    if (slot >= 0) this.store.releaseIfUnused(slot);
  }

  /** Average over trees of the anomaly score (0 before the first update). */
  score(point: ArrayLike<number>): number {
    this.checkPoint(point);
    if (this.updates === 0) return 0;
    const q = this.load(point);
    const trees = this.trees;
    const acc = this.scoreSum;
    acc[0] = 0;
    let t = 0;
    // Four trees at a time, then two: their descents overlap.
    const w = this.queryBox;
    if (this.kernelScorer) {
      const sum = this.kernelScorer.scoreSum();
      if (sum === sum) {
        this.walkQuery.set(q);
        this.walksValid = true;
        return sum / this.numTrees;
      }
    }
    for (; t + 3 < this.numTrees; t += 4) addFour(trees[t], trees[t + 1], trees[t + 2], trees[t + 3], q, w, acc);
    for (; t + 1 < this.numTrees; t += 2) addTwo(trees[t], trees[t + 1], q, w, acc);
    let sum = acc[0];
    if (t < this.numTrees) sum += trees[t].score(q);
    this.walkQuery.set(q);
    this.walksValid = true;
    return sum / this.numTrees;
  }

  /** Score plus per-dimension contributions written into `attribution` (they sum to the score). */
  scoreWithAttribution(point: ArrayLike<number>, attribution: Float64Array): number {
    this.checkPoint(point);
    attribution.fill(0);
    this.walksValid = false;
    if (this.updates === 0) return 0;
    const q = this.load(point);
    let sum = 0;
    const a = this.attrTree;
    for (let t = 0; t < this.numTrees; t++) {
      sum += this.trees[t].score(q, a);
      for (let d = 0; d < this.dimensions; d++) attribution[d] += a[d];
    }
    const k = 1 / this.numTrees;
    for (let d = 0; d < this.dimensions; d++) attribution[d] *= k;
    return sum * k;
  }

  /**
   * Expected values of the dimensions listed in `dims`, given the other dimensions of `point`: the median over
   * trees of the nearest sampled point's value (conditional imputation). Writes into `out` (same indexing as
   * `dims`).
   */
  impute(point: ArrayLike<number>, dims: readonly number[], out: Float64Array): void {
    this.checkPoint(point);
    this.missing.fill(0);
    for (const d of dims) this.missing[d] = 1;
    if (this.updates === 0) {
      for (let i = 0; i < dims.length; i++) out[i] = point[dims[i]];
      return;
    }
    const q = this.load(point);
    const refs = this.imputeRefs;
    for (let t = 0; t < this.numTrees; t++) refs[t] = this.trees[t].nearestRef(q, this.missing);
    const buf = this.imputeBuf;
    for (let i = 0; i < dims.length; i++) {
      for (let t = 0; t < this.numTrees; t++) buf[t] = this.store.values[refs[t] * this.dimensions + dims[i]];
      buf.sort();
      const m = this.numTrees >> 1;
      out[i] = this.numTrees % 2 ? buf[m] : 0.5 * (buf[m - 1] + buf[m]);
    }
  }

  /**
   * Bytes the forest's arrays use of its WebAssembly memory (0 in TypeScript): Node's heap and array-buffer counters
   * leave that memory out (V8 counts it as external memory, at its whole reserved size).
   */
  wasmMemoryBytes(): number {
    return this.arena?.usedBytes() ?? 0;
  }

  /** Distinct points held (for memory and state-size reporting). */
  storedPoints(): number {
    return this.store.size();
  }

  /**
   * Bytes of the typed arrays the forest holds: point store, samplers, trees and scratch (what its memory is,
   * short of a few hundred bytes of object headers per tree).
   */
  memoryBytes(): number {
    let bytes = this.store.memoryBytes() + this.scratch.memoryBytes() + this.queryBox.byteLength + this.attrTree.byteLength + this.missing.byteLength + this.imputeBuf.byteLength + this.imputeRefs.byteLength + this.query.byteLength + this.scoreSum.byteLength + this.walkQuery.byteLength;
    bytes += this.kernelScorer?.memoryBytes() ?? 0;
    for (let t = 0; t < this.numTrees; t++) bytes += this.samplers[t].memoryBytes() + this.trees[t].memoryBytes();
    bytes += this.trees[0].pool.memoryBytes();
    return bytes;
  }

  /**
   * Checks every tree's invariants and that samplers, trees and the point store agree (each sampler holds as
   * many points as its tree; reference counts match the samplers' references). Throws naming the violation.
   */
  validate(): void {
    for (let t = 0; t < this.numTrees; t++) validateTree(this.trees[t]);
    this.checkSamplers();
  }

  /**
   * The cheap part of {@link validate}, run on every restore: each sampler holds exactly its tree's points (with
   * multiplicity), and the point store's reference counts are the samplers' references. (Trees restored from a
   * state have their boxes and masses recomputed from their leaves, and a corrupt state is caught by the codec's
   * checksum first; the full geometric check is for tests.)
   */
  checkSamplers(): void {
    const refs = new Int32Array(this.store.capacity);
    const held = new Map<number, number>();
    for (let t = 0; t < this.numTrees; t++) {
      const s = this.samplers[t];
      const tree = this.trees[t];
      if (tree.totalMass !== s.size) throw new Error(`tree ${t} holds ${tree.totalMass} points, its sampler ${s.size}`);
      held.clear();
      for (let i = 0; i < s.size; i++) {
        const r = s.refs[i];
        if (!(r >= 0 && r < this.store.capacity)) throw new Error(`sampler ${t} refers to point slot ${r}, outside [0, ${this.store.capacity})`);
        refs[r]++;
        held.set(r, (held.get(r) ?? 0) + 1);
      }
      const stack = tree.root === NONE ? [] : [tree.root];
      while (stack.length > 0) {
        const node = stack.pop() as number;
        if (node >= 0) {
          stack.push(tree.nodes[node * 4], tree.nodes[node * 4 + 1]);
          continue;
        }
        const r = tree.leafRef[~node];
        const left = (held.get(r) ?? 0) - tree.leafMass[~node];
        if (left < 0) throw new Error(`tree ${t} holds point slot ${r} more often than its sampler`);
        held.set(r, left);
      }
    }
    for (let slot = 0; slot < this.store.capacity; slot++) {
      if (refs[slot] !== this.store.references(slot)) throw new Error(`point slot ${slot} is referenced ${refs[slot]} times, its count says ${this.store.references(slot)}`);
    }
  }

  toState(): StreamingForestState {
    // Number the referenced slots in order of first reference by the samplers; refs as back-references.
    const slotMap = new Int32Array(this.store.capacity).fill(-1);
    const order: number[] = [];
    const samplers = this.samplers.map((s) => {
      const refs = new Int32Array(s.size);
      for (let i = 0; i < s.size; i++) {
        const slot = s.refs[i];
        if (slotMap[slot] < 0) {
          slotMap[slot] = order.length;
          order.push(slot);
          refs[i] = 0;
        } else refs[i] = order.length - slotMap[slot];
      }
      return { size: s.size, weights: s.weights.slice(0, s.size), refs: narrowInts(refs) };
    });
    const pts = new Float32Array(order.length * this.dimensions);
    order.forEach((slot, id) => pts.set(this.store.values.subarray(slot * this.dimensions, (slot + 1) * this.dimensions), id * this.dimensions));
    return {
      format: "cad-streaming-rcf/2",
      dimensions: this.dimensions,
      numTrees: this.numTrees,
      sampleSize: this.sampleSize,
      timeDecay: this.timeDecay,
      seed: this.seed,
      rngState: this.rng.getState(),
      updates: this.updates,
      points: pts,
      samplers,
      trees: this.trees.map((t) => treeToState(t)),
    };
  }

  /** A forest restored from {@link toState}'s state; `wasm` as the option of that name. */
  static fromState(state: StreamingForestState, wasm = true): StreamingForest {
    const parts = restoreForestParts(state, wasm);
    return new StreamingForest({ dimensions: state.dimensions, numTrees: state.numTrees, sampleSize: state.sampleSize, timeDecay: state.timeDecay, seed: state.seed, wasm }, parts);
  }

  /** Points every tree at the point store's values (after the store grew). */
  private repoint(): void {
    for (let t = 0; t < this.numTrees; t++) this.trees[t].points = this.store.values;
  }

  private load(point: ArrayLike<number>): Float64Array {
    const q = this.query;
    const w = this.queryBox;
    for (let d = 0; d < this.dimensions; d++) {
      const v = Math.fround(point[d]);
      q[d] = v;
      w[2 * d] = v;
      w[2 * d + 1] = -v;
    }
    return q;
  }

  /** Whether `point` rounded to float32 is the last score's point. */
  private isQuery(point: ArrayLike<number>): boolean {
    const q = this.walkQuery;
    for (let d = 0; d < this.dimensions; d++) if (Math.fround(point[d]) !== q[d]) return false;
    return true;
  }

  private checkPoint(point: ArrayLike<number>): void {
    if (point.length !== this.dimensions) throw new Error(`point has ${point.length} dimensions, the forest expects ${this.dimensions}`);
  }
}
