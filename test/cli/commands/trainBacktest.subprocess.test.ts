import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseModelBundle } from "../../../runtime/model/modelBundle";
import { generatedLongCsv, simulatedFeatureRowsCsv, FIXTURE_START } from "../../helpers/metricsCsvFixtures";
import { CLI_PROCESS_MS } from "../../helpers/timeouts";

const ROOT = join(__dirname, "../../..");
/** Runs `node bin/cad.js …` as a user would, from the repository root. */
function cad(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/cad.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: CLI_PROCESS_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let metrics: string;
let longCsv: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cad-cli-"));
  metrics = join(dir, "metrics.csv");
  longCsv = join(dir, "long.csv");
  const hour = 3_600_000;
  writeFileSync(metrics, await simulatedFeatureRowsCsv({ hours: 8, tasks: 3, seed: 5, incidents: [{ kind: "crash-loop", start: FIXTURE_START + 6 * hour, end: FIXTURE_START + 6.5 * hour, task: 1, description: "restarts" }] }));
  writeFileSync(longCsv, await generatedLongCsv(3));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cad --help", () => {
  it.each(["train", "backtest", "demo"])("%s --help exits 0 and lists its options", (command) => {
    const r = cad(command, "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: cad ${command}`);
    expect(r.stdout).toContain("--json");
  });

  it("the top-level help lists train and backtest", () => {
    const r = cad("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train \[options\]/);
    expect(r.stdout).toMatch(/backtest \[options\]/);
  });
});

describe("cad train", () => {
  it("--json prints the summary: input, feature set, hyperparameters, score distribution, files", () => {
    const model = join(dir, "model.json");
    const r = cad("train", "--input", metrics, "--out", model, "--num-trees", "20", "--num-samples-per-tree", "64", "--seed", "3", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.input).toEqual({ file: metrics, layout: "feature-rows", splunk: false, samples: expect.any(Number), services: ["checkout"], containers: 3 });
    expect(s.featureSet.name).toMatch(/^default/);
    expect(s.hyperparameters).toEqual({ feature_dim: 7, num_trees: 20, num_samples_per_tree: 64 });
    expect(s.rows).toBe(8 * 60 * 3);
    expect(s.alignment).toMatchObject({ rows: s.rows, duplicates: 0, gapRows: 0 });
    expect(s.vectors).toBe(s.rows);
    expect(s.scores.threshold).toBeCloseTo(s.scores.mean + 3 * s.scores.std, 10);
    expect(s.histogram).toHaveLength(12);
    expect(s.histogram.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(s.vectors);
    const bundle = parseModelBundle(readFileSync(model, "utf8"), model);
    expect(bundle.hyperparameters.num_trees).toBe(20);
    expect(bundle.scoreStats.threshold).toBe(s.scores.threshold);
  });

  it("prints the distribution and threshold as text; writes SageMaker train and labelled test channels", () => {
    const labels = join(dir, "labels.csv");
    writeFileSync(labels, "service,start,end,kind,container\ncheckout,2026-01-05T06:00:00Z,2026-01-05T06:30:00Z,crash-loop,\n");
    const train = join(dir, "sm", "train.csv");
    const test = join(dir, "sm", "test.csv");
    const r = cad("train", "--input", metrics, "--out", join(dir, "m2.json"), "--num-trees", "20", "--labels", labels, "--sagemaker-csv", train, "--sagemaker-test-csv", test);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("training score distribution");
    expect(r.stdout).toMatch(/streaming detector \(the embedded scorer\): one forest per container name \(app\), trained over 450 steps/); // 8 hours minus the labelled half hour
    expect(r.stdout).toMatch(/threshold \d+\.\d{4} = mean \+ 3 × std/);
    expect(r.stdout).toContain("left out 90 rows inside labelled windows");
    expect(r.stdout).toContain("warning: num_trees 20 is outside SageMaker's 50–1000");
    const trainLines = readFileSync(train, "utf8").trimEnd().split("\n");
    expect(trainLines).toHaveLength(8 * 60 * 3 - 90);
    for (const line of trainLines.slice(0, 50)) expect(line).toMatch(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){6}$/);
    const testLines = readFileSync(test, "utf8").trimEnd().split("\n");
    expect(testLines).toHaveLength(8 * 60 * 3);
    expect(testLines.filter((l) => l.startsWith("1,"))).toHaveLength(90);
    expect(testLines.every((l) => /^[01],/.test(l) && l.split(",").length === 8)).toBe(true);
  });

  it("says what aligning did: duplicates dropped, short gaps filled, long gaps left out", () => {
    const gappy = join(dir, "gappy.csv");
    const lines = ["timestamp,service,container,metric,value"];
    for (let m = 0; m < 40; m++) {
      if (m >= 10 && m < 12) continue; // a 2-step gap: filled
      if (m >= 20 && m < 26) continue; // a 6-step gap, longer than the custom feature set's fill limit of 3: rows left out
      lines.push(`${new Date(FIXTURE_START + m * 60_000).toISOString()},s,c,container.cpu.utilized,${10 + (m % 3)}`);
    }
    lines.push(lines[1]);
    writeFileSync(gappy, lines.join("\n") + "\n");
    const r = cad("train", "--input", gappy, "--out", join(dir, "gappy.json"), "--num-trees", "5");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("aligned to 60-s steps: 1 sample(s) out of time order (sorted), 1 duplicate sample(s) dropped, 2 value(s) filled across short gaps, 6 row(s) left out for longer gaps");
  });

  it("reads the long format with the collector's metrics (and picks the collector's feature set)", () => {
    const r = cad("train", "--input", longCsv, "--out", join(dir, "long-model.json"), "--num-trees", "10", "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.input.layout).toBe("long");
    expect(s.featureSet.name).toMatch(/^collect/);
    expect(s.featureSet.shingleSize).toBe(4);
    expect(s.hyperparameters.feature_dim).toBe(16);
  });

  it("recognises a Splunk CSV export (_time with an offset, _span ignored)", () => {
    const splunk = join(dir, "splunk.csv");
    const [, ...lines] = readFileSync(longCsv, "utf8").trimEnd().split("\n");
    writeFileSync(splunk, ["_time,service,container,metric,value,_span", ...lines.map((l) => l.replace(/^(\S+?)\.000Z,/, '"$1.000+00:00",') + ",60")].join("\n") + "\n");
    const r = cad("train", "--input", splunk, "--out", join(dir, "splunk-model.json"), "--num-trees", "10", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.input).toMatchObject({ layout: "long", splunk: true });
    const plain = JSON.parse(cad("train", "--input", longCsv, "--out", join(dir, "plain-model.json"), "--num-trees", "10", "--json").stdout);
    expect(s.scores).toEqual(plain.scores);
  });

  it("a missing input file is a usage error (exit 2) naming the file", () => {
    const r = cad("train", "--input", join(dir, "nope.csv"));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cad: --input ${join(dir, "nope.csv")}: no such file\n`);
  });

  it("--input is required (exit 2)", () => {
    const r = cad("train");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--input <csv>' not specified");
  });

  it("an unknown column fails (exit 1) naming file, line, column and the known metrics", () => {
    const bad = join(dir, "unknown.csv");
    writeFileSync(bad, "timestamp,service,container,container.cpu.utilized,disk.io\n2026-01-05T00:00:00Z,s,c,1,2\n");
    const r = cad("train", "--input", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^cad: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:1: unknown column "disk\\.io" \\(column 5\\); known metrics: container\\.cpu\\.utilized, `));
  });

  it("empty input fails (exit 1) and says so", () => {
    const empty = join(dir, "empty.csv");
    writeFileSync(empty, "");
    const r = cad("train", "--input", empty);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/empty\.csv:1: empty file/);
    const headerOnly = join(dir, "header.csv");
    writeFileSync(headerOnly, "timestamp,service,container,container.cpu.utilized\n");
    const h = cad("train", "--input", headerOnly);
    expect(h.code).toBe(1);
    expect(h.stderr).toMatch(/header\.csv:1: no data lines after the header/);
  });

  it("a bad option value is a usage error", () => {
    const r = cad("train", "--input", metrics, "--num-trees", "many");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--num-trees must be a positive integer, got "many"');
  });
});

