import { describe, expect, it } from "vitest";
import { checkYoungOptions, youngPieces } from "../../../runtime/evaluation/youngPieces";

/** Rows that say where they came from: train rows -1, -2, … counted back from the test part, test rows 0, 1, …. */
const entity = (trainRows: number, testRows: number) => ({
  name: "svc",
  train: Array.from({ length: trainRows }, (_, i) => [i - trainRows]),
  test: Array.from({ length: testRows }, (_, i) => [i]),
  labels: Array.from({ length: testRows }, (_, i) => (i % 7 === 3 ? 1 : 0)),
});

describe("youngPieces", () => {
  it("cuts whole pieces every `every` rows, each with the `history` rows right before it, across the train/test boundary", () => {
    const pieces = youngPieces(entity(100, 1000), { rows: 400, every: 100, history: 60 });
    expect(pieces.map((p) => p.start)).toEqual([0, 100, 200, 300, 400, 500, 600]); // 700 + 400 > 1000: no eighth
    expect(pieces.map((p) => p.name)).toEqual(["svc@0", "svc@100", "svc@200", "svc@300", "svc@400", "svc@500", "svc@600"]);
    for (const p of pieces) {
      expect(p.entity).toBe("svc");
      expect(p.test.map((r) => r[0])).toEqual(Array.from({ length: 400 }, (_, i) => p.start + i));
      expect(p.labels).toEqual(Array.from({ length: 400 }, (_, i) => ((p.start + i) % 7 === 3 ? 1 : 0)));
      // The 60 rows just before the piece's first test row, in order.
      expect(p.train.map((r) => r[0])).toEqual(Array.from({ length: 60 }, (_, i) => p.start - 60 + i));
    }
  });

  it("takes a piece's history partly from the train part when it starts within `history` rows of the test part's start", () => {
    const [first, second] = youngPieces(entity(100, 500), { rows: 100, every: 30, history: 60 });
    expect(first.train.map((r) => r[0])).toEqual(Array.from({ length: 60 }, (_, i) => i - 60));
    expect(second.train.map((r) => r[0])).toEqual(Array.from({ length: 60 }, (_, i) => i - 30));
  });

  it("gives a shorter history only where train and test together hold fewer rows, and no piece for a test part shorter than one", () => {
    const [first] = youngPieces(entity(10, 300), { rows: 100, every: 100, history: 60 });
    expect(first.train.map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, i) => i - 10));
    expect(youngPieces(entity(100, 99), { rows: 100, every: 25, history: 60 })).toEqual([]);
    expect(youngPieces(entity(100, 100), { rows: 100, every: 25, history: 60 })).toHaveLength(1);
  });

  it("refuses bad options and labels that do not match the test rows, naming what was expected", () => {
    expect(() => checkYoungOptions({ rows: 0, every: 1, history: 60 })).toThrow("rows must be an integer >= 1, got 0");
    expect(() => checkYoungOptions({ rows: 100, every: 101, history: 60 })).toThrow("every must be an integer from 1 to rows (100), got 101");
    expect(() => checkYoungOptions({ rows: 100, every: 0, history: 60 })).toThrow("every must be an integer from 1 to rows (100), got 0");
    expect(() => checkYoungOptions({ rows: 100, every: 25, history: 1.5 })).toThrow("history must be an integer >= 1, got 1.5");
    expect(() => youngPieces({ ...entity(10, 300), labels: [0] }, { rows: 100, every: 100, history: 60 })).toThrow("svc: 1 labels for 300 test rows");
  });
});
