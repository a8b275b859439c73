import { describe, expect, it } from "vitest";
import { NAB_PROFILES, nabScore, probationaryLength, scaledSigmoid, sweepFile, type NabFile } from "../../../runtime/evaluation/nabScore";

const { standard, reward_low_FN_rate: lowFn } = NAB_PROFILES;
const MINUTE = 60_000;

/** 100 rows one minute apart; one window over rows 40–49; `hits` maps row → score (others 0). */
function file(hits: Record<number, number>, windows: [number, number][] = [[40, 49]]): NabFile {
  const timestamps = Array.from({ length: 100 }, (_, i) => i * MINUTE);
  return {
    name: "cat/f.csv",
    timestamps,
    scores: timestamps.map((_, i) => hits[i] ?? 0),
    windows: windows.map(([a, b]) => [a * MINUTE, b * MINUTE] as [number, number]),
  };
}

// Hand-computed with σs(x) = 2/(1 + e^{5x}) − 1 and σs(−1) = 0.98661:
//   window start (row 40): σs(−10/10)/σs(−1) = 1
//   window end (row 49):   σs(−1/10)/σs(−1) = 0.244919/0.98661 = 0.248242
//   row 45:                σs(−5/10)/σs(−1) = 0.848284/0.98661 = 0.859793
//   false positive at row 60, 11 rows after a window of width 10: 0.11 · σs(11/9) = −0.109513
//   false positive before any window: −0.11
describe("NAB scoring", () => {
  it("weights rows like NAB's sweeper", () => {
    const points = sweepFile(file({}), standard);
    expect(points[40].value).toBeCloseTo(1, 6);
    expect(points[49].value).toBeCloseTo(0.248242, 5);
    expect(points[45].value).toBeCloseTo(0.859793, 5);
    expect(points[60].value).toBeCloseTo(-0.109513, 5);
    expect(points[30].value).toBeCloseTo(-0.11, 10);
    expect(points[10].label).toBe("probationary");
    expect(points[40].label).toBe("w0");
    expect(points[60].label).toBe("fp");
    expect(scaledSigmoid(3.5)).toBe(-1);
    expect(probationaryLength(100)).toBe(15);
    expect(probationaryLength(10_000)).toBe(750);
  });

  it("scores a detection at the start of a window as perfect", () => {
    const r = nabScore([file({ 40: 1 })], standard);
    expect(r.raw).toBeCloseTo(1, 6);
    expect(r.normalised).toBeCloseTo(100, 6);
    expect(r.files[0]).toMatchObject({ truePositives: 1, falseNegatives: 0, falsePositives: 0 });
  });

  it("scores a detection at the end of a window with the small end reward", () => {
    const r = nabScore([file({ 49: 1 })], standard);
    expect(r.raw).toBeCloseTo(0.248242, 5);
    expect(r.normalised).toBeCloseTo((100 * (0.248242 + 1)) / 2, 3);
    // Misses cost double under reward_low_FN_rate: null = −2, perfect = 1.
    expect(nabScore([file({ 49: 1 })], lowFn).normalised).toBeCloseTo((100 * (0.248242 + 2)) / 3, 3);
  });

  it("charges a false positive, and counts only the first detection of a window", () => {
    // Threshold 1.0 would keep only the false positive; 0.9 adds the window's detections: the optimiser picks 0.9.
    const r = nabScore([file({ 60: 1, 45: 0.9, 47: 0.95 })], standard);
    expect(r.threshold).toBe(0.9);
    expect(r.raw).toBeCloseTo(0.859793 - 0.109513, 5);
    expect(r.files[0]).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 0 });
  });

  it("counts a missed window as −fn and keeps the threshold above useless detections", () => {
    const r = nabScore([file({ 30: 1, 70: 1 })], standard);
    expect(r.threshold).toBe(1.1);
    expect(r.raw).toBe(-1);
    expect(r.normalised).toBe(0);
    expect(r.files[0]).toMatchObject({ truePositives: 0, falseNegatives: 1, falsePositives: 0 });
  });

  it("ignores detections in the probationary period", () => {
    const r = nabScore([file({ 5: 1, 14: 1, 45: 0.5 })], standard);
    expect(r.threshold).toBe(0.5);
    expect(r.raw).toBeCloseTo(0.859793, 5);
    expect(r.files[0].falsePositives).toBe(0);
  });

  it("optimises one threshold across files and normalises against null and perfect", () => {
    // File A wants threshold ≤ 0.6; file B has a false positive at 0.7 that is not worth taking.
    const a = file({ 40: 0.6 });
    const b = { ...file({ 40: 0.5, 80: 0.7 }), name: "cat/g.csv" };
    const r = nabScore([a, b], standard);
    expect(r.threshold).toBe(0.5);
    expect(r.nullScore).toBe(-2);
    expect(r.perfectScore).toBe(2);
    const fp80 = 0.11 * scaledSigmoid(31 / 9);
    expect(r.raw).toBeCloseTo(2 + fp80, 6);
  });

  it("scores at a fixed threshold when given one (a detector's own decisions), without the search", () => {
    // The search would take 0.9 (the window's detections); at the detector's decisions (1.0) only the false positive counts.
    const f = file({ 60: 1, 45: 0.9, 47: 0.95 });
    const r = nabScore([f], standard, 0.15, 1);
    expect(r.threshold).toBe(1);
    expect(r.raw).toBeCloseTo(-1 - 0.109513, 5);
    expect(r.files[0]).toMatchObject({ truePositives: 0, falsePositives: 1, falseNegatives: 1 });
    expect(nabScore([f], standard, 0.15, 0.9).raw).toBeCloseTo(nabScore([f], standard).raw, 10);
    expect(() => nabScore([f], standard, 0.15, 1.5)).toThrow(/fixed NAB threshold must lie in \[0, 1\], got 1.5/);
  });

  it("rejects scores whose length differs from the data, naming the file", () => {
    const f = { ...file({}), scores: [0, 1] };
    expect(() => nabScore([f], standard)).toThrow(/cat\/f\.csv: 2 scores for 100 data rows/);
  });
});
