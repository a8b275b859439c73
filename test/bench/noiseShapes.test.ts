import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { javaReferenceUnavailable } from "../../cli/quality/javaTrcf";
import { alertsAfterProbation, NOISE_SHAPES, NOISE_START_MS, noiseSeries, poisson, probationRows } from "../../bench/noiseShapes";
import { Random } from "../../runtime/model/random";

const shape = (name: string) => {
  const s = NOISE_SHAPES.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no shape ${name}`);
  return s;
};

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe("noise shapes", () => {
  it("gives the same series for the same replica and another for another, on the shape's time grid", () => {
    for (const s of NOISE_SHAPES) {
      const a = noiseSeries(s, 1, 300);
      expect(noiseSeries(s, 1, 300)).toEqual(a);
      expect(noiseSeries(s, 2, 300).values).not.toEqual(a.values);
      expect(a.timestamps[0]).toBe(NOISE_START_MS);
      expect(a.timestamps[299] - a.timestamps[298]).toBe(s.stepMs);
      expect(a.values.every(Number.isFinite)).toBe(true);
    }
    expect(new Set(NOISE_SHAPES.map((s) => s.name)).size).toBe(NOISE_SHAPES.length);
  });

  it("draws what each shape's description says", () => {
    const white = noiseSeries(shape("gaussFlat"), 1, 20_000).values;
    expect(mean(white)).toBeCloseTo(50, 0);
    expect(sd(white)).toBeCloseTo(3, 0);
    const counts = noiseSeries(shape("poissonLow"), 1, 20_000).values;
    expect(counts.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    expect(mean(counts)).toBeCloseTo(2, 1);
    expect(sd(counts) ** 2).toBeCloseTo(2, 0);
    const q = noiseSeries(shape("quantised"), 1, 20_000).values;
    expect([...new Set(q)].sort()).toEqual([0.066, 0.134, 0.2]);
    expect(q.filter((x) => x === 0.2).length / q.length).toBeCloseTo(0.02, 2);
    // Multiplicative noise: the log of the values is normal with deviation 0.3.
    expect(sd(noiseSeries(shape("lognormFlat"), 1, 20_000).values.map(Math.log))).toBeCloseTo(0.3, 1);
    // Heavy tails: t(3) lies beyond 8 about 1 time in 400 (a normal of the same scale next to never).
    const t3 = noiseSeries(shape("studentT3"), 1, 40_000).values.filter((x) => Math.abs(x - 50) > 3 * 8).length;
    expect(t3).toBeGreaterThan(40);
    expect(t3).toBeLessThan(200);
  });

  it("weekends are lower in the weekly shape, and the daily shapes peak at 06:00", () => {
    const week = noiseSeries(shape("weeklyHalfHour"), 1, 48 * 14);
    const at = (day: number, hour: number): number => week.values[day * 48 + hour * 2];
    // 2014-04-01 is a Tuesday: days 4 and 5 are Saturday and Sunday.
    expect(at(4, 14)).toBeLessThan(0.75 * at(1, 14));
    const daily = noiseSeries(shape("gaussDaily"), 1, 288 * 20).values;
    const byHour = (h: number): number => mean(daily.filter((_, i) => Math.floor((i % 288) / 12) === h));
    expect(byHour(6)).toBeGreaterThan(140);
    expect(byHour(18)).toBeLessThan(60);
  });

  it("poisson keeps its mean on both sides of its switch to a normal", () => {
    const r = new Random(3);
    for (const m of [0.5, 12, 80]) expect(mean(Array.from({ length: 20_000 }, () => poisson(r, m)))).toBeCloseTo(m, m > 20 ? 0 : 1);
  });

  it("counts alerts after NAB's probationary 15 % only", () => {
    expect(probationRows(100)).toBe(15);
    const flags = Array.from({ length: 100 }, (_, i) => i === 3 || i === 14 || i === 15 || i === 99);
    expect(alertsAfterProbation(flags)).toEqual({ alerts: 2, steps: 85 });
  });

  it("refuses a replica or a length that cannot be generated", () => {
    expect(() => noiseSeries(shape("gaussFlat"), 0, 100)).toThrow(/replica must be a whole number of at least 1, got 0/);
    expect(() => noiseSeries(shape("gaussFlat"), 1, 1)).toThrow(/rows must be a whole number of at least 2, got 1/);
  });

  it("the probe's command prints one JSON line per shape, shipped then each candidate per seed, and names what is wrong", () => {
    const root = join(__dirname, "..", "..");
    const dir = mkdtempSync(join(tmpdir(), "noise-shapes-"));
    try {
      const file = join(dir, "candidates.json");
      writeFileSync(file, JSON.stringify([{ name: "z7", overrides: { zFactor: 7 } }]));
      const probe = (...args: string[]) => spawnSync(process.execPath, [join(root, "bin/run-ts.js"), "bench/noiseShapesMain.ts", ...args], { cwd: root, encoding: "utf8" });
      const run = probe("--rows", "400", "--replicas", "2", "--seeds", "1,2", "--shapes", "quantised,gaussFlat", "--candidates", file, "--json");
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { shape: string; rows: number; replicas: number; ours: { candidate: string; perThousand: number[]; all: number }[]; reference?: unknown });
      expect(lines.map((l) => l.shape)).toEqual(["gaussFlat", "quantised"]);
      for (const l of lines) {
        expect(l).toMatchObject({ rows: 400, replicas: 2 });
        expect(l.ours.map((c) => c.candidate)).toEqual(["shipped", "z7"]);
        for (const c of l.ours) {
          expect(c.perThousand).toHaveLength(2);
          expect(c.all).toBeGreaterThanOrEqual(0);
        }
        expect(l.reference).toBeUndefined();
      }
      const bad = probe("--shapes", "gauss");
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/--shapes: unknown shape "gauss" \(known: gaussFlat, /);
      const short = probe("--rows", "5");
      expect(short.status).toBe(2);
      expect(short.stderr).toContain("--rows must be at least 100 (the probation is 15 % of them), got 5");
      writeFileSync(file, JSON.stringify([{ name: "z0", overrides: { zFactr: 7 } }]));
      const badFile = probe("--shapes", "gaussFlat", "--rows", "400", "--candidates", file);
      expect(badFile.status).toBe(1);
      expect(badFile.stderr).toContain(file);
      expect(badFile.stderr).toContain("zFactr");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(javaReferenceUnavailable() !== null)("--java-reference counts OpenSearch's detector over the same series, seed by seed", () => {
    const root = join(__dirname, "..", "..");
    const dir = mkdtempSync(join(tmpdir(), "noise-shapes-java-"));
    try {
      const run = spawnSync(process.execPath, [join(root, "bin/run-ts.js"), "bench/noiseShapesMain.ts", "--rows", "300", "--replicas", "2", "--seeds", "1,2", "--shapes", "gaussFlat", "--java-reference", "--out", dir, "--json"], { cwd: root, encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      const [line] = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { reference?: { perThousand: number[]; all: number } });
      expect(line.reference?.perThousand).toHaveLength(2);
      expect(line.reference?.all).toBeGreaterThanOrEqual(0);
      // Its inputs stay in --out: 2 series, each with the driver's answer of one line per row.
      expect(readFileSync(join(dir, "gaussFlat_r2.csv.out"), "utf8").trim().split("\n")).toHaveLength(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
