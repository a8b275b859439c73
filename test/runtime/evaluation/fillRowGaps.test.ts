import { describe, expect, it } from "vitest";
import { fillRowGaps, isGapRow } from "../../../runtime/evaluation/fillRowGaps";

const N = Number.NaN;

describe("fillRowGaps", () => {
  it("fills a run of up to maxFill missing steps from the step before, per column", () => {
    const r = fillRowGaps([[1, 10], [N, 11], [N, N], [4, 13]], 3);
    expect(r.rows).toEqual([[1, 10], [1, 11], [1, 11], [4, 13]]);
    expect(r).toMatchObject({ filled: 3, gapRows: 0 });
  });

  it("fills a run at the very start from the step after it", () => {
    expect(fillRowGaps([[N], [N], [3]], 3).rows).toEqual([[3], [3], [3]]);
  });

  it("leaves a longer run missing: its rows are gaps; the other columns keep their values", () => {
    const r = fillRowGaps([[1, 5], [N, 5], [N, 5], [N, 5], [N, 5], [2, 5]], 3);
    expect(r.rows.map((row) => row[1])).toEqual([5, 5, 5, 5, 5, 5]);
    expect(r.rows.slice(1, 5).every(isGapRow)).toBe(true);
    expect(r).toMatchObject({ filled: 0, gapRows: 4 });
  });

  it("does not fill at all with maxFill 0, and returns copies without touching its input", () => {
    const input = [[1], [N], [2]];
    const r = fillRowGaps(input, 0);
    expect(r).toMatchObject({ filled: 0, gapRows: 1 });
    r.rows[0][0] = 99;
    expect(input[0][0]).toBe(1);
  });
});
