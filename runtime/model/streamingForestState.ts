import { CompactSampler } from "./compactSampler";
import { PointStore } from "./pointStore";
import { Random } from "./random";
import { StreamingTree } from "./streamingTree";
import { BoxPool } from "./boxPool";
import { ForestArena } from "./forestArena";
import { TreeScratch } from "./treeArrays";
import { isIntArray, restoreTree, type IntArray, type StreamingTreeState } from "./streamingTreeState";

/**
 * Serialised forest: bulky parts as typed arrays, stored as they are by the binary state codec (float32 points,
 * weights and cut values, as the engine holds them; integers in the narrowest type that holds them). Only what
 * cannot be derived is kept: the points in the order the samplers first refer to them, each sampler's weights
 * and points (heap order), and each tree's shape and cuts; the trees' leaves, masses and boxes and the points'
 * reference counts are rebuilt on restore.
 */
export interface StreamingForestState {
  readonly format: "cad-streaming-rcf/2";
  readonly dimensions: number;
  readonly numTrees: number;
  readonly sampleSize: number;
  readonly timeDecay: number;
  readonly seed: number;
  readonly rngState: number;
  readonly updates: number;
  /** The sampled points (row-major), numbered in order of first reference: sampler 0's entries, then sampler 1's… */
  readonly points: Float32Array;
  /**
   * Per sampler (heap order) the entries' weights and points. A point is a back-reference: 0 = the next point not
   * referred to before, k ≥ 1 = the point numbered k before that next one (so a point no other tree holds, the
   * common case, costs a zero).
   */
  readonly samplers: { readonly size: number; readonly weights: Float32Array; readonly refs: IntArray }[];
  readonly trees: StreamingTreeState[];
}

/** What a {@link StreamingForestState} restores to: the parts a StreamingForest is built from. */
export interface StreamingForestParts {
  readonly rng: Random;
  readonly store: PointStore;
  readonly scratch: TreeScratch;
  readonly samplers: CompactSampler[];
  /** The trees, empty until {@link fillTrees}. */
  readonly trees: StreamingTree[];
  readonly updates: number;
  /** The arena the parts' arrays live in (the forest seals it), or undefined for plain arrays. */
  readonly arena: ForestArena | undefined;
  /**
   * Rebuilds every tree's leaves, masses and boxes from the state (throwing which tree is inconsistent). The forest
   * calls it once its arrays are in place: in a sealed arena the box pool grows in its room instead of through
   * plain copies, and the boxes are built by the kernel (restoring a 7-dimension forest spent a quarter of its
   * time copying the pool as it grew by a thirty-second at a time).
   */
  fillTrees(): void;
}

/**
 * Rebuilds a forest's parts from its state: resolves the samplers' back-references, counts each point's
 * references, and rebuilds every tree's leaves, masses and boxes (checking its cuts against its sample). Errors
 * say which sampler, entry or tree is inconsistent.
 */
export function restoreForestParts(state: StreamingForestState, wasm = true): StreamingForestParts {
  const format = (state as { format?: unknown } | null)?.format;
  if (state === null || typeof state !== "object" || format !== "cad-streaming-rcf/2") {
    throw new Error(`not a streaming forest state: expected format "cad-streaming-rcf/2", got ${JSON.stringify(format)}`);
  }
  const { dimensions: dim, numTrees, sampleSize } = state;
  if (!Array.isArray(state.samplers) || state.samplers.length !== numTrees) throw new Error(`streaming forest state lists ${state.samplers?.length} samplers, expected numTrees = ${numTrees}`);
  if (!Array.isArray(state.trees) || state.trees.length !== numTrees) throw new Error(`streaming forest state lists ${state.trees?.length} trees, expected numTrees = ${numTrees}`);
  if (!(state.points instanceof Float32Array) || state.points.length % dim !== 0) throw new Error(`streaming forest state: points must be a Float32Array of whole points of ${dim} dimensions`);
  const pointCount = state.points.length / dim;
  if (pointCount > numTrees * sampleSize) throw new Error(`streaming forest state holds ${pointCount} points, more than numTrees · sampleSize = ${numTrees * sampleSize}`);
  // Resolve the back-references and count each point's references.
  const refCounts = new Int32Array(pointCount);
  let next = 0;
  const samplerRefs = state.samplers.map((s, i) => {
    const w = s.weights;
    const r = s.refs;
    if (!(w instanceof Float32Array) || !isIntArray(r)) throw new Error(`streaming forest state: sampler ${i} must hold a Float32Array of weights and an integer array of refs`);
    if (!Number.isInteger(s.size) || s.size < 0 || w.length !== s.size || r.length !== s.size || s.size > sampleSize) throw new Error(`streaming forest state: sampler ${i} is inconsistent (size ${s.size})`);
    const ids = new Int32Array(s.size);
    for (let e = 0; e < s.size; e++) {
      const back = r[e];
      const id = back === 0 ? next++ : next - back;
      if (!(back >= 0 && id >= 0 && id < pointCount)) throw new Error(`streaming forest state: sampler ${i} entry ${e} refers to no point (back-reference ${back})`);
      ids[e] = id;
      refCounts[id]++;
    }
    return ids;
  });
  if (next !== pointCount) throw new Error(`streaming forest state holds ${pointCount} points, its samplers refer to ${next}`);
  const arena = wasm ? ForestArena.forForest(dim, numTrees, sampleSize) : undefined;
  const store = PointStore.restore(dim, numTrees * sampleSize + 1, state.points, refCounts, arena);
  const samplers = state.samplers.map((s, i) => {
    const sampler = new CompactSampler(sampleSize, state.timeDecay, store.maxCapacity);
    sampler.weights.set(s.weights);
    sampler.refs.set(samplerRefs[i]);
    sampler.size = s.size;
    return sampler;
  });
  const rng = Random.fromState(state.rngState);
  const scratch = newScratch(dim, sampleSize, arena);
  const pool = newBoxPool(dim, numTrees, sampleSize, arena);
  const trees = state.trees.map(() => newTree(dim, sampleSize, store, scratch, pool, arena));
  const fillTrees = (): void => {
    try {
      state.trees.forEach((t, i) => restoreTree(t, trees[i], samplerRefs[i]));
    } catch (err) {
      throw new Error(`streaming forest state is inconsistent: ${(err as Error).message}`, { cause: err });
    }
  };
  return { rng, store, scratch, samplers, trees, updates: state.updates, arena, fillTrees };
}

/**
 * A tree of a forest over `store`, sharing the forest's scratch and box pool. Room for one point more than the
 * sample holds: an update inserts the new point before it deletes the evicted one.
 */
export function newTree(dim: number, sampleSize: number, store: PointStore, scratch: TreeScratch, pool: BoxPool, arena?: ForestArena): StreamingTree {
  return new StreamingTree(dim, sampleSize + 1, store.values, scratch, store.maxCapacity, pool, arena);
}

/**
 * The box pool shared by a forest's trees: room for every node of every tree at most, eight slots per tree to start
 * with (what each tree's own pool started with), growing by a thirty-second.
 */
export function newBoxPool(dim: number, numTrees: number, sampleSize: number, arena?: ForestArena): BoxPool {
  return new BoxPool(dim, numTrees * (sampleSize + 1), 8 * numTrees, 32, arena);
}

/** The scratch shared by the trees of {@link newTree}. */
export function newScratch(dim: number, sampleSize: number, arena?: ForestArena): TreeScratch {
  return new TreeScratch(dim, sampleSize + 1, arena);
}
