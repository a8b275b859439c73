import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/main";
import { captureOutput } from "../../helpers/captureOutput";
import { writeLabelledSet, writeNabSet } from "../../helpers/evaluationSets";

const io = captureOutput();
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "cad-quality-"));
  writeNabSet(path.join(root, "datasets", "nab-dev"));
  writeLabelledSet(path.join(root, "datasets", "smd-dev"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const datasets = () => path.join(root, "datasets");
const quality = (...args: string[]) => runCli(["quality", "--datasets", datasets(), "--sets", "nab-dev,smd-dev", "--out", path.join(root, "out"), ...args]);

interface Spread {
  mean: number;
  min: number;
  max: number;
  values: number[];
}
type Line = Record<string, unknown> & { kind: string; normalised: Spread };
/** The records of `--json`: stdout is one JSON object, `{"records": [...]}`. */
const jsonLines = (): Line[] => (JSON.parse(io.stdout) as { records: Line[] }).records;

function writeCandidates(name: string, content: unknown): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("cad quality", () => {
  it("runs both kinds of set over the seeds and prints a JSON line per set and a summary", async () => {
    expect(await quality("--seeds", "1,2", "--json")).toBe(0);
    const [nab, lab, summary, ...rest] = jsonLines();
    expect(rest).toEqual([]);
    expect(nab).toMatchObject({ set: "nab-dev", kind: "nab", candidate: "shipped", seeds: [1, 2], windows: 1 });
    const standard = nab.standard as Spread;
    expect(standard.values).toHaveLength(2);
    expect(standard.mean).toBeGreaterThan(50); // the spike is found
    expect(nab.normalised.values).toEqual(standard.values.map((x) => x / 100));
    expect(Object.keys(nab)).toEqual(["set", "kind", "candidate", "seeds", "normalised", "standard", "lowFP", "lowFN", "windows", "found", "falsePositives", "categories", "atAlerts", "seconds"]);
    // At its own alerts (dense score 0.5 and up): never above NAB's optimised threshold, which could have chosen 0.5.
    const atAlerts = nab.atAlerts as { standard: Spread; found: Spread; falsePositives: Spread };
    atAlerts.standard.values.forEach((x, i) => expect(x).toBeLessThanOrEqual(standard.values[i] + 1e-9));
    expect(atAlerts.found.values).toEqual([1, 1]);
    // One category: its raw score is the set's whole (normalised = (raw + windows) / (2 · windows) in the standard profile).
    const [cat] = nab.categories as { category: string; windows: number; raw: Spread; found: Spread }[];
    expect(cat).toMatchObject({ category: "cat", windows: 1 });
    cat.raw.values.forEach((raw, i) => expect((raw + 1) / 2).toBeCloseTo(nab.normalised.values[i], 12));

    expect(lab).toMatchObject({ set: "smd-dev", kind: "labelled", seeds: [1, 2], runs: 2 });
    const onset = lab.onset as Record<string, Spread>;
    expect(lab.normalised.values).toEqual(onset.f1.values);
    expect(onset.recall.mean).toBe(1); // both anomalous runs have an onset
    expect(Object.keys(lab.baselines as object)).toEqual(["threeSigma", "threeSigmaConsecutive", "isolationForest", "isolationForestP995"]);
    expect(["threeSigma", "threeSigmaConsecutive", "isolationForest", "isolationForestP995"]).toContain(lab.bestBaseline);

    expect(summary).toMatchObject({ kind: "summary", candidate: "shipped", sets: ["nab-dev", "smd-dev"], seeds: [1, 2] });
    expect(summary.normalised.mean).toBeCloseTo((nab.normalised.mean + lab.normalised.mean) / 2, 12);
    expect(summary.normalised.values[0]).toBeCloseTo((nab.normalised.values[0] + lab.normalised.values[0]) / 2, 12);
    expect(summary.verdict).toBeUndefined();

    // Each run's own files, as cad nab and cad labelled write them.
    expect(fs.existsSync(path.join(root, "out", "shipped", "nab-dev", "seed-2", "cad", "cat", "cad_spiky.csv"))).toBe(true);
    expect(fs.readFileSync(path.join(root, "out", "shipped", "smd-dev", "seed-1", "a.csv"), "utf8").split("\n")[0]).toBe("score,anomaly_grade,alert_grade,label");
    // Progress on stderr: which candidate, set and seed, as each run starts and ends.
    expect(io.stderr).toContain("cad quality: [1/4] shipped · nab-dev · seed 1 …\n");
    expect(io.stderr).toMatch(/cad quality: \[4\/4\] shipped · smd-dev · seed 2: onset F1 \d\.\d{3} in \d+\.\d s\n/);
  });

  it("shows each NAB category's raw score when a set has several (where the score comes from)", async () => {
    const split = path.join(root, "split");
    writeNabSet(path.join(split, "nab-dev"));
    fs.mkdirSync(path.join(split, "nab-dev", "other"));
    fs.renameSync(path.join(split, "nab-dev", "cat", "calm.csv"), path.join(split, "nab-dev", "other", "calm.csv"));
    const windowsFile = path.join(split, "nab-dev", "combined_windows.json");
    const windows = JSON.parse(fs.readFileSync(windowsFile, "utf8")) as Record<string, unknown>;
    fs.writeFileSync(windowsFile, JSON.stringify({ "cat/spiky.csv": windows["cat/spiky.csv"], "other/calm.csv": [] }));
    expect(await runCli(["quality", "--datasets", split, "--sets", "nab-dev", "--seeds", "1", "--out", path.join(root, "out-split")])).toBe(0);
    expect(io.stdout).toMatch(/^ +raw score, cat \(1 window\) +-?\d\.\d\d /m);
    expect(io.stdout).toMatch(/^ +raw score, other \(0 windows\) +-?\d\.\d\d /m);
  });

  it("prints the table (each seed, mean, min–max, seconds) before the JSON lines", async () => {
    expect(await quality("--seeds", "3")).toBe(0);
    const out = io.stdout;
    expect(out).toContain('candidate "shipped", seeds 3\n');
    expect(out).toMatch(/^set +figure +seed 3 +mean +min–max$/m);
    for (const label of ["NAB standard (0–100)", "NAB low FP", "NAB low FN", "NAB standard at its own alerts", "windows found at its alerts", "false positives at its alerts", "onset precision", "false onsets per 1,000 steps", "event F1", "baseline iforest p99.5: onset F1", "onset F1 ÷ best baseline's", "seconds", "mean normalised score"]) expect(out).toContain(label);
    expect(out).toMatch(/^all sets +mean normalised score +(\d\.\d{3}) +\1 +\1–\1$/m);
    expect(out.trim().split("\n").slice(-2).map((l) => (JSON.parse(l) as Line).kind)).toEqual(["labelled", "summary"]);
  });

  it("compares candidates with the shipped settings, set by set and leave-one-set-out", async () => {
    // A detector that never alerts scores 0 everywhere: the verdict rejects it and every pick is shipped.
    const file = writeCandidates("silent.json", [{ name: "silent", overrides: { lowerThreshold: 1e9 } }]);
    expect(await quality("--seeds", "1", "--candidates", file)).toBe(0);
    expect(io.stdout).toContain('candidate "silent", seeds 1');
    expect(io.stdout).toMatch(/^silent +0\.000 +0\.000 +0\.000 +reject \(mean −0\.\d{3}, did not rise; nab-dev −0\.\d{3} beyond its seed spread 0\.000; smd-dev −1\.000 beyond its seed spread 0\.000\)$/m);
    expect(io.stdout).toMatch(/^nab-dev +shipped +\d\.\d{3} +\d\.\d{3} +\d\.\d{3}$/m);
    expect(io.stdout).toContain('overall pick: "shipped"');
    const lines = io.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => `${String(l.kind)} ${String(l.candidate)}`)).toEqual([
      "nab shipped",
      "labelled shipped",
      "summary shipped",
      "nab silent",
      "labelled silent",
      "summary silent",
      "leaveOneSetOut undefined",
      "resampled undefined",
    ]);
    // The resampled comparison: every block of each set (two files, two entities) drawn again 1,000 times.
    const resampled = lines[lines.length - 1] as { reference: string; resamples: number; blockSteps: number; blocks: Record<string, number>; comparisons: { candidate: string; sets: Record<string, { observed: number; pHigher: number; low: number; high: number }>; mean: { observed: number; pHigher: number } }[] };
    expect(resampled).toMatchObject({ reference: "shipped", resamples: 1000, blockSteps: 1000, draw: { "nab-dev": "block", "smd-dev": "block" }, blocks: { "nab-dev": 2, "smd-dev": 2 }, groups: { "nab-dev": 2, "smd-dev": 2 } });
    const [silentDraws] = resampled.comparisons;
    expect(silentDraws.candidate).toBe("silent");
    expect(silentDraws.sets["smd-dev"]).toMatchObject({ observed: -1, pHigher: 0 });
    expect(silentDraws.mean.pHigher).toBe(0);
    expect(silentDraws.mean.observed).toBeCloseTo((silentDraws.sets["nab-dev"].observed + silentDraws.sets["smd-dev"].observed) / 2, 12);
    expect(io.stdout).toContain("resampled: each set cut into blocks of 1,000 rows and drawn again with replacement 1,000 times (nab-dev 2 blocks; smd-dev 2 blocks);");
    expect(io.stdout).toMatch(/^silent +smd-dev +−1\.000 +\[−1\.000, −1\.000\] +0\.0 %$/m);
    // A labelled set's difference is the smaller of its onset F1's and its run F1's, as the verdict counts it.
    const onsetOf = (c: string) => (lines.find((l) => l.kind === "labelled" && l.candidate === c) as { onset: { f1: { mean: number }; runF1: { mean: number } } }).onset;
    const [ship, quiet] = [onsetOf("shipped"), onsetOf("silent")];
    expect(silentDraws.sets["smd-dev"].observed).toBeCloseTo(Math.min(quiet.f1.mean - ship.f1.mean, quiet.runF1.mean - ship.runF1.mean), 12);
    expect(io.stdout).toContain("(on a labelled set the smaller of the differences in onset F1 and in run F1, on every draw, as the verdict counts it)");
    expect(io.stdout).toContain("(a labelled set's rise over shipped counted only as far as its run F1 rose too, as in the verdict)");
    expect(io.stdout).toMatch(/^silent +mean over sets +−0\.\d{3} +\[−0\.\d{3}, −0\.\d{3}\] +0\.0 %$/m);
    const loso = lines[lines.length - 2] as { reference: string; rows: { heldOut: string; pick: string }[]; overall: { pick: string } };
    expect(loso.reference).toBe("shipped");
    expect(loso.rows.map((r) => [r.heldOut, r.pick])).toEqual([
      ["nab-dev", "shipped"],
      ["smd-dev", "shipped"],
    ]);
    expect(loso.overall.pick).toBe("shipped");
    const silent = lines[lines.length - 3] as { verdict: { keep: boolean } };
    expect(silent.verdict.keep).toBe(false);
  });

  it("leaves the resampled comparison out with --resamples 0, and cuts blocks as --block-steps says", async () => {
    const file = writeCandidates("z4.json", [{ name: "z4", overrides: { zFactor: 4 } }]);
    expect(await quality("--seeds", "1", "--candidates", file, "--resamples", "0", "--json")).toBe(0);
    expect(jsonLines().map((l) => l.kind)).not.toContain("resampled");
    io.stdout = "";
    expect(await quality("--seeds", "1", "--candidates", file, "--resamples", "50", "--block-steps", "100", "--json")).toBe(0);
    const resampled = jsonLines().find((l) => l.kind === "resampled") as unknown as { resamples: number; blockSteps: number; blocks: Record<string, number> };
    expect(resampled).toMatchObject({ resamples: 50, blockSteps: 100, draw: { "nab-dev": "block", "smd-dev": "block" }, blocks: { "nab-dev": 12, "smd-dev": 8 }, groups: { "nab-dev": 12, "smd-dev": 8 } });
    io.stdout = "";
    // --by-place smd-dev: the k-th block of both entities is one draw (4 places); nab-dev's blocks still drawn alone.
    expect(await quality("--seeds", "1", "--candidates", file, "--resamples", "50", "--block-steps", "100", "--by-place", "smd-dev")).toBe(0);
    expect(io.stdout).toContain("resampled: each set cut into blocks of 100 rows and drawn again with replacement 50 times (nab-dev 12 blocks; smd-dev 4 places of 8 blocks, the k-th block of every entity together);");
    expect(await quality("--sets", "nab-dev,smd-dev", "--seeds", "1", "--candidates", file, "--resamples", "5", "--by-place", "kpi-dev")).toBe(2);
    expect(io.stderr).toContain("--by-place names kpi-dev, which this run does not measure (sets: nab-dev, smd-dev)");
  });

  it("scores an earlier run's files again with --rescore: the figures of the run, from its files, without the detector", async () => {
    const out = path.join(root, "out-rescore");
    const file = writeCandidates("z5.json", [{ name: "z5", overrides: { zFactor: 5 } }]);
    const run = (...more: string[]) => quality("--seeds", "1", "--candidates", file, "--out", out, "--resamples", "40", "--json", ...more);
    const withoutSeconds = (lines: Line[]) => lines.map(({ seconds: _seconds, ...rest }) => rest);
    expect(await run()).toBe(0);
    const first = withoutSeconds(jsonLines());
    expect(fs.readdirSync(path.join(out, "z5", "smd-dev", "seed-1")).sort()).toEqual(["a.csv", "b.csv", "run.json"]);
    io.stdout = "";
    expect(await run("--rescore")).toBe(0);
    expect(withoutSeconds(jsonLines())).toEqual(first);
    io.stdout = "";
    expect(await run("--rescore", "--jobs", "2")).toBe(0);
    expect(withoutSeconds(jsonLines())).toEqual(first);
    // It reads the files: with entity a's alerts taken out of shipped's results, a's labelled run is no longer found.
    const a = path.join(out, "shipped", "smd-dev", "seed-1", "a.csv");
    const [header, ...rows] = fs.readFileSync(a, "utf8").trim().split("\n");
    fs.writeFileSync(a, [header, ...rows.map((r) => r.split(",").map((c, j) => (j === 2 ? "0" : c)).join(","))].join("\n") + "\n");
    io.stdout = "";
    expect(await run("--rescore")).toBe(0);
    const smd = jsonLines().find((l) => l.set === "smd-dev" && l.candidate === "shipped") as Line & { onset: { recall: Spread } };
    expect(smd.onset.recall.mean).toBe(0.5);
  });

  it("refuses to rescore results that are missing, of other settings or of other data, naming the file", async () => {
    const out = path.join(root, "out-rescore-bad");
    const file = writeCandidates("z5b.json", [{ name: "z5", overrides: { zFactor: 5 } }]);
    const run = (candidates: string, ...more: string[]) => quality("--seeds", "1", "--candidates", candidates, "--out", out, "--resamples", "0", ...more);
    expect(await run(file, "--rescore")).toBe(1);
    expect(io.stderr).toContain(`${path.join(out, "shipped", "nab-dev", "seed-1", "run.json")} does not exist: --rescore scores the results of an earlier cad quality run`);
    expect(await run(file)).toBe(0);
    io.stderr = "";
    expect(await run(writeCandidates("z6.json", [{ name: "z5", overrides: { zFactor: 6 } }]), "--rescore")).toBe(1);
    expect(io.stderr).toContain(`${path.join(out, "z5", "nab-dev", "seed-1", "run.json")}: the results were written with other detector settings (zFactor 5 there, 6 now): run without --rescore`);
    const b = path.join(out, "shipped", "smd-dev", "seed-1", "b.csv");
    const lines = fs.readFileSync(b, "utf8").trim().split("\n");
    lines[3] = lines[3].replace(/,0$/, ",1");
    fs.writeFileSync(b, lines.join("\n") + "\n");
    io.stderr = "";
    expect(await run(file, "--rescore")).toBe(1);
    expect(io.stderr).toContain(`${b}:4: label 1, but the data's label there is 0: written for other data`);
    fs.writeFileSync(b, lines.slice(0, 10).join("\n"));
    io.stderr = "";
    expect(await run(file, "--rescore")).toBe(1);
    expect(io.stderr).toContain(`${b}: 9 result lines, but b has 400 test rows: written for other data`);
    fs.writeFileSync(b, lines.join("\n") + "\n");
    // A NAB-layout result file cut short: refused naming it and the data file, not scored as if the rest were quiet.
    const nabDir = path.join(out, "shipped", "nab-dev", "seed-1", "cad");
    const category = fs.readdirSync(nabDir)[0];
    const nabFile = path.join(nabDir, category, fs.readdirSync(path.join(nabDir, category))[0]);
    const nabLines = fs.readFileSync(nabFile, "utf8").trim().split("\n");
    fs.writeFileSync(nabFile, nabLines.slice(0, 11).join("\n") + "\n");
    io.stderr = "";
    expect(await run(file, "--rescore")).toBe(1);
    expect(io.stderr).toContain(`${nabFile}: 10 score rows, but `);
    expect(io.stderr).toMatch(/has \d+ data rows/);
  });

  it("gives the same figures with --jobs 2 (runs in worker threads) as one run at a time, and names each run as it starts and ends", async () => {
    const withoutSeconds = (lines: Line[]) => lines.map(({ seconds: _seconds, ...rest }) => rest);
    expect(await quality("--seeds", "1,2", "--json")).toBe(0);
    const serial = withoutSeconds(jsonLines());
    io.stdout = "";
    io.stderr = "";
    expect(await quality("--seeds", "1,2", "--jobs", "2", "--out", path.join(root, "out-jobs"), "--json")).toBe(0);
    expect(withoutSeconds(jsonLines())).toEqual(serial);
    for (const k of [1, 2, 3, 4]) expect(io.stderr).toMatch(new RegExp(`cad quality: \\[${k}/4\\] shipped · (nab-dev|smd-dev) · seed [12] …\n`));
    expect(io.stderr).toMatch(/cad quality: \[\d\/4\] shipped · smd-dev · seed 2: onset F1 \d\.\d{3} in \d+\.\d s\n/);
    expect(fs.existsSync(path.join(root, "out-jobs", "shipped", "nab-dev", "seed-2", "cad", "cat", "cad_spiky.csv"))).toBe(true);
  });

  it("stops at a run that fails, naming the run and the file, with or without --jobs", async () => {
    const broken = path.join(root, "broken");
    writeNabSet(path.join(broken, "nab-dev"));
    writeLabelledSet(path.join(broken, "smd-dev"));
    fs.writeFileSync(path.join(broken, "smd-dev", "test", "b.csv"), "1,2,3\n4,five,6\n");
    for (const jobs of ["1", "2"]) {
      io.stderr = "";
      expect(await runCli(["quality", "--datasets", broken, "--sets", "nab-dev,smd-dev", "--seeds", "1", "--out", path.join(root, "out-broken"), "--jobs", jobs])).toBe(1);
      expect(io.stderr).toContain("b.csv");
      expect(io.stdout).toBe("");
      expect(io.stderr).toContain("cad: shipped · smd-dev · seed 1: ");
    }
  });

  it("reads the datasets folder from CAD_DATASETS when --datasets is not given", async () => {
    const before = process.env.CAD_DATASETS;
    process.env.CAD_DATASETS = datasets();
    try {
      expect(await runCli(["quality", "--sets", "nab-dev", "--seeds", "1", "--out", path.join(root, "out-env"), "--json"])).toBe(0);
    } finally {
      if (before === undefined) delete process.env.CAD_DATASETS;
      else process.env.CAD_DATASETS = before;
    }
    expect(jsonLines().map((l) => l.kind)).toEqual(["nab", "summary"]);
  });
});

