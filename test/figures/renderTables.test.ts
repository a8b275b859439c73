import { describe, expect, it } from "vitest";
import { renderBenchTable } from "../../figures/benchFigures";
import { renderDemoSweep } from "../../figures/demoFigures";
import type { BenchFiguresGroup, DemoFiguresGroup, QualityFiguresGroup } from "../../figures/figuresFile";
import { renderQualityTable } from "../../figures/qualityFigures";

const spread = (...values: number[]) => ({ mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values), values });
const where = { measuredAt: "2026-12-02T21:00:00.000Z", commit: "abc1234", loadAverage: 1.25, cores: 2 };

describe("renderQualityTable", () => {
  const q: QualityFiguresGroup = {
    ...where,
    command: "npm run quality -- --json",
    seeds: [1, 2],
    seconds: 1260,
    normalised: spread(0.5, 0.6),
    sets: [
      { set: "nab-dev", kind: "nab", standard: spread(77.48, 76.35), lowFP: spread(74, 72.75), lowFN: spread(80.36, 79.6), windows: 36, found: spread(31, 31), falsePositives: spread(22, 24), normalised: spread(0.7748, 0.7635), seconds: spread(20, 21) },
      {
        set: "smd-dev",
        kind: "labelled",
        onset: { precision: spread(0.7, 0.6), recall: spread(0.6, 0.7), f1: spread(0.669, 0.679), falsePer1000: spread(0.64, 0.6), runsFound: spread(58, 60), runF1: spread(0.66, 0.67) },
        runs: 76,
        eventF1: spread(0.659, 0.67),
        baselines: { threeSigma: spread(0.09, 0.09), isolationForestP995: spread(0.124, 0.124) },
        bestBaseline: "isolationForestP995",
        ratioToBest: spread(5.4, 5.48),
        normalised: spread(0.669, 0.679),
        seconds: spread(60, 61),
      },
    ],
  };

  it("prints every seed, the mean and the spread of each figure, with the run's provenance", () => {
    const t = renderQualityTable(q);
    expect(t).toContain("| set | figure | seed 1 | seed 2 | mean (min–max) |");
    expect(t).toContain("| nab-dev | NAB score, standard profile (0–100) | 77.48 | 76.35 | 76.91 (76.35–77.48) |");
    expect(t).toContain("|  | windows found (of 36) | 31 | 31 | 31 |");
    expect(t).toContain("|  | best baseline's onset F1 (iforest p99.5) | 0.124 | 0.124 | 0.124 |");
    expect(t).toContain("|  | onset F1 ÷ best baseline's | 5.40 | 5.48 | 5.44 (5.40–5.48) |");
    expect(t).toContain("| all sets | mean normalised score (NAB standard / 100, onset F1) | 0.500 | 0.600 | 0.550 (0.500–0.600) |");
    // A run from before session 64 has no alerts-only figures: no such rows.
    expect(t).not.toContain("at its own alerts");
    expect(t).toContain("21 minutes of run time (the runs' seconds added up; runs side by side with --jobs share the wall clock). Measured 2026-12-02 at abc1234 (load average 1.3 on 2 cores): `npm run quality -- --json`.");
  });

  it("prints a NAB-layout set's figures at its own alerts when the run has them", () => {
    const [nab, labelled] = q.sets;
    const withAlerts = { ...q, sets: [{ ...nab, atAlerts: { standard: spread(70.5, 71.5), found: spread(29, 30), falsePositives: spread(20, 22) } }, labelled] } as QualityFiguresGroup;
    const t = renderQualityTable(withAlerts);
    expect(t).toContain("|  | NAB standard at its own alerts (no threshold search) | 70.50 | 71.50 | 71.00 (70.50–71.50) |");
    expect(t).toContain("|  | windows found at its alerts (of 36) | 29 | 30 | 30 (29–30) |");
    expect(t).toContain("|  | false positives at its alerts | 20 | 22 | 21 (20–22) |");
  });
});

