import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../cli/main";
import type { IncidentEvent } from "../../../runtime/types";
import { captureOutput } from "../../helpers/captureOutput";
import { simulatedFeatureRowsCsv, FIXTURE_START } from "../../helpers/metricsCsvFixtures";
import { CLI_PROCESS_MS } from "../../helpers/timeouts";

const ROOT = join(__dirname, "../../..");
/** Runs `node bin/cad.js …` as a user would, from the repository root. */
function cad(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "bin/cad.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: CLI_PROCESS_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const io = captureOutput();
let dir: string;
let metrics: string;
let model: string;
const rulesFile = (name: string, rules: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(rules));
  return file;
};
type Summary = { incidents: { kind: string; start: string }[] };
const crashLoops = (s: Summary) => s.incidents.filter((i) => i.kind === "crash-loop" && i.start >= "2026-01-05T06:00" && i.start < "2026-01-05T06:30");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cad-rules-"));
  metrics = join(dir, "metrics.csv");
  const hour = 3_600_000;
  writeFileSync(metrics, await simulatedFeatureRowsCsv({ hours: 8, tasks: 3, seed: 5, incidents: [{ kind: "crash-loop", start: FIXTURE_START + 6 * hour, end: FIXTURE_START + 6.5 * hour, task: 1, description: "restarts" }] }));
  const labels = join(dir, "labels.csv");
  writeFileSync(labels, "service,start,end,kind,container\ncheckout,2026-01-05T06:00:00Z,2026-01-05T06:30:00Z,crash-loop,\n");
  model = join(dir, "model.json");
  expect(cad("train", "--input", metrics, "--labels", labels, "--out", model, "--num-trees", "30").code).toBe(0);
}, CLI_PROCESS_MS);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cad backtest --rules", () => {
  it("without rules the crash loop alerts; a suppressing window over it holds it; a tagging one sends it with the window's tag", () => {
    const plain = cad("backtest", "--input", metrics, "--model", model, "--out", join(dir, "plain"), "--json");
    expect(plain.code).toBe(0);
    expect(crashLoops(JSON.parse(plain.stdout) as Summary)).toHaveLength(1);

    const window = { kind: "once", name: "restart-drill", start: "2026-01-05T05:55:00Z", end: "2026-01-05T07:00:00Z" };
    const held = cad("backtest", "--input", metrics, "--model", model, "--out", join(dir, "held"), "--rules", rulesFile("suppress.json", { maintenance: [window] }), "--json");
    expect(held.stderr).toBe("");
    expect(crashLoops(JSON.parse(held.stdout) as Summary)).toEqual([]);

    const tagOut = join(dir, "tagged");
    const tagged = cad("backtest", "--input", metrics, "--model", model, "--out", tagOut, "--rules", rulesFile("tag.json", { maintenance: [{ ...window, mode: "tag" }] }), "--json");
    expect(crashLoops(JSON.parse(tagged.stdout) as Summary)).toHaveLength(1);
    const alerts = readFileSync(join(tagOut, "alerts.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as IncidentEvent);
    const open = alerts.find((e) => e.type === "open" && e.incident.kind === "crash-loop");
    expect(open?.rules).toEqual(["maintenance:restart-drill"]);
  });

  it("a metric rule: restarts counted only going down (never) leaves the crash loop without its restarts", () => {
    const r = cad("backtest", "--input", metrics, "--model", model, "--out", join(dir, "down"), "--rules", rulesFile("down.json", { metrics: [{ metric: "container.restarts", direction: "down" }] }), "--json");
    expect(r.code).toBe(0);
    expect(crashLoops(JSON.parse(r.stdout) as Summary)).toEqual([]);
  });

  it.each([
    [{ metrics: [{ metric: "cpu", minAbsolute: 10 }] }, 'metrics[0].metric "cpu" is not a metric of the feature set (its metrics: container.cpu.utilized,'],
    [{ maintenance: [{ kind: "weekly", name: "p", days: ["sun"], at: "25:00", durationMinutes: 60, timeZone: "Europe/Berlin" }] }, 'maintenance[0].at: expected a local time "HH:MM" (00:00 to 23:59), got "25:00"'],
    [{ onDeploy: "hold" }, 'onDeploy: expected one of the known fields: metrics, maintenance, onDeployment, calendars, got "hold"'],
  ])("a bad rules file is a usage error naming the file and the field: %j", (rules, message) => {
    const file = rulesFile("bad.json", rules);
    const r = cad("backtest", "--input", metrics, "--model", model, "--out", join(dir, "bad"), "--rules", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: ${message}`);
  });
});

describe("cad demo --rules", () => {
  it("a suppressing window over the cpu-throttling incident holds it; the four other incidents are still detected", async () => {
    const file = rulesFile("demo-rules.json", { maintenance: [{ kind: "once", name: "noisy-neighbour-drill", start: "2026-01-07T02:55:00Z", end: "2026-01-07T03:55:00Z" }] });
    expect(await runCli(["demo", "--rules", file, "--out", join(dir, "demo"), "--json"])).toBe(0);
    const s = JSON.parse(io.stdout) as { detected: number; matches: { kind: string; detected: boolean }[] };
    expect(s.matches.map((m) => [m.kind, m.detected])).toEqual([
      ["load-spike", true],
      ["memory-leak", true],
      ["cpu-throttling", false],
      ["network-drop", true],
      ["crash-loop", true],
    ]);
  }, 900_000);

  it("refuses --rules with the fan-out demo, which runs without rules", async () => {
    expect(await runCli(["demo", "--services", "2", "--rules", rulesFile("r.json", {})])).toBe(2);
    expect(io.stderr).toContain("--rules applies to the single-service demo");
  });
});
