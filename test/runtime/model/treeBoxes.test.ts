import { describe, expect, it } from "vitest";
import { PointStore } from "../../../runtime/model/pointStore";
import { Random } from "../../../runtime/model/random";
import { StreamingTree } from "../../../runtime/model/streamingTree";

/** A tree over its own store holding `points` (each inserted once). */
function treeOf(points: number[][]): StreamingTree {
  const dim = points[0].length;
  const store = new PointStore(dim, 16, 16);
  const tree = new StreamingTree(dim, 8, store.values);
  const rng = new Random(1);
  for (const p of points) store.incRef(tree.insert(store.add(p), rng));
  return tree;
}

/** The walk's (v, −v) form of a point. */
const wOf = (p: number[]) => Float64Array.from(p.flatMap((v) => [v, -v]));

describe("TreeBoxes", () => {
  it("measures a twig's gap exactly when its two points lie 16 orders of magnitude apart", () => {
    // A series normalised by a near-zero deviation: one point at 1.25e15, one at 0.05. The point 0.01 lies 0.04 below
    // both; (|a| + |b| − ||a| − |b||) / 2 gave 0 here (the small distance lost in the large one's rounding).
    const tree = treeOf([[1.25e15], [0.05]]);
    expect(tree.isTwig(tree.root)).toBe(true);
    expect(tree.outsideBounds(tree.root, wOf([0.01]))).toBe(true);
    expect(tree.gap).toBe(Math.fround(0.05) - 0.01);
    expect(tree.range).toBe(Math.fround(1.25e15) - Math.fround(0.05));
  });

  it("gives a twig the gap and range of the box of its two points, summed in dimension order, at any magnitudes", () => {
    const rng = new Random(4);
    for (let trial = 0; trial < 300; trial++) {
      const pts = [0, 1].map(() => [rng.normal() * 10 ** rng.int(17), rng.normal(), rng.normal() * 1e-6]);
      const q = [rng.normal() * 10, rng.normal() * 3, rng.normal() * 1e-6];
      const tree = treeOf(pts);
      let gap = 0;
      let range = 0;
      for (let d = 0; d < 3; d++) {
        const lo = Math.min(Math.fround(pts[0][d]), Math.fround(pts[1][d]));
        const hi = Math.max(Math.fround(pts[0][d]), Math.fround(pts[1][d]));
        gap += q[d] < lo ? lo - q[d] : q[d] > hi ? q[d] - hi : 0;
        range += hi - lo;
      }
      expect(tree.outsideBounds(tree.root, wOf(q))).toBe(gap > 0);
      expect(tree.gap).toBe(gap);
      expect(tree.range).toBe(range);
    }
  });
});
