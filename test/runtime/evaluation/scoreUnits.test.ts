import { describe, expect, it } from "vitest";
import { NAB_PROFILES, nabScore, scoreAt, sweepFile, type NabFile } from "../../../runtime/evaluation/nabScore";
import { onsetCounts, onsetMetrics } from "../../../runtime/evaluation/onsetMetrics";
import { nabUnits, nabUnitsScore, onsetUnits, onsetUnitsMetrics, onsetUnitsScore, runUnitsScore } from "../../../runtime/evaluation/scoreUnits";
import { Random } from "../../../runtime/model/random";

const { standard, reward_low_FN_rate: lowFn } = NAB_PROFILES;
const MINUTE = 60_000;

/** `rows` rows one minute apart with seeded random scores (a few high), windows as row ranges. */
function file(name: string, rows: number, windows: [number, number][], seed: number): NabFile {
  const rng = new Random(seed);
  const timestamps = Array.from({ length: rows }, (_, i) => i * MINUTE);
  return {
    name,
    timestamps,
    scores: timestamps.map(() => (rng.next() < 0.03 ? 0.5 + 0.5 * rng.next() : 0.5 * rng.next())),
    windows: windows.map(([a, b]) => [a * MINUTE, b * MINUTE] as [number, number]),
  };
}

const every = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

describe("nabUnits", () => {
  const files = [file("a/one.csv", 1000, [[300, 340], [700, 760]], 1), file("a/two.csv", 450, [[95, 130]], 2), file("b/none.csv", 300, [], 3)];

  it("adds up to NAB's raw score per file at any threshold, each window counted in the block where it starts", () => {
    for (const profile of [standard, lowFn]) {
      const scored = nabScore(files, profile);
      for (const threshold of [scored.threshold, 0.3, 0.6, 0.95]) {
        files.forEach((f) => {
          const units = nabUnits(f, profile, threshold, 128);
          const raw = scoreAt(sweepFile(f, profile), f.windows.map((_, w) => `w${w}`), threshold, profile);
          expect(units).toHaveLength(Math.ceil(f.timestamps.length / 128));
          expect(sum(units.map((u) => u.raw))).toBeCloseTo(raw, 10);
          expect(sum(units.map((u) => u.windows))).toBe(f.windows.length);
        });
      }
    }
    const units = nabUnits(files[0], standard, 0.5, 128);
    expect(units.map((u) => u.windows)).toEqual([0, 0, 1, 0, 0, 1, 0, 0]); // rows 300 and 700 start blocks 2 and 5
    expect(units.map((u) => u.block)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("gives the set's normalised score back when every block is drawn once, at the set's own threshold", () => {
    const scored = nabScore(files, standard);
    const units = files.flatMap((f) => nabUnits(f, standard, scored.threshold, 100));
    expect(nabUnitsScore(units, every(units.length), standard)).toBeCloseTo(scored.normalised / 100, 12);
    // Every block twice: the same score (raw and windows both double).
    expect(nabUnitsScore(units, [...every(units.length), ...every(units.length)], standard)).toBeCloseTo(scored.normalised / 100, 12);
  });

  it("scores a draw without windows 0, and a file shorter than a block as one block", () => {
    const units = nabUnits(files[2], standard, 0.5, 1000);
    expect(units).toHaveLength(1);
    expect(units[0].windows).toBe(0);
    expect(nabUnitsScore(units, [0], standard)).toBe(0);
  });

  it("refuses a block size that is not a positive integer", () => {
    expect(() => nabUnits(files[0], standard, 0.5, 0)).toThrow("block steps must be an integer of at least 1 (rows), got 0");
    expect(() => nabUnits(files[0], standard, 0.5, 2.5)).toThrow("got 2.5");
  });
});

describe("onsetUnits", () => {
  // Labelled runs at 8–11 and 28–31 (the second's onset at 33, in the next block, within the tolerance of 5); a false onset at 50.
  const labels = Array.from({ length: 60 }, (_, i) => ((i >= 8 && i <= 11) || (i >= 28 && i <= 31) ? 1 : 0));
  const alerts = Array.from({ length: 60 }, (_, i) => i === 9 || i === 10 || i === 33 || i === 50);

  it("counts onsets where they are and runs where they start, adding up to the series' counts", () => {
    const units = onsetUnits(alerts, labels, 30);
    expect(units).toEqual([
      { block: 0, onsets: 1, hits: 1, runs: 2, runsFound: 2 },
      { block: 1, onsets: 2, hits: 1, runs: 0, runsFound: 0 },
    ]);
    const whole = onsetCounts(alerts, labels);
    expect(onsetUnitsScore(units, [0, 1])).toBeCloseTo(onsetMetrics(whole).f1, 12);
    expect(onsetUnitsScore(units, [0, 0])).toBe(1); // the first block twice: every onset a hit, every run found
    expect(onsetUnitsScore(units, [1, 1])).toBe(0); // no runs
    // Run F1: the two found runs once each against the false onset at 50 (precision 2/3), whatever the repeats.
    expect(runUnitsScore(units, [0, 1])).toBeCloseTo(onsetMetrics(whole).runF1, 12);
    expect(runUnitsScore(units, [0, 1])).toBeCloseTo(0.8, 12);
    expect(onsetUnitsMetrics(units, [0, 1])).toMatchObject({ onsets: 3, hits: 2, runs: 2, runsFound: 2, falsePer1000: 0 });
  });

  it("follows the onset options, and matches onsetCounts on random series at any block size", () => {
    const o = { gap: 2, tolerance: 0 };
    const strict = onsetUnits(alerts, labels, 30, o);
    expect(strict[0].runsFound + strict[1].runsFound).toBe(onsetCounts(alerts, labels, o).runsFound);
    expect(strict[0].runsFound).toBe(1); // the onset at 33 is too late without tolerance
    const rng = new Random(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 200 + rng.int(300);
      const lab = Array.from({ length: n }, () => 0);
      for (let r = 0; r < 6; r++) {
        const s = rng.int(n - 10);
        for (let i = s; i < s + 1 + rng.int(8); i++) lab[i] = 1;
      }
      const al = Array.from({ length: n }, () => rng.next() < 0.05);
      const block = 1 + rng.int(120);
      const units = onsetUnits(al, lab, block);
      expect(units).toHaveLength(Math.ceil(n / block));
      expect(onsetUnitsScore(units, every(units.length))).toBeCloseTo(onsetMetrics(onsetCounts(al, lab)).f1, 12);
      expect(runUnitsScore(units, every(units.length))).toBeCloseTo(onsetMetrics(onsetCounts(al, lab)).runF1, 12);
    }
  });

  it("refuses mismatched lengths, bad options and a bad block size", () => {
    expect(() => onsetUnits([true], [0, 1], 10)).toThrow();
    expect(() => onsetUnits(alerts, labels, 10, { gap: 0, tolerance: 5 })).toThrow("onset gap must be an integer of at least 1");
    expect(() => onsetUnits(alerts, labels, -1)).toThrow("block steps must be an integer of at least 1 (rows), got -1");
  });
});
