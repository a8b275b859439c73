import { FOREST_KERNEL_WASM } from "./forestKernelBinary";

/**
 * The forest engine's hot loops in WebAssembly (wasm/forestKernel.ts, embedded by `npm run build:kernel`): each is
 * the TypeScript engine's own loop over the same arrays, bit for bit, and runs where a forest keeps its arrays in
 * one WebAssembly memory (forestArena.ts). Arguments are byte offsets into that memory; `e` is a tree's record
 * ({@link RECORD_BYTES} bytes, fields at the `REC_*` offsets) holding where its arrays are and what a call leaves.
 */
export interface ForestKernel {
  /** The sum over `n` trees (records at `tbl`) of each tree's normalised score of query `q` (box form `w`). */
  forestScore(tbl: number, n: number, box: number, sums: number, pts: number, q: number, w: number, list: number, inv: number, log2: number, dim: number): number;
  /** Descent by the stored point `ref`: path, REC_DEPTH, REC_LEAF, REC_HOLDS; returns the depth. */
  descendRef(e: number, node: number, pts: number, ref: number, dim: number): number;
  /** The delete's box shrink from path level `level` up, for the stored point `ref`. */
  shrink(e: number, level: number, box: number, sums: number, pts: number, ref: number, list: number, dim: number): void;
  /** The insert's box extension from path level `from` down to `top` over the kept bounds; returns how many are left. */
  extendUp(e: number, from: number, top: number, box: number, sums: number, pts: number, ref: number, kept: number, nKept: number, dim: number): number;
  /** Slot `s` := the union of node `n`'s children's boxes, with its range sum. */
  computeBox(e: number, n: number, s: number, box: number, sums: number, pts: number, dim: number): void;
  /** computeBox for the first `count` nodes listed in the record's path array, each into its own slot, in order. */
  computeBoxes(e: number, count: number, box: number, sums: number, pts: number, dim: number): void;
  /**
   * A restored tree's leaves: the first `count` point slots listed in the path array descend from `root` to their
   * leaves (references and masses, which start at 0). −1, or the index of the first point whose leaf held another.
   */
  placeRefs(e: number, root: number, count: number, pts: number, dim: number): number;
  /** The insert's kept bounds at node `n` (returns their count) and, if `separate`, its cut (REC_CUT_DIM, REC_CUT_AT). */
  cutAndKeep(e: number, n: number, separate: number, r: number, box: number, pts: number, ref: number, kept: number, dim: number): number;
  /** The cut splitting leaf `leaf` from the stored point `ref`, `u` the draw (REC_CUT_DIM, REC_CUT_AT). */
  splitCut(e: number, leaf: number, pts: number, ref: number, u: number, dim: number): void;
}

/** A tree's record: where its fixed arrays are (set once), its root and mass (per score), what calls leave. */
export const RECORD_BYTES = 128;
export const REC_NODES = 0;
export const REC_CUT = 4;
export const REC_SLOT = 8;
export const REC_LEAF_REF = 12;
export const REC_LEAF_MASS = 16;
export const REC_PATH = 20;
export const REC_GAPS = 24;
export const REC_ROOT = 28;
export const REC_MASS = 32;
export const REC_DEPTH = 36;
export const REC_LEAF = 40;
export const REC_LEVELS = 44;
/** float64 */
export const REC_FIRST_RANGE = 48;
export const REC_HOLDS = 56;
export const REC_CUT_DIM = 64;
/** float64 */
export const REC_CUT_AT = 72;

const EXPORTS = ["forestScore", "descendRef", "shrink", "extendUp", "computeBox", "computeBoxes", "placeRefs", "cutAndKeep", "splitCut"] as const;

let compiled: WebAssembly.Module | undefined;

/** The kernel over `memory` (a forest's). The module is compiled once per process. */
export function instantiateKernel(memory: WebAssembly.Memory): ForestKernel {
  compiled ??= new WebAssembly.Module(Buffer.from(FOREST_KERNEL_WASM, "base64"));
  const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
  for (const name of EXPORTS) if (typeof exports[name] !== "function") throw new Error(`forest kernel: the embedded module exports no function ${name}`);
  return exports as unknown as ForestKernel;
}
