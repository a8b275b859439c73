import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../cli/main";
import { runNab } from "../../cli/nab/runNab";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { Random } from "../../runtime/model/random";
import { trainDetector } from "../../training/trainDetector";

let dir: string;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cad-eval-"));
  out = [];
  err = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const pad = (n: number) => String(n).padStart(2, "0");
function stamp(i: number): string {
  const d = new Date(Date.UTC(2014, 0, 1) + i * 300_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
}

/** A NAB-layout folder: cat/spiky.csv (a spike at row 700, window 680–720) and cat/calm.csv (no window). */
function writeNab(): { data: string; windows: string } {
  const data = path.join(dir, "data");
  fs.mkdirSync(path.join(data, "cat"), { recursive: true });
  const rng = new Random(1);
  const rows = (spike: boolean) => ["timestamp,value", ...Array.from({ length: 900 }, (_, i) => `${stamp(i)},${(10 + Math.sin(i / 20) + 0.2 * rng.normal() + (spike && i === 700 ? 15 : 0)).toFixed(4)}`)];
  fs.writeFileSync(path.join(data, "cat", "spiky.csv"), rows(true).join("\n"));
  fs.writeFileSync(path.join(data, "cat", "calm.csv"), rows(false).join("\n"));
  const windows = path.join(dir, "windows.json");
  fs.writeFileSync(windows, JSON.stringify({ "cat/spiky.csv": [[`${stamp(680)}.000000`, `${stamp(720)}.000000`]], "cat/calm.csv": [] }));
  return { data, windows };
}

describe("cad nab + cad evaluate", () => {
  it("writes NAB's results layout and scores it", async () => {
    const { data, windows } = writeNab();
    const results = path.join(dir, "results");
    expect(await runCli(["nab", "--data", data, "--out", results, "--detector", "mine"])).toBe(0);
    const file = path.join(results, "mine", "cat", "mine_spiky.csv");
    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    expect(lines[0]).toBe("timestamp,value,anomaly_score");
    expect(lines).toHaveLength(901);
    const scores = lines.slice(1).map((l) => Number(l.split(",")[2]));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    // Dense: most rows carry the detector's likelihood; only its alerts reach 1/2, and the spike is one of them.
    expect(scores.filter((s) => s > 0).length).toBeGreaterThan(100);
    expect(Math.max(...scores.slice(700, 712))).toBeGreaterThanOrEqual(0.5);
    expect(scores.filter((s) => s >= 0.5).length).toBeLessThan(10);
    expect(out.join("")).toMatch(/2 files, 1800 points/);

    out.length = 0;
    expect(await runCli(["evaluate", "--results", path.join(results, "mine"), "--windows", windows, "--data", data, "--profile", "standard", "--json"])).toBe(0);
    const report = JSON.parse(out.join("")) as { files: number; profiles: { profile: string; score: number; categories: { found: number }[] }[] };
    expect(report.files).toBe(2);
    expect(report.profiles[0].profile).toBe("standard");
    expect(report.profiles[0].categories[0].found).toBe(1);
    expect(report.profiles[0].score).toBeGreaterThan(50);

    // At a fixed threshold: 0.5 scores the alerts alone (the spike is one), 1.0 none of them (the window missed).
    const fixed = async (threshold: string) => {
      out.length = 0;
      expect(await runCli(["evaluate", "--results", path.join(results, "mine"), "--windows", windows, "--profile", "standard", "--threshold", threshold, "--json"])).toBe(0);
      return (JSON.parse(out.join("")) as typeof report & { profiles: { threshold: number }[] }).profiles[0];
    };
    const atAlerts = await fixed("0.5");
    expect(atAlerts.threshold).toBe(0.5);
    expect(atAlerts.categories[0].found).toBe(1);
    expect(atAlerts.score).toBeLessThanOrEqual(report.profiles[0].score);
    const none = await fixed("1");
    expect(none.categories[0].found).toBe(0);
    expect(none.score).toBeLessThanOrEqual(0);
    for (const bad of ["1.5", "-0.1", "half", ""]) {
      err.length = 0;
      expect(await runCli(["evaluate", "--results", path.join(results, "mine"), "--windows", windows, "--threshold", bad])).toBe(2);
      expect(err.join("")).toContain(`--threshold must be a number from 0 to 1, got "${bad}"`);
    }
  });

  it("runs each file with the settings a deployment trains for a container of one metric (what ships is what it measures)", async () => {
    const { data } = writeNab();
    const read = (d: string) => fs.readFileSync(path.join(dir, d, "cad", "cat", "cad_spiky.csv"), "utf8");
    expect(await runCli(["nab", "--data", data, "--out", path.join(dir, "cli"), "--seed", "3"])).toBe(0);
    // The profile cad train (and so the detect Lambda) builds for a one-metric feature set with the default shingle.
    const oneMetric: FeatureSet = { ...DEFAULT_FEATURE_SET, metrics: [DEFAULT_FEATURE_SET.metrics[0]] };
    const rows = Array.from({ length: 120 }, (_, i) => ({ service: "svc", container: "c", timestamp: i * 60_000, values: [50 + Math.sin(i / 7)], filled: 0, gap: false }));
    const { seed: _seed, ...deployed } = trainDetector(rows, { featureSet: oneMetric, seed: 3 }).profile;
    runNab({ data, out: path.join(dir, "deployed"), mode: "streaming", detector: "cad", seed: 3, profile: deployed });
    expect(read("cli")).toBe(read("deployed"));
  });

  it("names the file and line of a malformed row and of a missing value", async () => {
    const { data } = writeNab();
    const f = path.join(data, "cat", "calm.csv");
    const text = fs.readFileSync(f, "utf8").split("\n");
    text[5] = "2014-01-01 00:20:00";
    fs.writeFileSync(f, text.join("\n"));
    expect(await runCli(["nab", "--data", data, "--out", path.join(dir, "r")])).toBe(1);
    expect(err.join("")).toContain(`${f}:6: expected 2 comma-separated fields, got 1`);
    text[5] = "2014-01-01 00:20:00,";
    fs.writeFileSync(f, text.join("\n"));
    err.length = 0;
    expect(await runCli(["nab", "--data", data, "--out", path.join(dir, "r")])).toBe(1);
    expect(err.join("")).toContain(`${f}:6: missing value`);
    expect(fs.existsSync(path.join(dir, "r"))).toBe(false);
  });

  it("rejects a results file whose length differs from the data, naming both files", async () => {
    const { data, windows } = writeNab();
    const results = path.join(dir, "results");
    expect(await runCli(["nab", "--data", data, "--out", results, "--detector", "d"])).toBe(0);
    const f = path.join(results, "d", "cat", "d_calm.csv");
    fs.writeFileSync(f, fs.readFileSync(f, "utf8").trim().split("\n").slice(0, -3).join("\n"));
    expect(await runCli(["evaluate", "--results", path.join(results, "d"), "--windows", windows, "--data", data])).toBe(1);
    expect(err.join("")).toContain(`${f}: 897 score rows, but ${path.join(data, "cat", "calm.csv")} has 900 data rows`);
  });

  it("refuses a detector name with '_' as a usage error", async () => {
    const { data } = writeNab();
    expect(await runCli(["nab", "--data", data, "--out", dir, "--detector", "my_det"])).toBe(2);
    expect(err.join("")).toMatch(/--detector must be letters, digits and "-"/);
  });
});

describe("cad labelled", () => {
  /** Two entities, 3 metrics; test rows 300–309 and 500–504 labelled, with a clear anomaly in the first run. */
  function writeLabelled(): string {
    const root = path.join(dir, "lab");
    for (const sub of ["train", "test", "test_label"]) fs.mkdirSync(path.join(root, sub), { recursive: true });
    const rng = new Random(2);
    const row = () => [50 + rng.normal(), 1000 + 10 * rng.normal(), 3].map((v) => v.toFixed(3));
    for (const e of ["a", "b"]) {
      fs.writeFileSync(path.join(root, "train", `${e}.csv`), Array.from({ length: 600 }, () => row().join(",")).join("\n"));
      const test = Array.from({ length: 700 }, () => row());
      const labels = test.map((_, i) => ((i >= 300 && i < 310) || (i >= 500 && i < 505) ? 1 : 0));
      for (let i = 300; i < 310; i++) test[i][0] = (90 + rng.normal()).toFixed(3);
      fs.writeFileSync(path.join(root, "test", `${e}.csv`), test.map((r) => r.join(",")).join("\n"));
      fs.writeFileSync(path.join(root, "test_label", `${e}.csv`), labels.join("\n"));
    }
    return root;
  }

  it("reports point-, event- and onset-wise totals as JSON, with the four baselines, and writes score, anomaly grade, alert grade and label", async () => {
    const data = writeLabelled();
    const o = path.join(dir, "out");
    expect(await runCli(["labelled", "--data", data, "--out", o, "--json", "--baselines"])).toBe(0);
    type Onset = { onsets: number; hits: number; runs: number; runsFound: number; steps: number; precision: number; recall: number; f1: number; falsePer1000: number };
    type Scored = { event: { tp: number; fn: number; f1: number }; point: { precision: number }; onset: Onset };
    const r = JSON.parse(out.join("")) as {
      entities: number;
      onsetOptions: { gap: number; tolerance: number };
      detector: Scored;
      perEntity?: unknown;
      baselines: Record<"threeSigma" | "threeSigmaConsecutive" | "isolationForest" | "isolationForestP995", Scored>;
    };
    expect(r.entities).toBe(2);
    expect(r.perEntity).toBeUndefined(); // totals only
    expect(r.detector.event.tp).toBe(2); // the anomalous run of each entity
    expect(r.detector.event.fn).toBe(2); // the unremarkable labelled runs
    expect(r.onsetOptions).toEqual({ gap: 5, tolerance: 5 });
    // Onset-wise: the anomalous runs are found by an onset, the unremarkable ones are not; every test row is a step.
    expect(r.detector.onset).toMatchObject({ runs: 4, runsFound: 2, steps: 1400, recall: 0.5 });
    expect(r.detector.onset.hits).toBeLessThanOrEqual(r.detector.onset.onsets);
    expect(Object.keys(r.baselines).sort()).toEqual(["isolationForest", "isolationForestP995", "threeSigma", "threeSigmaConsecutive"]);
    for (const b of Object.values(r.baselines)) {
      expect(b.onset).toMatchObject({ runs: 4, steps: 1400 });
      expect(b.onset.falsePer1000).toBeCloseTo(((b.onset.onsets - b.onset.hits) / 1400) * 1000, 10);
    }
    expect(r.baselines.threeSigma.event.f1).toBeGreaterThan(0);
    expect(r.baselines.threeSigmaConsecutive.onset.runsFound).toBe(2); // the 10-step excursion lasts 3 steps and more
    expect(r.baselines.isolationForest.event.f1).toBeGreaterThanOrEqual(0);
    const lines = fs.readFileSync(path.join(o, "a.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("score,anomaly_grade,alert_grade,label");
    expect(lines).toHaveLength(701);
  });

  it("prints onset-wise columns next to point- and event-wise ones, counted with --onset-gap and --onset-tolerance", async () => {
    const data = writeLabelled();
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--onset-gap", "10", "--onset-tolerance", "0"])).toBe(0);
    const text = out.join("");
    expect(text).toMatch(/point-wise +event-wise .* onset-wise/);
    expect(text).toMatch(/onsets\/1k/);
    expect(text).toMatch(/^total \(streaming\) .* 2\/4 +\d+\.\d\d$/m);
    expect(text).toContain("onset: an alert's first step after ≥ 10 quiet steps; a hit inside a labelled run or ≤ 0 steps after its end");
    expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThanOrEqual(150);
  });

  it("refuses an onset gap below 1 and a negative tolerance as usage errors, naming the option", async () => {
    const data = writeLabelled();
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--onset-gap", "0"])).toBe(2);
    expect(err.join("")).toContain("--onset-gap must be a positive integer, got \"0\"");
    err.length = 0;
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--onset-tolerance", "-1"])).toBe(2);
    expect(err.join("")).toContain("--onset-tolerance must be an integer >= 0, got \"-1\"");
  });

  it("learns on only the last --train-rows rows of each train part (a young service), detector and baselines alike", async () => {
    const data = writeLabelled();
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--json", "--baselines", "--train-rows", "50"])).toBe(0);
    const r = JSON.parse(out.join("")) as { trainRows: number | null; rows: number; detector: { event: { tp: number } }; baselines: Record<string, { onset: { steps: number } }> };
    expect(r.trainRows).toBe(50);
    expect(r.rows).toBe(2 * (50 + 700));
    expect(r.detector.event.tp).toBe(2); // the clear anomaly is found after 50 rows of history too
    expect(r.baselines.threeSigma.onset.steps).toBe(1400);
    out.length = 0;
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--json"])).toBe(0);
    expect((JSON.parse(out.join("")) as { trainRows: number | null; rows: number }).trainRows).toBeNull();
    out.length = 0;
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--train-rows", "1"])).toBe(0);
    expect(out.join("")).toContain("trained on the last row of each train part (--train-rows)");
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--train-rows", "0"])).toBe(2);
    expect(err.join("")).toContain("--train-rows must be a positive integer, got \"0\"");
  });

  it("judges young services with --young: overlapping pieces of the test part, each learning only on the --train-rows rows before it", async () => {
    const data = writeLabelled();
    const o = path.join(dir, "young");
    expect(await runCli(["labelled", "--data", data, "--out", o, "--json", "--baselines", "--young", "200"])).toBe(0);
    type Onset = { runs: number; runsFound: number; steps: number };
    const r = JSON.parse(out.join("")) as { entities: number; rows: number; trainRows: number; young: { rows: number; every: number; history: number; pieces: number; skipped: number }; detector: { onset: Onset }; baselines: Record<string, { onset: Onset }> };
    // Pieces start at test rows 0, 50, …, 500 (a quarter of 200 apart; 550 + 200 > 700), 11 per entity.
    expect(r.young).toEqual({ rows: 200, every: 50, history: 60, pieces: 22, skipped: 0 });
    expect(r.entities).toBe(2);
    expect(r.trainRows).toBe(60);
    expect(r.rows).toBe(22 * (60 + 200));
    // Each labelled run is judged in every piece that holds it: rows 300–309 in the pieces from 150, 200, 250 and 300,
    // rows 500–504 in those from 350, 400, 450 and 500.
    expect(r.detector.onset).toMatchObject({ runs: 16, steps: 4400 });
    expect(r.baselines.threeSigma.onset).toMatchObject({ runs: 16, steps: 4400 });
    // The clear excursion is found by the services 210 and 160 steps old when it starts (the pieces from 150 and 200,
    // 60 rows of history each) in both entities; the one 110 steps old grades its first steps but its young threshold
    // rises past the rest (docs/quality.md, session 53).
    expect(r.detector.onset.runsFound).toBeGreaterThanOrEqual(4);
    const lines = fs.readFileSync(path.join(o, "a@250.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("score,anomaly_grade,alert_grade,label");
    expect(lines).toHaveLength(201);
    expect(lines.slice(1).map((l) => Number(l.split(",")[3]))).toEqual(Array.from({ length: 200 }, (_, i) => (i >= 50 && i < 60 ? 1 : 0)));
    expect(fs.readdirSync(o)).toHaveLength(22);
    out.length = 0;
    // The table adds up each entity's pieces and says how they were cut.
    expect(await runCli(["labelled", "--data", data, "--out", o, "--young", "200", "--young-every", "100", "--train-rows", "30"])).toBe(0);
    const text = out.join("");
    expect(text).toMatch(/^a +\d/m);
    expect(text).not.toMatch(/^a@/m);
    expect(text).toContain("young services (--young): 12 pieces of 200 test rows, one starting every 100 rows, each learning only on the 30 rows before it");
  });

  it("refuses --young-every without --young or beyond it, and a piece longer than every test part, naming the options", async () => {
    const data = writeLabelled();
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--young-every", "10"])).toBe(2);
    expect(err.join("")).toContain("--young-every needs --young <rows>");
    err.length = 0;
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--young", "100", "--young-every", "101"])).toBe(2);
    expect(err.join("")).toContain("--young-every must be at most --young (100)");
    err.length = 0;
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--young", "0"])).toBe(2);
    expect(err.join("")).toContain("--young must be a positive integer");
    err.length = 0;
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o"), "--young", "701"])).toBe(1);
    expect(err.join("")).toContain(`${path.join(data, "test", "a.csv")}: 700 test rows, fewer than one young piece of 701 (--young): no piece`);
    expect(err.join("")).toContain("no young piece of 701 test rows fits any entity (--young): use fewer rows");
  });

  it("names the label file whose length differs from the test rows", async () => {
    const data = writeLabelled();
    const f = path.join(data, "test_label", "b.csv");
    fs.writeFileSync(f, "0\n1\n");
    expect(await runCli(["labelled", "--data", data, "--out", path.join(dir, "o")])).toBe(1);
    expect(err.join("")).toContain(`${f}: 2 labels, but ${path.join(data, "test", "b.csv")} has 700 rows`);
  });
});
