import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatTable } from "../../bench/benchTable";
import { hasJavaRcf, JavaReference } from "../../bench/javaReference";
import { runBench, type BenchLine } from "../../bench/runBench";

const tiny = { points: 300, steps: 80, rounds: 1, dims: [5, 20], trees: 5, sampleSize: 32 };

async function collect(java: Parameters<typeof runBench>[1]): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), "run-bench-"));
  try {
    const out: BenchLine[] = [];
    for await (const line of runBench(tiny, java, dir)) out.push(line);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("runBench", () => {
  it("without Java: Java fields null, the reason on every line and in the table, never a stored number", async () => {
    const unavailable = { available: false as const, reason: "skipped (--no-java)" };
    const lines = await collect(unavailable);
    expect(lines.map((l) => (l.name === "forest" ? `forest ${l.dims}` : `detector ${l.series}`))).toEqual(["forest 5", "forest 20", "detector univariate", "detector multivariate"]);
    for (const l of lines) {
      expect(l.javaUnavailable).toBe("skipped (--no-java)");
      expect(l.ratio).toBeNull();
      if (l.name === "forest") {
        expect(l).toMatchObject({ trees: 5, sampleSize: 32, javaScoreUpdatePerSec: null, javaBytes: null });
        expect(l.oursScoreUpdatePerSec).toBeGreaterThan(0);
        expect(l.oursBytes).toBeGreaterThan(0);
      } else expect(l.javaPointsPerSec).toBeNull();
    }
    const table = formatTable(lines, unavailable);
    expect(table).toContain("Java: not measured (skipped (--no-java)).");
    expect(table).toMatch(/5 dims \(5×1\), 5×32 +[\d,]+ +- +-/);
  }, 60_000);

  // Skipped, and reported so, in a clone without ../shared/tools/java-rcf (or CAD_JAVA_RCF).
  it.skipIf(!hasJavaRcf())("with Java: the acceptance fields, both engines measured in this run, the ratio of the two", async () => {
    const java = await JavaReference.start();
    if (!java.available) throw new Error(`the jar is here but the Java reference did not start: ${java.reason}`);
    try {
      const lines = await collect(java);
      const forest = lines[0];
      if (forest.name !== "forest") throw new Error("the forest lines come first");
      expect(Object.keys(forest).slice(0, 9)).toEqual(["name", "dims", "trees", "sampleSize", "oursScoreUpdatePerSec", "javaScoreUpdatePerSec", "ratio", "oursBytes", "javaBytes"]);
      expect(forest.javaScoreUpdatePerSec).toBeGreaterThan(0);
      expect(forest.javaBytes).toBeGreaterThan(0);
      expect(forest.ratio).toBeCloseTo(forest.oursScoreUpdatePerSec / (forest.javaScoreUpdatePerSec ?? NaN), 2);
      const detector = lines[3];
      if (detector.name !== "detector") throw new Error("the detector lines come last");
      expect(detector).toMatchObject({ series: "multivariate", inputs: 5, steps: 80 });
      expect(detector.javaPointsPerSec).toBeGreaterThan(0);
      expect(detector.javaCachedPointsPerSec).toBeGreaterThan(0);
      expect(formatTable(lines, java)).toContain(`Random Cut Forest 4.3 on Java ${java.version}`);
    } finally {
      await java.close();
    }
  }, 120_000);
});
