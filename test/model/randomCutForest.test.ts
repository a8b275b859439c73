import { describe, expect, it } from "vitest";
import { ForestScorer } from "../helpers/forestScorer";
import { Random } from "../../runtime/model/random";
import { DEFAULT_NUM_TREES, DEFAULT_SAMPLE_SIZE, RandomCutForest, type ForestState } from "../../runtime/model/randomCutForest";

/** `n` points around the origin in `dim` dimensions, seeded. */
function cloud(n: number, dim: number, seed: number): number[][] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => r.normal()));
}

const TRAIN = cloud(400, 3, 1);
const PROBES = cloud(50, 3, 2);
const OPTS = { numTrees: 40, sampleSize: 128, seed: 11 };
const forest = RandomCutForest.train(TRAIN, OPTS);
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe("Random seeded generator", () => {
  it("repeats its sequence for a seed, differs across seeds, and restores from its state", () => {
    const a = new Random(5);
    const b = new Random(5);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(new Random(6).next()).not.toBe(seqA[0]);
    seqA.forEach((x) => expect(x >= 0 && x < 1).toBe(true));
    const c = Random.fromState(a.getState());
    expect(c.next()).toBe(a.next());
    expect(() => new Random(NaN)).toThrow("random seed must be a finite number, got NaN");
  });
});

describe("RandomCutForest", () => {
  it("uses SageMaker's defaults: 100 trees, 256 samples per tree", () => {
    expect(DEFAULT_NUM_TREES).toBe(100);
    expect(DEFAULT_SAMPLE_SIZE).toBe(256);
    const f = RandomCutForest.train(cloud(300, 2, 4));
    expect([f.numTrees, f.sampleSize, f.dim]).toEqual([100, 256, 2]);
    expect(f.toState().trees.every((t) => t.mass === 256)).toBe(true);
  });

  it("is deterministic for a seed: same seed and data → identical trees and scores", () => {
    const again = RandomCutForest.train(TRAIN, OPTS);
    expect(again.toState()).toEqual(forest.toState());
    expect(PROBES.map((p) => again.score(p))).toEqual(PROBES.map((p) => forest.score(p)));
  });

  it("builds different trees for a different seed", () => {
    const other = RandomCutForest.train(TRAIN, { ...OPTS, seed: 12 });
    expect(other.toState().trees[0]).not.toEqual(forest.toState().trees[0]);
    expect(PROBES.map((p) => other.score(p))).not.toEqual(PROBES.map((p) => forest.score(p)));
  });

  it("scores an obvious outlier higher than every inlier", () => {
    const inlierScores = PROBES.map((p) => forest.score(p));
    const outlier = forest.score([8, -8, 8]);
    expect(outlier).toBeGreaterThan(Math.max(...inlierScores));
    expect(outlier).toBeGreaterThan(2 * (inlierScores.reduce((s, x) => s + x, 0) / inlierScores.length));
  });

  it("restores from JSON state and scores identically (scores and attributions)", () => {
    const restored = RandomCutForest.fromState(copy(forest.toState()));
    for (const p of [...PROBES.slice(0, 10), [8, -8, 8], TRAIN[0]]) {
      expect(restored.score(p)).toBe(forest.score(p));
      expect(restored.scoreWithAttribution(p)).toEqual(forest.scoreWithAttribution(p));
    }
    expect([restored.numTrees, restored.sampleSize, restored.seed, restored.dim]).toEqual([40, 128, 11, 3]);
  });

  it("attributes the score to dimensions: the parts sum to the score and point at the dimension that is off", () => {
    for (const [p, offDim] of [
      [[0, 9, 0], 1],
      [[-7, 0.2, 0.1], 0],
      [[0.3, 0, 6], 2],
    ] as const) {
      const { score, attribution } = forest.scoreWithAttribution([...p]);
      expect(score).toBeCloseTo(forest.score([...p]), 12);
      expect(attribution.reduce((s, a) => s + a, 0)).toBeCloseTo(score, 10);
      expect(attribution.indexOf(Math.max(...attribution))).toBe(offDim);
      expect(attribution[offDim] / score).toBeGreaterThan(0.6);
    }
    // Inliers too: the attribution of any point adds up to its score.
    for (const p of PROBES.slice(0, 10)) {
      const { score, attribution } = forest.scoreWithAttribution(p);
      expect(attribution.reduce((s, a) => s + a, 0)).toBeCloseTo(score, 10);
      attribution.forEach((a) => expect(a).toBeGreaterThanOrEqual(0));
    }
  });

  it("handles duplicate training points (multiplicity leaves) and a single point", () => {
    const dup = RandomCutForest.train([...Array(50)].map(() => [1, 1]), { numTrees: 5, sampleSize: 16, seed: 1 });
    expect(dup.score([1, 1])).toBeLessThan(dup.score([5, 5]));
    const one = RandomCutForest.train([[2, 3]], { numTrees: 3, sampleSize: 8 });
    expect(Number.isFinite(one.score([2, 3]))).toBe(true);
  });

  it("ForestScorer returns one score with attribution per vector, in order", async () => {
    const scorer = new ForestScorer(forest);
    const results = await scorer.score([PROBES[0], [8, -8, 8]]);
    expect(results).toHaveLength(2);
    expect(results[0]).toEqual(forest.scoreWithAttribution(PROBES[0]));
    expect(results[1].score).toBeCloseTo(forest.score([8, -8, 8]), 12);
  });
});

