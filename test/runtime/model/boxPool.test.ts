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
    const user = { box: new Float32Array(0), rangeSum: new Float64Array(0), bx: new Float32Array(0) };
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
    expect(user.bx).toBe(pool.box);
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
    const forest = new StreamingForest({ dimensions: 4, numTrees: 5, sampleSize: 32, seed: 3, wasm: false });
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

  it("in a forest's WebAssembly memory, is counted the same way, once", () => {
    const forest = new StreamingForest({ dimensions: 4, numTrees: 5, sampleSize: 32, seed: 3 });
    const rng = new Random(4);
    for (let i = 0; i < 200; i++) forest.update([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
    expect(forest.engine).toBe("wasm");
    const trees = (forest as unknown as { trees: StreamingTree[] }).trees;
    const pool = trees[0].pool;
    const arena = (forest as unknown as { arena: { memory: WebAssembly.Memory } }).arena;
    expect(pool.box.buffer).toBe(arena.memory.buffer);
    for (const tree of trees) expect(tree.memoryBytes()).toBe([tree.nodes, tree.cutValue, tree.boxSlot, tree.leafRef, tree.leafMass, tree.path, tree.walkGap].reduce((n, a) => n + a.byteLength, 0));
    expect(forest.memoryBytes()).toBeGreaterThanOrEqual(pool.memoryBytes() + trees.reduce((n, t) => n + t.memoryBytes(), 0));
  });

  it("moves a tree's last-read box array with the pool and leaves its scratch box alone, so no tree keeps an outgrown array alive", () => {
    const pool = new BoxPool(2, 400, 4, 2);
    const reading = { box: new Float32Array(0), rangeSum: new Float64Array(0), bx: new Float32Array(0) };
    const onScratch = { box: new Float32Array(0), rangeSum: new Float64Array(0), bx: new Float32Array(0) };
    pool.attach(reading);
    pool.attach(onScratch);
    const scratch = new Float32Array(4);
    onScratch.bx = scratch;
    const outgrown: Float32Array[] = [];
    for (let i = 0; i < 100; i++) {
      if (i > 0 && pool.inUse() === pool.slots()) outgrown.push(pool.box);
      pool.take();
    }
    expect(outgrown.length).toBeGreaterThan(5);
    expect(reading.bx).toBe(pool.box);
    expect(onScratch.bx).toBe(scratch);
  });

  it("after a restore and updates through the WebAssembly kernel, every tree reads its boxes from the pool's live arrays", () => {
    // The restore grows the pool in plain arrays before the forest's memory is sealed; a tree's `bx` left on one of
    // those (the kernel's insert never reads it) kept ~230 KB per tree alive for as long as the forest lived.
    const dim = 7;
    const rng = new Random(9);
    const point = () => Array.from({ length: dim }, () => rng.normal());
    const first = new StreamingForest({ dimensions: dim, numTrees: 10, sampleSize: 64, seed: 5 });
    for (let i = 0; i < 300; i++) first.update(point());
    const forest = StreamingForest.fromState(first.toState());
    for (let i = 0; i < 50; i++) {
      forest.score(point());
      forest.update(point());
    }
    expect(forest.engine).toBe("wasm");
    const trees = (forest as unknown as { trees: StreamingTree[] }).trees;
    const pool = trees[0].pool;
    for (const tree of trees) expect(tree.bx === pool.box || tree.bx === tree.scratch.looseBox).toBe(true);
  });
});
