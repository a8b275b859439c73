import { describe, expect, it } from "vitest";
import { BinMeans } from "../../../runtime/model/binMeans";

describe("bin means (the seasonal view's bins of steps)", () => {
  it("closes a bin with its mean when a value of another bin comes, and says so", () => {
    const b = new BinMeans(4, 0);
    expect([b.add(0, 1), b.add(0, 3), b.add(1, 10)]).toEqual([false, false, true]);
    expect(Array.from(b.held())).toEqual([2]);
    expect(b.openPart()).toEqual({ bin: 1, sum: 10, count: 1 });
    expect(b.closedCount()).toBe(1);
  });

  it("holds the last `capacity` closed bins, oldest first, as float32", () => {
    const b = new BinMeans(3, 0);
    for (let bin = 0; bin < 6; bin++) b.add(bin, bin + 0.1);
    expect(b.closedCount()).toBe(5);
    expect(Array.from(b.held())).toEqual([2.1, 3.1, 4.1].map(Math.fround));
  });

  it("does not hold a bin that got no value: skipping bins closes only the one filled", () => {
    const b = new BinMeans(4, 5);
    b.add(7, 4);
    expect(b.held().length).toBe(0);
    b.add(9, 8);
    expect(Array.from(b.held())).toEqual([4]);
    expect(b.openBin()).toBe(9);
  });

  it("starts from bins held elsewhere and an open bin's values, and round-trips its state", () => {
    const b = BinMeans.from(2, Float64Array.from([1, 2, 3]), { bin: 3, sum: 5, count: 2 });
    expect(Array.from(b.held())).toEqual([2, 3]);
    b.add(3, 2);
    b.add(4, 0);
    expect(Array.from(b.held())).toEqual([3, 7 / 3].map(Math.fround));
    const copy = BinMeans.fromState(2, b.toState());
    expect(copy.toState()).toEqual(b.toState());
    expect(copy.closedCount()).toBe(2);
  });
});
