import { describe, expect, it } from "vitest";
import { ringTail } from "../../../runtime/model/ringTail";

describe("ringTail", () => {
  const ring = (written: number, size: number) => {
    const r = new Float32Array(size);
    for (let k = 0; k < written; k++) r[k % size] = k;
    return r;
  };

  it("gives what was written, oldest first, before the ring is full", () => {
    expect(Array.from(ringTail(ring(3, 5), 3))).toEqual([0, 1, 2]);
    expect(ringTail(ring(0, 5), 0)).toEqual(new Float64Array(0));
  });

  it("gives the last ring.length values, oldest first, once it has wrapped", () => {
    expect(Array.from(ringTail(ring(5, 5), 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(ringTail(ring(12, 5), 12))).toEqual([7, 8, 9, 10, 11]);
  });
});