describe("RandomCutForest errors", () => {
  it("rejects a point of the wrong dimension", () => {
    expect(() => forest.score([1, 2])).toThrow("point has 2 dimensions, the forest was trained on 3");
    expect(() => forest.scoreWithAttribution([1, 2, 3, 4])).toThrow("point has 4 dimensions, the forest was trained on 3");
  });

  it("rejects empty or inconsistent training data and bad hyperparameters", () => {
    expect(() => RandomCutForest.train([])).toThrow("cannot train a forest on zero points");
    expect(() => RandomCutForest.train([[]])).toThrow("cannot train a forest on zero-dimensional points");
    expect(() => RandomCutForest.train([[1, 2], [3]])).toThrow("point 1 has 1 dimensions, expected 2 like point 0");
    expect(() => RandomCutForest.train([[1, 2], [3, NaN]])).toThrow("point 1 has a non-finite value at dimension 1");
    expect(() => RandomCutForest.train(TRAIN, { numTrees: 0 })).toThrow("numTrees must be a positive integer, got 0");
    expect(() => RandomCutForest.train(TRAIN, { sampleSize: 1.5 })).toThrow("sampleSize must be a positive integer, got 1.5");
  });

  const small = RandomCutForest.train(TRAIN, { numTrees: 3, sampleSize: 32, seed: 2 });
  const corrupt = (edit: (s: { -readonly [K in keyof ForestState]: ForestState[K] }) => void): ForestState => {
    const s = copy(small.toState());
    edit(s);
    return s;
  };
  it.each<[string, unknown, string]>([
    ["null", null, 'not a forest state: expected format "cad-rcf/1", got undefined'],
    ["another format", { ...small.toState(), format: "rcf/0" }, 'not a forest state: expected format "cad-rcf/1", got "rcf/0"'],
    ["a missing tree", corrupt((s) => s.trees.pop()), "forest state lists 2 trees, expected numTrees = 3"],
    ["zero trees", corrupt((s) => ((s.trees = []), (s.numTrees = 0))), "forest state: numTrees is 0, expected a positive integer"],
    ["a tree of another dimension", corrupt((s) => (s.trees[1] = { ...s.trees[1], dim: 2 })), "forest state: tree 1 has dim 2, expected 3"],
    ["truncated node arrays", corrupt((s) => s.trees[0].cutValue.pop()), "tree state is inconsistent: node arrays differ in length"],
    ["truncated boxes", corrupt((s) => s.trees[0].boxMin.pop()), "tree state is inconsistent: bounding boxes do not match dim × nodes"],
    ["truncated leaves", corrupt((s) => s.trees[0].leafPoint.pop()), "tree state is inconsistent: leaf points do not match dim × leaves"],
    ["a cycle", corrupt((s) => (s.trees[0].left[0] = 0)), "tree state is inconsistent: left child of node 0 refers to node 0, expected a node after 0"],
    ["a dangling child", corrupt((s) => (s.trees[2].right[1] = 9999)), "tree state is inconsistent: right child of node 1 refers to node 9999"],
    ["a dangling leaf", corrupt((s) => (s.trees[0].right[0] = ~9999)), "tree state is inconsistent: right child of node 0 refers to leaf 9999, expected a leaf below"],
    ["a bad cut dimension", corrupt((s) => (s.trees[0].cutDim[0] = 3)), "tree state is inconsistent: node 0 cuts dimension 3, expected 0..2"],
  ])("rejects a corrupt state (%s) at load, naming what is wrong", (_what, state, message) => {
    expect(() => RandomCutForest.fromState(state as ForestState)).toThrow(message);
  });
});