describe("cad quality --young", () => {
  let young: string;
  beforeAll(() => {
    young = fs.mkdtempSync(path.join(os.tmpdir(), "cad-quality-young-"));
    writeNabSet(path.join(young, "datasets", "nab-dev"));
    // 1,000 test rows: two young services of 720 rows an entity (from rows 0 and 180), each holding the labelled run.
    writeLabelledSet(path.join(young, "datasets", "smd-dev"), 1000);
  });
  afterAll(() => fs.rmSync(young, { recursive: true, force: true }));
  const run = (...args: string[]) => runCli(["quality", "--datasets", path.join(young, "datasets"), "--out", path.join(young, "out"), "--seeds", "1", "--json", ...args]);

  it("runs each chosen set's young set after the sets, and counts it in the mean like any set", async () => {
    expect(await run("--sets", "nab-dev,smd-dev", "--young")).toBe(0);
    const lines = jsonLines();
    expect(lines.map((l) => l.set ?? l.kind)).toEqual(["nab-dev", "smd-dev", "nab-dev-young", "smd-dev-young", "summary"]);
    const [nab, , nabYoung, smdYoung, summary] = lines;
    // nab-dev's files are shorter than a piece: each is one piece from its first row, so the young set scores the same.
    expect(nabYoung).toMatchObject({ kind: "nab", windows: 1 });
    expect(nabYoung.standard).toEqual(nab.standard);
    expect(fs.existsSync(path.join(young, "out", "young-sets", "nab-dev-young", "data", "cat", "spiky_p0.csv"))).toBe(true);
    expect(fs.existsSync(path.join(young, "out", "shipped", "nab-dev-young", "seed-1", "cad", "cat", "cad_spiky_p0.csv"))).toBe(true);
    // smd-dev's young services: four pieces (cad labelled --young 720), each written as an entity of its own, the two
    // labelled runs counted once per piece that holds them.
    expect(smdYoung).toMatchObject({ kind: "labelled", runs: 4 });
    expect(fs.readdirSync(path.join(young, "out", "shipped", "smd-dev-young", "seed-1")).filter((f) => f.endsWith(".csv")).sort()).toEqual(["a@0.csv", "a@180.csv", "b@0.csv", "b@180.csv"]);
    expect(summary.sets).toEqual(["nab-dev", "smd-dev", "nab-dev-young", "smd-dev-young"]);
    expect(summary.normalised.mean).toBeCloseTo(lines.slice(0, 4).reduce((s, l) => s + l.normalised.mean, 0) / 4, 12);
    expect(io.stderr).toContain("cad quality: nab-dev-young: 2 files cut into 2 pieces of up to 2,000 rows, each from 1,500 rows before each window (1 windows)");
  });

  it("runs a young set named in --sets alone, and scores it again with --rescore", async () => {
    expect(await run("--sets", "nab-dev-young")).toBe(0);
    const first = jsonLines()[0];
    io.stdout = "";
    expect(await run("--sets", "nab-dev-young", "--rescore")).toBe(0);
    expect(jsonLines()[0].standard).toEqual(first.standard);
  });

  it("refuses OpenSearch's detector on young services, a candidate named as the pieces' folder and an unknown set, before anything runs", async () => {
    expect(await run("--sets", "smd-dev-young", "--java-reference")).toBe(2);
    expect(io.stderr).toMatch(/--java-reference runs no young services \(smd-dev-young\)/);
    const file = path.join(young, "young-cands.json");
    fs.writeFileSync(file, JSON.stringify([{ name: "young-sets", overrides: { zFactor: 5 } }]));
    expect(await run("--sets", "nab-dev,smd-dev", "--candidates", file)).toBe(2);
    expect(io.stderr).toContain('a candidate may not be named "young-sets": <out>/young-sets/ holds the young sets\' pieces');
    expect(await run("--sets", "smd-dev,nab-dev-younger")).toBe(2);
    expect(io.stderr).toMatch(/--sets: unknown set "nab-dev-younger" \(known: nab-dev, kpi-dev, jumpstarter-dev, smd-dev, nab-dev-young, kpi-dev-young, jumpstarter-dev-young, smd-dev-young\)/);
  });
});

