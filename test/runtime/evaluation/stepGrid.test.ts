import { describe, expect, it } from "vitest";
import { stepGrid, typicalStep } from "../../../runtime/evaluation/stepGrid";

const MIN = 60_000;
const at = (...minutes: number[]) => minutes.map((m) => m * MIN);

describe("typicalStep", () => {
  it("is the median difference between increasing timestamps, 0 without two", () => {
    expect(typicalStep(at(0, 5, 10, 15, 60, 65))).toBe(5 * MIN);
    expect(typicalStep(at(0, 1, 1, 2, 3))).toBe(MIN);
    expect(typicalStep(at(7))).toBe(0);
    expect(typicalStep([])).toBe(0);
  });
});

describe("stepGrid", () => {
  it("gives every row once, in order, and nothing else for a regular or jittered series", () => {
    expect(stepGrid(at(0, 5, 10, 15), 3)).toEqual([0, 1, 2, 3].map((row) => ({ kind: "row", row, time: row * 5 * MIN })));
    // 7 minutes at a 5-minute step is jitter (under 1.5 steps), not a gap.
    expect(stepGrid(at(0, 5, 12, 15, 20), 3).map((g) => g.kind)).toEqual(["row", "row", "row", "row", "row"]);
  });

  it("fills a gap of up to maxFill steps with the row before, at the missing steps' times", () => {
    expect(stepGrid(at(0, 5, 20, 25), 3)).toEqual([
      { kind: "row", row: 0, time: 0 },
      { kind: "row", row: 1, time: 5 * MIN },
      { kind: "fill", row: 1, time: 10 * MIN },
      { kind: "fill", row: 1, time: 15 * MIN },
      { kind: "row", row: 2, time: 20 * MIN },
      { kind: "row", row: 3, time: 25 * MIN },
    ]);
  });

  it("turns a longer gap into one gap of its missing steps (rounded), and ignores repeated timestamps", () => {
    expect(stepGrid(at(0, 5, 10, 62, 67, 67), 3)).toEqual([
      { kind: "row", row: 0, time: 0 },
      { kind: "row", row: 1, time: 5 * MIN },
      { kind: "row", row: 2, time: 10 * MIN },
      { kind: "gap", steps: 9, time: 15 * MIN },
      { kind: "row", row: 3, time: 62 * MIN },
      { kind: "row", row: 4, time: 67 * MIN },
      { kind: "row", row: 5, time: 67 * MIN },
    ]);
    // With maxFill 0 every missing step is a gap.
    expect(stepGrid(at(0, 1, 3), 0).map((g) => g.kind)).toEqual(["row", "row", "gap", "row"]);
  });
});
