import { describe, expect, it } from "vitest";
import { BoxPool } from "../../../runtime/model/boxPool";
import { PointStore } from "../../../runtime/model/pointStore";
import { Random } from "../../../runtime/model/random";
import { StreamingForest } from "../../../runtime/model/streamingForest";
import { StreamingTree } from "../../../runtime/model/streamingTree";
import { validateTree } from "../../../runtime/model/streamingTreeState";
import { TreeScratch } from "../../../runtime/model/treeArrays";

describe("BoxPool", () => {
  it("hands out every slot once, takes them back, and grows keeping what its boxes held", () => {
    const pool = new BoxPool(2, 40, 4, 2);
    const user = { box: new Float32Array(0), rangeSum: new Float64Array(0) };
    pool.attach(user);
    const taken = [0, 1, 2, 3].map(() => pool.take());
    expect(new Set(taken)).toEqual(new Set([0, 1, 2, 3]));
    taken.forEach((s) => {
      pool.box.set([s, -s, s + 1, -(s + 1)], 4 * s);
      pool.rangeSum[s] = s;
    });
    const extra = pool.take(); // none free: grows by max(4, 4 / 2)
    expect(pool.slots()).toBe(8);
    expect(taken).not.toContain(extra);
    expect(pool.inUse()).toBe(5);
    for (const s of taken) {
      expect(Array.from(pool.box.subarray(4 * s, 4 * s + 4))).toEqual([s, -s, s + 1, -(s + 1)]);
      expect(pool.rangeSum[s]).toBe(s);
    }
    // The user reads the grown arrays, not the ones it was given first.
    expect(user.box).toBe(pool.box);
    expect(user.rangeSum).toBe(pool.rangeSum);
    pool.release(taken[2]);
    expect(pool.inUse()).toBe(4);
    expect(pool.memoryBytes()).toBe(pool.box.byteLength + pool.rangeSum.byteLength + 8 * 2);
  });

  it("refuses to grow past its maximum and refuses a size that is not a positive integer", () => {
    const pool = new BoxPool(3, 5, 4);
    for (let i = 0; i < 5; i++) pool.take();
    expect(() => pool.take()).toThrow("box pool is full (5 slots)");
    expect(() => new BoxPool(3, 0)).toThrow("box pool size must be a positive integer, got 0");
  });

  it("serves several trees at once: each holds its own slots, and a growth re-points every tree", () => {
    const dim = 3;
    const store = new PointStore(dim, 1000, 1000);
    const pool = new BoxPool(dim, 3 * 65, 8);
    const scratch = new TreeScratch(dim, 65);
    const trees = [0, 1, 2].map(() => new StreamingTree(dim, 65, store.values, scratch, store.maxCapacity, pool));
    const rng = new Random(11);
    for (let i = 0; i < 64; i++) {
      for (const tree of trees) {
        const slot = store.add([rng.normal(), rng.normal(), rng.normal()]);
        store.incRef(tree.insert(slot, rng));
      }
    }
    for (const tree of trees) {
      validateTree(tree);
      expect(tree.box).toBe(pool.box);
    }
    expect(trees.reduce((n, t) => n + t.boxesInUse(), 0)).toBe(pool.inUse());
    expect(pool.slots()).toBeGreaterThan(8);
    expect(() => new StreamingTree(2, 65, store.values, undefined, store.maxCapacity, pool)).toThrow("box pool is for dimension 3, the tree for 2");
  });

  it("is one per forest: counted once in the forest's memory, not in its trees'", () => {
    const forest = new StreamingForest({ dimensions: 4, numTrees: 5, sampleSize: 32, seed: 3 });
    const rng = new Random(4);
    for (let i = 0; i < 200; i++) forest.update([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
    const trees = (forest as unknown as { trees: StreamingTree[] }).trees;
    const pool = trees[0].pool;
    const ownArrays = (t: StreamingTree) => [t.nodes, t.cutValue, t.boxSlot, t.leafRef, t.leafMass, t.path, t.walkGap].reduce((n, a) => n + a.byteLength, 0);
    for (const tree of trees) {
      expect(tree.pool).toBe(pool);
      expect(tree.memoryBytes()).toBe(ownArrays(tree));
    }
    expect(pool.inUse()).toBeGreaterThan(0);
    expect(forest.memoryBytes()).toBeGreaterThanOrEqual(pool.memoryBytes() + trees.reduce((n, t) => n + t.memoryBytes(), 0));
    const own = new StreamingTree(4, 33, new Float32Array(4 * 8));
    expect(own.memoryBytes()).toBe(ownArrays(own) + own.pool.memoryBytes());
  });
});
