import { describe, expect, it } from "vitest";
import { PointStore } from "../../../runtime/model/pointStore";
import { Random } from "../../../runtime/model/random";
import { StreamingTree } from "../../../runtime/model/streamingTree";
import { addScoresOfFour, addScoresOfTwo } from "../../../runtime/model/treeScoring";

/** Five trees over one store holding 0, 1, 2, 40 and 60 points (an empty tree, a lone leaf, deep ones). */
function makeTrees(dim: number): { trees: StreamingTree[]; rng: Random } {
  const rng = new Random(dim);
  const store = new PointStore(dim, 200);
  const trees: StreamingTree[] = [];
  for (const n of [40, 0, 60, 1, 2]) {
    const tree = new StreamingTree(dim, 64, store.values);
    for (let i = 0; i < n; i++) {
      // Every sixth point repeats an earlier one (a leaf of mass 2: the score's equal-leaf case).
      const slot = store.add(Array.from({ length: dim }, (_, d) => (i % 6 === 5 ? d : rng.normal())));
      const ref = tree.insert(slot, rng);
      store.incRef(ref);
      store.releaseIfUnused(slot);
    }
    trees.push(tree);
  }
  return { trees, rng };
}

describe("treeScoring", () => {
  it("adds the trees' scores bit for bit as one score call per tree, in tree order", () => {
    for (const dim of [1, 5, 24]) {
      const { trees, rng } = makeTrees(dim);
      const [a, b, c, d, e] = trees;
      const probes = Array.from({ length: 60 }, (_, i) => Float64Array.from({ length: dim }, (_, k) => (i % 4 === 0 ? k : 3 * rng.normal())));
      for (const p of probes) {
        const w = Float64Array.from({ length: 2 * dim }, (_, o) => (o & 1 ? -p[o >> 1] : p[o >> 1]));
        const sum = new Float64Array(1);
        sum[0] = 0.25;
        addScoresOfFour(c, a, d, e, p, w, sum);
        addScoresOfTwo(a, c, p, w, sum);
        addScoresOfTwo(b, e, p, w, sum); // b is empty: the one-tree fallback
        addScoresOfFour(a, b, c, d, p, w, sum);
        let expected = 0.25;
        for (const t of [c, a, d, e, a, c, b, e, a, b, c, d]) expected += t.score(p);
        expect(sum[0]).toBe(expected);
      }
    }
  });
});
