import { describe, expect, it } from "vitest";
import { PointStore } from "../../../runtime/model/pointStore";
import { Random } from "../../../runtime/model/random";
import { StreamingTree } from "../../../runtime/model/streamingTree";
import { WALK_KEPT } from "../../../runtime/model/treeArrays";
import { walkUp } from "../../../runtime/model/treeWalk";

/** A tree of `n` normal points (every seventh a copy of an earlier one) over its own store. */
function makeTree(dim: number, n: number, rng: Random): StreamingTree {
  const store = new PointStore(dim, n + 1);
  const tree = new StreamingTree(dim, n + 1, store.values, undefined, store.maxCapacity);
  for (let i = 0; i < n; i++) {
    const slot = store.add(Array.from({ length: dim }, (_, d) => (i % 7 === 6 ? d : rng.normal())));
    store.incRef(tree.insert(slot, rng));
    store.releaseIfUnused(slot);
  }
  return tree;
}

/**
 * The walk one level at a time over whole boxes (every dimension read at every level, twigs' boxes built from
 * their points): the definition walkUp must match bit for bit.
 */
function reference(tree: StreamingTree, w: Float64Array): { score: number; gaps: number[]; firstRange: number } {
  const depth = tree.pathDepth;
  let score = 1 / (depth + 1);
  const gaps: number[] = [];
  let firstRange = 0;
  for (let level = depth - 1; level >= 0; level--) {
    const base = tree.loadBox(tree.path[level]);
    if (level === depth - 1) firstRange = tree.range;
    let gap = 0;
    for (let off = 0; off < w.length; off++) {
      const g = tree.bx[base + off] - w[off];
      gap += 0.5 * (g + Math.abs(g));
    }
    if (gap === 0) break;
    gaps.push(gap);
    const prob = gap / (tree.range + gap);
    score = (1 - prob) * score + prob * tree.inverseLevel[level];
  }
  return { score, gaps, firstRange };
}

describe("walkUp", () => {
  it("scores, keeps each level's gap and counts the levels as a walk one level at a time over whole boxes, bit for bit", () => {
    const endings = new Set<number>();
    let toRoot = 0;
    let walks = 0;
    for (const dim of [1, 3, 12, 40]) {
      const rng = new Random(dim);
      const tree = makeTree(dim, 200, rng);
      for (let i = 0; i < 400; i++) {
        // Inliers end their walks low, outliers (up to 30 deviations) high or at the root.
        const scale = i % 3 === 0 ? 1 : 1 + 10 * (i % 4);
        const p = Float64Array.from({ length: dim }, () => scale * rng.normal());
        const w = Float64Array.from({ length: 2 * dim }, (_, o) => (o & 1 ? -p[o >> 1] : p[o >> 1]));
        tree.descendFrom(tree.root, 0, p);
        if (tree.leafHolds(p)) continue;
        const expected = reference(tree, w);
        expect(walkUp(tree, w)).toBe(expected.score);
        expect(tree.walkLevels).toBe(expected.gaps.length);
        expect(Array.from(tree.walkGap.subarray(0, Math.min(WALK_KEPT, tree.walkLevels)))).toEqual(expected.gaps.slice(0, WALK_KEPT));
        expect(tree.walkFirstRange).toBe(expected.firstRange);
        walks++;
        endings.add(tree.walkLevels % 3);
        if (tree.walkLevels === tree.pathDepth) toRoot++;
      }
    }
    // Walks that end at each of a pass's three levels, and walks that run to the root (the pass re-reads it).
    expect(endings).toEqual(new Set([0, 1, 2]));
    expect(toRoot).toBeGreaterThan(20);
    expect(walks).toBeGreaterThan(1000);
  });

  it("ends at once when the leaf's parent holds the point, and on a tree of one leaf", () => {
    const rng = new Random(5);
    const tree = makeTree(2, 50, rng);
    const inside = Float64Array.from([0.001, 0.001]);
    tree.descendFrom(tree.root, 0, inside);
    const w = Float64Array.from([inside[0], -inside[0], inside[1], -inside[1]]);
    const expected = reference(tree, w);
    expect(walkUp(tree, w)).toBe(expected.score);
    expect(tree.walkLevels).toBe(expected.gaps.length);

    const store = new PointStore(2, 4);
    const lone = new StreamingTree(2, 4, store.values, undefined, store.maxCapacity);
    lone.insert(store.add([1, 2]), rng);
    lone.descendFrom(lone.root, 0, Float64Array.from([5, 5]));
    expect(walkUp(lone, Float64Array.from([5, -5, 5, -5]))).toBe(1); // depth 0: 1 / (0 + 1), nothing to walk
    expect(lone.walkLevels).toBe(0);
  });
});
