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
  it("stores boxes only for nodes with four leaves or more: about half the nodes", () => {
    const { tree } = grow(5, 255, 1);
    validateTree(tree);
    expect(tree.nodeCount()).toBe(254);
    expect(tree.boxesInUse()).toBeGreaterThan(0.4 * 254);
    expect(tree.boxesInUse()).toBeLessThan(0.65 * 254);
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

  it("says when a node's stored box is not its points' bounds", () => {
    const { tree } = grow(4, 60, 4);
    const n = tree.boxSlot.findIndex((s) => s >= 0);
    tree.box[tree.boxSlot[n] * 8 + 2] -= 1; // widen dimension 1's min
    expect(() => validateTree(tree)).toThrow(new RegExp(`node ${n}'s box is not its points' bounds on dimension 1`));
  });
});
