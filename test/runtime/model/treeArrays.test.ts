import { describe, expect, it } from "vitest";
import { PointStore } from "../../../runtime/model/pointStore";
import { Random } from "../../../runtime/model/random";
import { StreamingTree } from "../../../runtime/model/streamingTree";
import { validateTree } from "../../../runtime/model/streamingTreeState";

/** A tree over its own store, fed `n` points of `dim` normal values. */
function grow(dim: number, n: number, seed: number): { tree: StreamingTree; store: PointStore; slots: number[] } {
  const store = new PointStore(dim, 4 * n + 1, 4 * n + 1);
  const tree = new StreamingTree(dim, n + 1, store.values);
  const rng = new Random(seed);
  const slots: number[] = [];
  for (let i = 0; i < n; i++) {
    const slot = store.add(Array.from({ length: dim }, () => rng.normal()));
    const held = tree.insert(slot, rng);
    store.incRef(held);
    slots.push(held);
  }
  return { tree, store, slots };
}

describe("TreeArrays and its box pool", () => {
  it("stores a box for every node but twigs: about two thirds of the nodes", () => {
    const { tree } = grow(5, 255, 1);
    validateTree(tree);
    expect(tree.nodeCount()).toBe(254);
    let twigs = 0;
    for (let n = 0; n < tree.boxSlot.length; n++) if (tree.nodes[n * 4 + 3] > 0 && tree.isTwig(n)) twigs++;
    expect(tree.boxesInUse()).toBe(254 - twigs);
    expect(tree.boxesInUse()).toBeGreaterThan(0.55 * 254);
    expect(tree.boxesInUse()).toBeLessThan(0.8 * 254);
    expect(tree.boxSlots()).toBeGreaterThanOrEqual(tree.boxesInUse());
  });

  it("keeps boxes, twigs and free lists consistent through deletes down to an empty tree", () => {
    const { tree, store, slots } = grow(3, 120, 2);
    const rng = new Random(3);
    const order = slots.map((_, i) => [rng.next(), i] as const).sort((a, b) => a[0] - b[0]);
    order.forEach(([, i], k) => {
      tree.delete(slots[i]);
      store.decRef(slots[i]);
      if (k % 7 === 0) validateTree(tree);
    });
    expect(tree.isEmpty()).toBe(true);
    expect(tree.boxesInUse()).toBe(0);
    expect(tree.nodeCount()).toBe(0);
    expect(tree.leafCount()).toBe(0);
  });

  it("holds point slots in 16 bits where the store's capacity allows, and slots beyond 32,767 where it does not", () => {
    const small = new PointStore(2, 0x7fff);
    expect(new StreamingTree(2, 16, small.values, undefined, small.maxCapacity).leafRef).toBeInstanceOf(Int16Array);
    // A store of 40,000 slots whose points all lie above slot 32,767: 16-bit references would wrap to negative.
    const store = new PointStore(2, 40_000, 40_000);
    for (let i = 0; i < 33_000; i++) store.add([0, 0]);
    const tree = new StreamingTree(2, 64, store.values, undefined, store.maxCapacity);
    expect(tree.leafRef).toBeInstanceOf(Int32Array);
    const rng = new Random(5);
    const slots: number[] = [];
    for (let i = 0; i < 60; i++) {
      const slot = store.add([rng.normal(), rng.normal()]);
      expect(slot).toBeGreaterThan(0x7fff);
      store.incRef(tree.insert(slot, rng));
      slots.push(slot);
    }
    validateTree(tree);
    for (const slot of slots.slice(0, 30)) tree.delete(slot);
    validateTree(tree);
    expect(tree.score(Float64Array.from([0.1, -0.2]))).toBeGreaterThan(0);
  });

  it("says when a node's stored box is not its points' bounds", () => {
    const { tree } = grow(4, 60, 4);
    const n = tree.boxSlot.findIndex((s) => s >= 0);
    tree.box[tree.boxSlot[n] * 8 + 2] -= 1; // widen dimension 1's min
    expect(() => validateTree(tree)).toThrow(new RegExp(`node ${n}'s box is not its points' bounds on dimension 1`));
  });
});
