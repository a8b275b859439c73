import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalMixture, row, serviceMetrics, shingled, writeStream } from "../../bench/benchData";

describe("bench data", () => {
  it("is the same for the same seed and differs for another", () => {
    expect(normalMixture(3, 50, 1).values).toEqual(normalMixture(3, 50, 1).values);
    expect(normalMixture(3, 50, 2).values).not.toEqual(normalMixture(3, 50, 1).values);
    expect(serviceMetrics(2, 50, 1).values).toEqual(serviceMetrics(2, 50, 1).values);
  });

  it("visits the normal mixture's anomalous state (mean 4) about as often as its chain says", () => {
    const s = normalMixture(1, 20000, 3);
    const high = Array.from(s.values).filter((x) => x > 3).length / s.steps;
    // Stationary share of the anomalous state: 0.01 / (0.01 + 0.3) ≈ 3.2 %, of which ~69 % lie above 3.
    expect(high).toBeGreaterThan(0.015);
    expect(high).toBeLessThan(0.035);
  });

  it("shingles as the reference's internal shingling does: point k = rows k … k + shingle − 1", () => {
    const s = { inputs: 2, steps: 4, values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    expect(shingled(s, 3).map((p) => Array.from(p))).toEqual([
      [1, 2, 3, 4, 5, 6],
      [3, 4, 5, 6, 7, 8],
    ]);
    expect(Array.from(row(s, 2))).toEqual([5, 6]);
  });

  it("writes little-endian float64 rows for the Java driver", () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-data-"));
    try {
      const s = serviceMetrics(3, 10, 4);
      writeStream(s, join(dir, "s.bin"));
      const buf = readFileSync(join(dir, "s.bin"));
      expect(buf.length).toBe(30 * 8);
      expect(buf.readDoubleLE(8 * 7)).toBe(s.values[7]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