describe("cad backtest", () => {
  it("--json: replays through the detect handler and reports incidents, alerts and scaling; writes the files and the report", () => {
    const model = join(dir, "bt-model.json");
    // Trained with the incident's window left out: a streaming detector trained on the incident would know it.
    const labels = join(dir, "bt-labels.csv");
    writeFileSync(labels, "service,start,end,kind,container\ncheckout,2026-01-05T06:00:00Z,2026-01-05T06:30:00Z,crash-loop,\n");
    expect(cad("train", "--input", metrics, "--labels", labels, "--out", model, "--num-trees", "30").code).toBe(0);
    const out = join(dir, "bt");
    const report = join(dir, "bt-report.html");
    const r = cad("backtest", "--input", metrics, "--model", model, "--out", out, "--report", report, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.from).toBe("2026-01-05T00:00:00.000Z");
    expect(s.to).toBe("2026-01-05T08:00:00.000Z");
    expect(s.services).toEqual([{ name: "checkout", startingTasks: 3, minTasks: 3, maxTasks: 6 }]);
    expect(s.rowsScored).toBe(8 * 60 * 3);
    expect(s.incidents.length).toBeGreaterThan(0);
    expect(s.incidents.some((i: { kind: string; start: string }) => i.kind === "crash-loop" && i.start >= "2026-01-05T06:00" && i.start < "2026-01-05T06:30")).toBe(true);
    expect(s.alerts).toBe(readFileSync(join(out, "alerts.jsonl"), "utf8").trimEnd().split("\n").length);
    expect(JSON.parse(readFileSync(join(out, "incidents.json"), "utf8"))).toEqual(s.incidents);
    expect(JSON.parse(readFileSync(join(out, "scaling.json"), "utf8"))).toEqual(s.scalingActions);
    const html = readFileSync(report, "utf8");
    expect(html).toContain("cad backtest:");
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });

  it("--labels names the false alert and the missed window: a label away from the crash loop makes its incident false", () => {
    const model = join(dir, "bt-model.json");
    if (!existsSync(model)) {
      // Run alone (-t): train as the test above does, without the crash loop's window.
      writeFileSync(join(dir, "bt-labels.csv"), "service,start,end,kind,container\ncheckout,2026-01-05T06:00:00Z,2026-01-05T06:30:00Z,crash-loop,\n");
      expect(cad("train", "--input", metrics, "--labels", join(dir, "bt-labels.csv"), "--out", model, "--num-trees", "30").code).toBe(0);
    }
    const labels = join(dir, "bt-wrong-labels.csv");
    // The crash loop is at 06:00-06:30; this label says 02:00-02:30, so the crash loop's incident matches nothing.
    writeFileSync(labels, "service,start,end,kind,container\ncheckout,2026-01-05T02:00:00Z,2026-01-05T02:30:00Z,crash-loop,\n");
    const r = cad("backtest", "--input", metrics, "--model", model, "--out", join(dir, "bt-labels"), "--labels", labels, "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    const crash = s.incidents.find((i: { kind: string; start: string }) => i.kind === "crash-loop" && i.start >= "2026-01-05T06:00" && i.start < "2026-01-05T06:30");
    expect(crash.verdict).toBe("false alert");
    expect(s.truth.falseAlerts).toContainEqual(expect.objectContaining({ id: crash.id, kind: "crash-loop", start: crash.start }));
    // Every incident has a verdict, and the false ones are exactly those listed.
    expect(s.incidents.every((i: { verdict?: string }) => i.verdict === "detected" || i.verdict === "false alert")).toBe(true);
    expect(s.truth.falseAlerts.map((f: { id: string }) => f.id)).toEqual(s.incidents.filter((i: { verdict: string }) => i.verdict === "false alert").map((i: { id: string }) => i.id));
    expect(s.truth.missed).toEqual([{ service: "checkout", kind: "crash-loop", start: "2026-01-05T02:00:00.000Z" }]);
    const text = cad("backtest", "--input", metrics, "--model", model, "--out", join(dir, "bt-labels-text"), "--labels", labels);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`false alert: incident ${crash.id} (crash-loop) on checkout from ${crash.start}`);
    expect(text.stdout).toContain("missed: crash-loop on checkout from 2026-01-05T02:00:00.000Z");
  });

  it("without --model trains on the first --train-hours and replays the rest", () => {
    const r = cad("backtest", "--input", metrics, "--train-hours", "4", "--out", join(dir, "bt2"), "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.model.source).toBe("trained on the first 4 h");
    expect(s.from).toBe("2026-01-05T04:00:00.000Z");
    expect(s.rowsScored).toBe(4 * 60 * 3);
  });

  it("replays the collector's feature set (shingles of 4) from the long format", () => {
    const r = cad("backtest", "--input", longCsv, "--train-hours", "1", "--out", join(dir, "bt-long"), "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.model.metrics).toHaveLength(4);
    expect(s.from).toBe("2026-01-05T01:00:00.000Z");
    // Every step after the first hour for both containers: shingle context comes from before `from`.
    expect(s.rowsScored).toBe(2 * 60 * 2);
  });

  it("a model from a different feature set fails (exit 1) naming the mismatch", () => {
    const other = join(dir, "collect-model.json");
    expect(cad("train", "--input", longCsv, "--out", other, "--num-trees", "10").code).toBe(0);
    const r = cad("backtest", "--input", metrics, "--model", other, "--out", join(dir, "bt3"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cad: --model ${other} was trained on a different feature set than ${metrics}`);
    expect(r.stderr).toContain("the model needs container.cpu.utilization, container.memory.usage.total, container.network.io.usage.rx_bytes, container.network.io.usage.tx_bytes, missing from the data");
    expect(r.stderr).toContain("the data has container.cpu.utilized, container.memory.utilized");
    expect(existsSync(join(dir, "bt3"))).toBe(false);
  });

  it("a missing model file is a usage error; a file that is not a model names what is wrong", () => {
    expect(cad("backtest", "--input", metrics, "--model", join(dir, "none.json")).code).toBe(2);
    const notModel = join(dir, "not-model.json");
    writeFileSync(notModel, '{"hello":1}');
    const r = cad("backtest", "--input", metrics, "--model", notModel);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cad: ${notModel}: format: missing, expected "cad-model/2" (a model file written by \`cad train\` of this version; retrain older ones)\n`);
  });
});

describe("cad demo --json", () => {
  it("prints one JSON object (no narration) naming every file it wrote, the report included", () => {
    const out = join(dir, "demo");
    const r = cad("demo", "--days", "2", "--tasks", "3", "--out", out, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s).sort()).toEqual(["detected", "falseAlerts", "files", "injected", "matches", "rowsScored", "runs", "scalingActions"]);
    expect(s.files).toEqual({
      alerts: join(out, "alerts.jsonl"),
      model: join(out, "model.json"),
      summary: join(out, "summary.json"),
      metrics: join(out, "metrics.csv"),
      truth: join(out, "truth.csv"),
      report: join(out, "report.html"),
    });
    for (const f of Object.values(s.files) as string[]) expect(existsSync(f)).toBe(true);
    expect(readFileSync(s.files.truth, "utf8").trimEnd().split("\n")).toHaveLength(1 + s.injected);
  });

  it("--days 1 is refused naming the option", () => {
    const r = cad("demo", "--days", "1", "--out", join(dir, "d1"));
    expect(r.code).toBe(2); // a usage error
    expect(r.stderr).toContain("--days must be at least 2");
  });
});
