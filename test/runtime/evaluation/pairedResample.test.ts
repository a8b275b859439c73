import { describe, expect, it } from "vitest";
import { blockGroups, pairedResample, quantile, type ResampledSet } from "../../../runtime/evaluation/pairedResample";

/** A scorer: the mean of `values` over the drawn blocks. */
const meanOfBlocks =
  (values: readonly number[]) =>
  (picks: readonly number[]): number =>
    picks.reduce((s, i) => s + values[i], 0) / picks.length;

const ramp = (n: number, offset = 0): number[] => Array.from({ length: n }, (_, i) => i / n + offset);

describe("quantile", () => {
  it("interpolates between sorted values", () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.05)).toBeCloseTo(0.5, 12);
    expect(quantile([7], 0.95)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow("at least one value");
  });
});

describe("blockGroups", () => {
  it("draws each block alone, or the blocks at the same place of every file together", () => {
    // Two entities of 3 and 2 blocks: places 0 1 2 0 1.
    const places = [0, 1, 2, 0, 1];
    expect(blockGroups(places, "block")).toEqual([[0], [1], [2], [3], [4]]);
    expect(blockGroups(places, "place")).toEqual([[0, 3], [1, 4], [2]]);
  });
});

describe("pairedResample", () => {
  const opts = { resamples: 400, seed: 1 };

  it("a candidate higher on every block is higher on every draw; one equal to the reference ties on every draw", () => {
    const base = ramp(50);
    const set: ResampledSet = { name: "s", blocks: 50, scorers: [[meanOfBlocks(base)], [meanOfBlocks(ramp(50, 0.1))], [meanOfBlocks(base)]] };
    const [better, same] = pairedResample([set], ["shipped", "better", "same"], "shipped", opts);
    expect(better.candidate).toBe("better");
    expect(better.sets.s.observed).toBeCloseTo(0.1, 12);
    expect(better.sets.s.pHigher).toBe(1);
    expect(better.sets.s.low).toBeCloseTo(0.1, 12); // paired: the draw moves both alike
    expect(better.sets.s.high).toBeCloseTo(0.1, 12);
    expect(same).toMatchObject({ candidate: "same", sets: { s: { observed: 0, pHigher: 0.5, low: 0, high: 0 } } });
  });

  it("shows a difference that rests on a few blocks as uncertain, and is the same for the same seed", () => {
    // The candidate wins big on 2 blocks of 40 and loses a little on the rest: ahead as measured, behind on many draws.
    const ref = Array.from({ length: 40 }, () => 0.5);
    const cand = ref.map((x, i) => (i < 2 ? x + 0.5 : x - 0.02));
    const set: ResampledSet = { name: "s", blocks: 40, scorers: [[meanOfBlocks(ref)], [meanOfBlocks(cand)]] };
    const [r] = pairedResample([set], ["shipped", "lucky"], "shipped", opts);
    expect(r.sets.s.observed).toBeCloseTo((2 * 0.5 - 38 * 0.02) / 40, 12);
    expect(r.sets.s.observed).toBeGreaterThan(0);
    expect(r.sets.s.pHigher).toBeGreaterThan(0.3);
    expect(r.sets.s.pHigher).toBeLessThan(0.95);
    expect(r.sets.s.low).toBeLessThan(0);
    expect(r.sets.s.high).toBeGreaterThan(0);
    expect(pairedResample([set], ["shipped", "lucky"], "shipped", opts)).toEqual([r]);
    expect(pairedResample([set], ["shipped", "lucky"], "shipped", { ...opts, seed: 2 })[0].sets.s.pHigher).not.toBe(r.sets.s.pHigher);
  });

  it("averages seeds within a set and sets within the mean, as the protocol does", () => {
    const a: ResampledSet = { name: "a", blocks: 10, scorers: [[meanOfBlocks(ramp(10)), meanOfBlocks(ramp(10, 0.2))], [meanOfBlocks(ramp(10, 0.3)), meanOfBlocks(ramp(10, 0.3))]] };
    const b: ResampledSet = { name: "b", blocks: 5, scorers: [[meanOfBlocks(ramp(5)), meanOfBlocks(ramp(5))], [meanOfBlocks(ramp(5, -0.1)), meanOfBlocks(ramp(5, -0.1))]] };
    const [r] = pairedResample([a, b], ["shipped", "c"], "shipped", opts);
    expect(r.sets.a.observed).toBeCloseTo(0.3 - 0.1, 12); // seeds' mean: shipped +0.1, candidate +0.3
    expect(r.sets.b.observed).toBeCloseTo(-0.1, 12);
    expect(r.mean.observed).toBeCloseTo((0.2 - 0.1) / 2, 12);
    expect(r.mean.pHigher).toBe(1);
    expect(r.sets.b.pHigher).toBe(0);
  });

  it("draws groups whole: one incident in several entities at the same place moves together", () => {
    // Four entities × 5 blocks; the candidate wins only at place 2, in every entity (one shared incident).
    const places = Array.from({ length: 20 }, (_, i) => i % 5);
    const ref = places.map(() => 0.5);
    const cand = places.map((p) => (p === 2 ? 0.9 : 0.49));
    const scorers = [[meanOfBlocks(ref)], [meanOfBlocks(cand)]];
    const alone = pairedResample([{ name: "s", blocks: 20, scorers }], ["shipped", "c"], "shipped", opts)[0].sets.s;
    const together = pairedResample([{ name: "s", blocks: 20, groups: blockGroups(places, "place"), scorers }], ["shipped", "c"], "shipped", opts)[0].sets.s;
    expect(together.observed).toBeCloseTo(alone.observed, 12);
    // Drawn alone, the four wins are four chances: far fewer draws miss them all than when they are one.
    expect(together.pHigher).toBeLessThan(alone.pHigher);
    expect(together.high - together.low).toBeGreaterThan(alone.high - alone.low);
  });

  it("draws each set on its own: drawing another set by place leaves a set's figures as they were", () => {
    const lucky = (n: number): ResampledSet => ({ name: `s${n}`, blocks: n, scorers: [[meanOfBlocks(ramp(n))], [meanOfBlocks(ramp(n).map((x, i) => (i % 7 === 0 ? x + 0.3 : x - 0.04)))]] });
    const [a, b] = [lucky(30), lucky(40)];
    const alone = pairedResample([a, b], ["shipped", "c"], "shipped", opts)[0];
    const places = Array.from({ length: 30 }, (_, i) => i % 3);
    const grouped = pairedResample([{ ...a, groups: blockGroups(places, "place") }, b], ["shipped", "c"], "shipped", opts)[0];
    expect(grouped.sets.s40).toEqual(alone.sets.s40);
    expect(grouped.sets.s30).not.toEqual(alone.sets.s30);
  });

  it("with a confirming score, counts each difference only as far as the confirming score moved too, on every draw", () => {
    // The candidate's score is 0.1 above the reference's on every block; its confirming score (run F1) 0.04 above on
    // even blocks and 0.04 below on odd ones. Its difference on a draw is the smaller of the two: the confirming one.
    const base = ramp(40);
    const confirming = base.map((x, i) => x + (i % 2 === 0 ? 0.04 : -0.04));
    const set: ResampledSet = { name: "s", blocks: 40, scorers: [[meanOfBlocks(base)], [meanOfBlocks(ramp(40, 0.1))]], confirmers: [[meanOfBlocks(base)], [meanOfBlocks(confirming)]] };
    const [c] = pairedResample([set], ["shipped", "c"], "shipped", opts);
    expect(c.sets.s.observed).toBeCloseTo(0, 12);
    expect(c.sets.s.low).toBeLessThan(0);
    expect(c.sets.s.high).toBeGreaterThan(0);
    expect(c.sets.s.high).toBeLessThan(0.04 + 1e-12);
    expect(c.sets.s.pHigher).toBeGreaterThan(0.2);
    expect(c.sets.s.pHigher).toBeLessThan(0.8);
    // A confirming score that rose more than the score leaves the score's difference as it was.
    const [plain] = pairedResample([{ ...set, confirmers: [[meanOfBlocks(base)], [meanOfBlocks(ramp(40, 0.3))]] }], ["shipped", "c"], "shipped", opts);
    expect(plain.sets.s).toEqual(pairedResample([{ ...set, confirmers: undefined }], ["shipped", "c"], "shipped", opts)[0].sets.s);
    expect(plain.sets.s.observed).toBeCloseTo(0.1, 12);
    expect(() => pairedResample([{ ...set, confirmers: [[meanOfBlocks(base)]] }], ["shipped", "c"], "shipped", opts)).toThrow("s: the confirming scores need the scores' shape (2 candidates × 1 seeds)");
  });

  it("refuses what it cannot compare, naming the problem", () => {
    const set: ResampledSet = { name: "s", blocks: 3, scorers: [[meanOfBlocks([1, 2, 3])], [meanOfBlocks([1, 2, 3])]] };
    expect(() => pairedResample([set], ["a", "b"], "shipped", opts)).toThrow('the reference candidate "shipped" is not among the candidates (a, b)');
    expect(() => pairedResample([set], ["shipped", "b"], "shipped", { resamples: 0, seed: 1 })).toThrow("resamples must be an integer of at least 1, got 0");
    expect(() => pairedResample([set], ["shipped", "b", "c"], "shipped", opts)).toThrow("s: scores for 2 candidates, expected 3");
    expect(() => pairedResample([{ ...set, scorers: [[meanOfBlocks([1])], []] }], ["shipped", "b"], "shipped", opts)).toThrow("s: every candidate needs the same number of seeds");
    expect(() => pairedResample([{ ...set, blocks: 0 }], ["shipped", "b"], "shipped", opts)).toThrow("s: blocks must be an integer of at least 1, got 0");
    expect(() => pairedResample([], ["shipped", "b"], "shipped", opts)).toThrow("at least one set");
    for (const groups of [[[0, 1]], [[0, 1], [1, 2]], [[0, 1, 2], []]]) expect(() => pairedResample([{ ...set, groups }], ["shipped", "b"], "shipped", opts)).toThrow("s: the groups must hold every block 0..2 exactly once, none empty");
  });
});
