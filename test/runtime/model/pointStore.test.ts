import { describe, expect, it } from "vitest";
import { PointStore } from "../../../runtime/model/pointStore";

describe("PointStore", () => {
  it("stores float32 values, reuses freed slots and grows by steps up to its maximum", () => {
    const store = new PointStore(2, 40, 4);
    const slots = Array.from({ length: 10 }, (_, i) => store.add([i + 0.1, -i]));
    expect(store.capacity).toBeGreaterThanOrEqual(10);
    expect(store.capacity).toBeLessThanOrEqual(40);
    expect(store.values[slots[3] * 2]).toBe(Math.fround(3.1));
    slots.forEach((s) => store.incRef(s));
    expect(store.size()).toBe(10);
    store.decRef(slots[5]);
    expect(store.references(slots[5])).toBe(0);
    expect(store.add([7, 7])).toBe(slots[5]); // the freed slot comes back first
    expect(() => store.decRef(slots[5])).toThrow(/released more often than referenced/);
  });

  it("counts references and frees slots beyond 16 bits in a store that can hold them", () => {
    const store = new PointStore(1, 40_000, 16);
    const slots = Array.from({ length: 33_000 }, (_, i) => store.add([i]));
    slots.forEach((s) => store.incRef(s));
    const high = slots[32_900];
    expect(high).toBeGreaterThan(0x7fff);
    store.incRef(high);
    expect(store.references(high)).toBe(2);
    store.decRef(high);
    store.decRef(high);
    expect(store.size()).toBe(32_999);
    expect(store.add([-1])).toBe(high);
  });

  it("says when it is full at its maximum", () => {
    const store = new PointStore(1, 20, 2);
    for (let i = 0; i < 20; i++) store.incRef(store.add([i]));
    expect(store.capacity).toBe(20);
    expect(() => store.add([99])).toThrow(/point store is full \(20 points\)/);
  });

  it("restores slots with references and frees the rest", () => {
    const store = PointStore.restore(1, 10, Float32Array.from([1, 2, 3]), Int32Array.from([1, 0, 2]));
    expect(store.size()).toBe(2);
    expect(store.add([5])).toBe(1);
    expect(() => PointStore.restore(2, 10, Float32Array.from([1, 2, 3]), Int32Array.from([1]))).toThrow(/3 values do not make 1 points of dim 2/);
  });
});