describe("renderBenchTable", () => {
  const forest = (dims: number, ours: number, java: number | null) => ({ name: "forest", dims, inputs: 5, shingle: dims / 5, trees: 50, sampleSize: 256, points: 20000, rounds: 3, oursScoreUpdatePerSec: ours, javaScoreUpdatePerSec: java, ratio: java === null ? null : ours / java, oursScorePerSec: ours * 2, oursUpdatePerSec: ours * 3, oursBytes: 904509, oursProcessBytes: null, javaBytes: java === null ? null : 1_010_000 });
  const b: BenchFiguresGroup = {
    ...where,
    command: "npm run --silent bench -- --json",
    lines: [forest(5, 17800, 12200), forest(20, 7400, 5700), { name: "cli-startup", command: "npx cad --help", medianMs: 201.4, minMs: 180.2, maxMs: 260.9, runs: 5 }, { name: "something-new", x: 1 }],
  };

  it("prints the forest's throughput and memory beside Java's, with ratios from the same run, and skips lines it does not know", () => {
    const t = renderBenchTable(b);
    expect(t).toContain("| forest score+update per second at 5 / 20 dims (50 trees × 256 samples, 5 inputs shingled 1 / 4, 20,000 points, warm-up then a fresh forest timed, fastest of 3 rounds) | 17.8k / 7.4k (score 35.6k / 14.8k; update 53.4k / 22.2k) | Java RCF 4.3: 12.2k / 5.7k — ours 1.46× / 1.30× |");
    expect(t).toContain("| one forest's memory at 5 / 20 dims | 0.90 / 0.90 MB of typed arrays and WebAssembly memory | Java heap 1.01 / 1.01 MB |");
    expect(t).toContain("| CLI start-up: `npx cad --help` from spawn to exit (median of 5 after a warm-up) | 201 ms (180–261 ms) |  |");
    expect(t).not.toContain("something-new");
    expect(t).toContain("Measured 2026-12-02 at abc1234 (load average 1.3 on 2 cores): `npm run --silent bench -- --json`.");
  });

  it("says Java was not measured when its columns are empty, and names a malformed line", () => {
    expect(renderBenchTable({ ...b, lines: [forest(5, 17800, null)] })).toContain("Java not measured in this run");
    expect(() => renderBenchTable({ ...b, lines: [{ name: "cli-startup", command: "cad --help" }] })).toThrow(/docs\/figures\.json: bench\.lines\[0\]: medianMs: missing/);
  });
});

describe("renderDemoSweep", () => {
  const seed = (n: number, falseAlerts: number, leak: number | null, scaling: string[]) => ({
    seed: n,
    incidents: [
      { kind: "load-spike", detectedAs: "saturation", minutesToDetect: 3 },
      { kind: "memory-leak", detectedAs: leak === null ? null : "memory-leak", minutesToDetect: leak },
    ],
    falseAlerts: Array.from({ length: falseAlerts }, () => ({ kind: "network", openedAt: "2026-01-06 12:00" })),
    scaling,
  });
  const d: DemoFiguresGroup = { ...where, command: "for s in 1 2 3; do …; done", defaultSeed: 2, excerpt: "", npmStartSeconds: 23.6, seeds: [seed(1, 0, 8, ["scale-out 6 → 8"]), seed(2, 0, 11, ["scale-out 6 → 8"]), seed(3, 0, 9, ["scale-out 6 → 8"])] };

  it("sums the seeds up: detections, false alerts, the kind and minutes per fault, the scaling, npm start's time", () => {
    expect(renderDemoSweep(d)).toBe(
      "Across seeds 1–3 the defaults detect 6 of 6 injected incidents, with no false alert on any seed (the acceptance bar is at most 2 per seed); " +
        "each injected fault detected as (minutes to detect over the seeds): load-spike as saturation in 3, memory-leak as memory-leak in 8–11; " +
        "every seed scales the same way: scale-out 6 → 8. `npm start` (seed 2) took 24 s wall. Measured 2026-12-02 at abc1234 (load average 1.3 on 2 cores): `for s in 1 2 3; do …; done`.",
    );
  });

  it("says so when a seed misses an incident, raises false alerts or scales differently", () => {
    const t = renderDemoSweep({ ...d, seeds: [seed(1, 2, null, []), seed(2, 0, 11, ["scale-out 6 → 8"])] });
    expect(t).toContain("detect 3 of 4 injected incidents, with 2 false alert(s) (0–2 per seed)");
    expect(t).toContain("memory-leak as missed or memory-leak in 11");
    expect(t).toContain("scaling no scaling (seed 1); scale-out 6 → 8 (seed 2)");
  });
});
