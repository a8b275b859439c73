import type { ForestArena } from "./forestArena";
import { RECORD_BYTES, REC_CUT, REC_DEPTH, REC_FIRST_RANGE, REC_GAPS, REC_LEAF, REC_LEAF_MASS, REC_LEAF_REF, REC_LEVELS, REC_MASS, REC_NODES, REC_PATH, REC_ROOT, REC_SLOT, type ForestKernel } from "./forestKernel";
import type { StreamingTree } from "./streamingTree";
import { NONE } from "./treeArrays";

/** Module-local copies, as int32 / float64 indices into a record: an imported binding is a getter call per use. */
const EMPTY = NONE;
const STRIDE = RECORD_BYTES >> 2;
const R_ROOT = REC_ROOT >> 2;
const R_MASS = REC_MASS >> 2;
const R_DEPTH = REC_DEPTH >> 2;
const R_LEAF = REC_LEAF >> 2;
const R_LEVELS = REC_LEVELS >> 2;
const R_FIRST_RANGE = REC_FIRST_RANGE >> 3;

/**
 * A forest's score through its WebAssembly kernel (forestKernel.ts): the four-at-a-time descents and walks back up
 * of treeScoring.ts / treeWalk.ts over the trees' live arrays in the forest's arena, the sum bit for bit
 * StreamingForest's, and every tree left with the walk its insert reads (path, depth, leaf, levels, gaps, first
 * range sum). Holds the trees' records and the kernel's copies of the score's tables, all in the arena; built
 * while the arena takes fixed-size arrays, {@link attach}ed to the trees once it is sealed.
 */
export class KernelScorer {
  private readonly kernel: ForestKernel;
  private readonly records: Int32Array;
  private readonly records64: Float64Array;
  private readonly inverseLevel: Float64Array;
  private readonly log2Mass1: Float64Array;
  /** The kernel's i32 scratch list (2 · dim). */
  private readonly list: Int32Array;

  constructor(
    arena: ForestArena,
    private readonly trees: readonly StreamingTree[],
    /** The forest's query (rounded to float32) and its box form, in the arena. */
    private readonly query: Float64Array,
    private readonly queryBox: Float64Array,
  ) {
    this.kernel = arena.kernel;
    const t0 = trees[0];
    this.records = arena.i32(STRIDE * trees.length);
    this.records64 = new Float64Array(this.records.buffer, this.records.byteOffset, this.records.length >> 1);
    this.inverseLevel = arena.f64(t0.inverseLevel.length);
    this.inverseLevel.set(t0.inverseLevel);
    this.log2Mass1 = arena.f64(t0.log2Mass1.length);
    this.log2Mass1.set(t0.log2Mass1);
    this.list = arena.i32(2 * t0.dim);
    trees.forEach((tr, i) => {
      const r = this.records;
      const o = STRIDE * i;
      r[o + (REC_NODES >> 2)] = tr.nodes.byteOffset;
      r[o + (REC_CUT >> 2)] = tr.cutValue.byteOffset;
      r[o + (REC_SLOT >> 2)] = tr.boxSlot.byteOffset;
      r[o + (REC_LEAF_REF >> 2)] = tr.leafRef.byteOffset;
      r[o + (REC_LEAF_MASS >> 2)] = tr.leafMass.byteOffset;
      r[o + (REC_PATH >> 2)] = tr.path.byteOffset;
      r[o + (REC_GAPS >> 2)] = tr.walkGap.byteOffset;
    });
  }

  /** Bytes of the scorer's own arrays (records, tables, scratch list). */
  memoryBytes(): number {
    return this.records.byteLength + this.inverseLevel.byteLength + this.log2Mass1.byteLength + this.list.byteLength;
  }

  /** Hands each tree its record, so its insert, delete and box building run through the kernel too. */
  attach(): void {
    this.trees.forEach((tr, i) => tr.useKernel(this.kernel, this.records.subarray(STRIDE * i, STRIDE * (i + 1)), this.list.byteOffset));
  }

  /**
   * The sum over the trees of their scores of the forest's loaded query (as StreamingForest.score adds them,
   * before its division by the number of trees); NaN when a tree is empty (the caller scores in TypeScript).
   */
  scoreSum(): number {
    const trees = this.trees;
    const r = this.records;
    const n = trees.length;
    for (let i = 0; i < n; i++) {
      const tr = trees[i];
      if (tr.root === EMPTY) return NaN;
      r[STRIDE * i + R_ROOT] = tr.root;
      r[STRIDE * i + R_MASS] = tr.totalMass;
    }
    const t0 = trees[0];
    const sum = this.kernel.forestScore(r.byteOffset, n, t0.box.byteOffset, t0.rangeSum.byteOffset, t0.points.byteOffset, this.query.byteOffset, this.queryBox.byteOffset, this.list.byteOffset, this.inverseLevel.byteOffset, this.log2Mass1.byteOffset, t0.dim);
    const r64 = this.records64;
    for (let i = 0; i < n; i++) {
      const tr = trees[i];
      const o = STRIDE * i;
      tr.pathDepth = r[o + R_DEPTH];
      tr.pathLeaf = r[o + R_LEAF];
      tr.walkLevels = r[o + R_LEVELS];
      tr.walkFirstRange = r64[(o >> 1) + R_FIRST_RANGE];
    }
    return sum;
  }
}
