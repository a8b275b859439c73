import { describe, expect, it } from "vitest";
import { leaveOneSetOut } from "../../../runtime/evaluation/leaveOneSetOut";

describe("leave-one-set-out selection", () => {
  // "tuned" shines on a and b only; "broad" is a little better than shipped everywhere.
  const candidates = [
    { name: "shipped", sets: { a: 0.5, b: 0.5, c: 0.5, d: 0.5 } },
    { name: "tuned", sets: { a: 0.9, b: 0.9, c: 0.2, d: 0.1 } },
    { name: "broad", sets: { a: 0.55, b: 0.55, c: 0.55, d: 0.55 } },
  ];

  it("picks on the other sets and reports the pick's held-out score next to the reference's", () => {
    const r = leaveOneSetOut(candidates, "shipped");
    // Without a: tuned (0.9 + 0.2 + 0.1) / 3 = 0.4 < broad 0.55. Without c: tuned (0.9 + 0.9 + 0.1) / 3 = 0.633 > 0.55.
    expect(r.rows.map((x) => x.pick)).toEqual(["broad", "broad", "tuned", "tuned"]);
    expect(r.rows[0]).toEqual({ heldOut: "a", pick: "broad", pickOthers: 0.55, pickHeldOut: 0.55, referenceHeldOut: 0.5 });
    expect(r.rows[2].heldOut).toBe("c");
    expect(r.rows[2].pickOthers).toBeCloseTo(1.9 / 3, 12);
    expect(r.rows[2].pickHeldOut).toBe(0.2); // chosen elsewhere, worse than shipped on the set it never saw
    expect(r.rows[2].referenceHeldOut).toBe(0.5);
  });

  it("picks overall on the mean over all sets: tuned's 0.525 loses to broad's 0.55", () => {
    const r = leaveOneSetOut(candidates, "shipped");
    expect(r.overall.pick).toBe("broad");
    expect(r.overall.mean).toBeCloseTo(0.55, 12);
    expect(r.overall.referenceMean).toBeCloseTo(0.5, 12);
  });

  it("prefers the earlier candidate on a tie (the reference, listed first)", () => {
    const r = leaveOneSetOut([candidates[0], { name: "same", sets: { ...candidates[0].sets } }], "shipped");
    expect(r.rows.every((x) => x.pick === "shipped")).toBe(true);
    expect(r.overall.pick).toBe("shipped");
  });

  it("refuses a missing reference, a missing score and a single set", () => {
    expect(() => leaveOneSetOut(candidates.slice(1), "shipped")).toThrow('the reference candidate "shipped" is not among the candidates (tuned, broad)');
    expect(() => leaveOneSetOut([candidates[0], { name: "x", sets: { a: 1, b: 1 } }], "shipped")).toThrow('candidate "x" has no score for c, d');
    expect(() => leaveOneSetOut([{ name: "shipped", sets: { a: 1 } }], "shipped")).toThrow("leave-one-set-out needs at least two sets, got 1");
  });
});