describe("cad quality: bad input (exit 2 = called wrongly, 1 = a bad file)", () => {
  it("names the datasets folder and the sets it expects when a set is missing", async () => {
    expect(await runCli(["quality", "--datasets", datasets(), "--seeds", "1"])).toBe(2);
    expect(io.stderr).toBe(
      `cad: datasets folder ${datasets()} has no kpi-dev/data/ (kpi-dev: a NAB-layout set, <category>/<file>.csv); expected the sets nab-dev, kpi-dev, jumpstarter-dev, smd-dev there (choose some with --sets; the folder is --datasets, else CAD_DATASETS, else ../shared/datasets beside the repository)\n`,
    );
    const missing = path.join(root, "nowhere");
    expect(await runCli(["quality", "--datasets", missing])).toBe(2);
    expect(io.stderr).toContain(`cad: datasets folder ${missing} does not exist: expected the sets nab-dev, kpi-dev, jumpstarter-dev, smd-dev there`);
  });

  it.each([
    ["1,x", '--seeds must be comma-separated integers >= 0 (e.g. 1,2,3), got "1,x"'],
    ["", '--seeds must be comma-separated integers >= 0 (e.g. 1,2,3), got ""'],
    ["-1", '--seeds must be comma-separated integers >= 0 (e.g. 1,2,3), got "-1"'],
    ["1,2,1", "--seeds lists 1 twice"],
  ])("refuses --seeds %j", async (seeds, message) => {
    expect(await quality("--seeds", seeds)).toBe(2);
    expect(io.stderr).toContain(message);
  });

  it.each(["0", "17", "two", "1.5", ""])("refuses --jobs %j", async (jobs) => {
    expect(await quality("--jobs", jobs)).toBe(2);
    expect(io.stderr).toContain(`--jobs must be a whole number from 1 to 16 (runs at once), got "${jobs}"`);
  });

  it.each<[string, string, string]>([
    ["--resamples", "-1", '--resamples must be a whole number from 0 to 100,000 (paired resamples; 0 for none), got "-1"'],
    ["--resamples", "1e3", '--resamples must be a whole number from 0 to 100,000 (paired resamples; 0 for none), got "1e3"'],
    ["--block-steps", "0", '--block-steps must be a whole number from 1 to 10,000,000 (rows per block), got "0"'],
    ["--block-steps", "ten", '--block-steps must be a whole number from 1 to 10,000,000 (rows per block), got "ten"'],
    ["--by-place", "yahoo", '--by-place: unknown set "yahoo" (known: nab-dev, kpi-dev, jumpstarter-dev, smd-dev, nab-dev-young, kpi-dev-young, jumpstarter-dev-young, smd-dev-young)'],
  ])("refuses %s %j", async (flag, value, message) => {
    expect(await quality(flag, value)).toBe(2);
    expect(io.stderr).toContain(message);
  });

  it("refuses the resampled comparison's options without --candidates, before anything runs", async () => {
    expect(await quality("--seeds", "1", "--by-place", "smd-dev", "--block-steps", "10")).toBe(2);
    expect(io.stderr).toContain("--block-steps, --by-place: the resampled comparison needs --candidates (without them there is nothing to compare with shipped)");
    expect(io.stdout).toBe("");
  });

  it("refuses an unknown set", async () => {
    expect(await quality("--sets", "nab-dev,yahoo")).toBe(2);
    expect(io.stderr).toContain('--sets: unknown set "yahoo" (known: nab-dev, kpi-dev, jumpstarter-dev, smd-dev, nab-dev-young, kpi-dev-young, jumpstarter-dev-young, smd-dev-young)');
  });

  it.each<[string, unknown, string]>([
    ["an unknown setting", [{ name: "fast", overrides: { zFactr: 4 } }], 'candidate "fast" ([0]): overrides.zFactr: no such field (unknown key), got 4'],
    ["a setting of the wrong type", [{ name: "fast", overrides: { zFactor: "4" } }], 'candidate "fast" ([0]): overrides.zFactor: expected a number, got "4"'],
    ["a value the detector refuses", [{ name: "ok" }, { name: "strict", overrides: { confirmSteps: 5 } }], 'candidate "strict" ([1]): overrides: confirmSteps (5) must not exceed confirmWindow (4) (on top of CONTAINER_DETECTOR)'],
    ["a candidate without a name", [{ overrides: {} }], "[0].name: missing"],
    ["a name used twice", [{ name: "a" }, { name: "a" }], 'candidate "a" ([1]): name: used twice'],
    ["shipped with overrides", [{ name: "shipped", overrides: { zFactor: 4 } }], 'candidate "shipped" ([0]): "shipped" is the shipped settings and takes no overrides'],
    ["an empty list", [], "expected at least one candidate"],
    ["not JSON", "[{", "not valid JSON"],
  ])("refuses a candidates file with %s, naming the file and field", async (_what, content, message) => {
    const file = writeCandidates("bad.json", content);
    expect(await quality("--candidates", file)).toBe(1);
    expect(io.stderr).toContain(`cad: ${file}: `);
    expect(io.stderr).toContain(message);
    expect(fs.existsSync(path.join(root, "out", "fast"))).toBe(false);
  });

  it("refuses a missing candidates file, and candidates with one set (nothing to hold out)", async () => {
    expect(await quality("--candidates", path.join(root, "none.json"))).toBe(2);
    expect(io.stderr).toContain(`--candidates ${path.join(root, "none.json")} does not exist`);
    const file = writeCandidates("one.json", [{ name: "z4", overrides: { zFactor: 4 } }]);
    expect(await runCli(["quality", "--datasets", datasets(), "--sets", "nab-dev", "--candidates", file])).toBe(2);
    expect(io.stderr).toContain("--candidates needs at least two sets");
  });
});
