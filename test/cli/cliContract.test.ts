/**
 * The contract every `cad` command keeps (docs/cli.md, "Exit codes and --json"): the exit code of each example in
 * the docs' table, and one JSON object on stdout with --json. Run in-process through runCli, which returns the
 * code bin/cad.js exits with.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildProgram, runCli } from "../../cli/main";
import { FileStateStore } from "../../runtime/adapters/local/FileStateStore";
import { emptyTrackerState } from "../../runtime/detection/incidentTracker";
import { detectorStateKey, encodeServiceState, SERVICE_STATE_FORMAT } from "../../runtime/handlers/detectorState";
import { captureOutput } from "../helpers/captureOutput";
import { writeLabelledSet, writeNabSet } from "../helpers/evaluationSets";
import { PROGRAM_MS } from "../helpers/timeouts";
import { SageMakerRuntimeServer } from "../servers/sageMakerRuntimeServer";

const ROOT = path.join(__dirname, "..", "..");
const io = captureOutput();

/** Every command that does work, as typed after `cad` ("demo", "dataset build", …). */
function leafCommands(command: Command = buildProgram(), prefix: string[] = []): string[] {
  return command.commands.flatMap((c) => (c.commands.length > 0 ? leafCommands(c, [...prefix, c.name()]) : [[...prefix, c.name()].join(" ")]));
}

interface TableRow {
  readonly command: string;
  readonly failure: string[];
  readonly usage: string[];
}

/** The rows of docs/cli.md's exit-code table: each example's arguments after `cad`. */
function exitCodeTable(): TableRow[] {
  const doc = fs.readFileSync(path.join(ROOT, "docs", "cli.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Exit codes and `--json`"), doc.indexOf("## When something is wrong"));
  const example = (cell: string): string[] => {
    const m = /`cad ([^`]+)`/.exec(cell);
    return m ? m[1].split(" ") : [];
  };
  return section
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| command"))
    .map((l) => {
      const [command, failure, usage] = l.split("|").slice(1, -1).map((c) => c.trim());
      return { command: command.replace(/`/g, "").replace(/^cad /, ""), failure: example(failure), usage: example(usage) };
    });
}

describe("docs/cli.md's exit-code table", () => {
  const rows = exitCodeTable();

  it("has a row for every command", () => {
    expect(rows.map((r) => r.command).filter((c) => c !== "(no such command)").sort()).toEqual(leafCommands().sort());
  });

  it.each(rows.filter((r) => r.usage.length > 0).map((r) => [r.command, r.usage] as const))("%s: the usage example exits 2 with one line, no stack trace", async (_, args) => {
    expect(await runCli(args)).toBe(2);
    expect(io.stdout).toBe("");
    expect(io.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(rows.filter((r) => r.failure.length > 0).map((r) => [r.command, r.failure] as const))(
    "%s: the failure example exits 1 with one line, no stack trace",
    { timeout: PROGRAM_MS },
    async (_, args) => {
      expect(await runCli(args)).toBe(1);
      expect(io.stderr).toMatch(/^cad: [^\n]+\n$/);
    },
  );

  it("an unknown command is refused even with --help, naming it and the commands there are", async () => {
    expect(await runCli(["nosuch", "--help"])).toBe(2);
    expect(io.stderr).toBe("error: unknown command 'nosuch' (commands: demo, collect, dataset, train, backtest, feedback, nab, evaluate, labelled, quality)\n(run with --help for usage)\n");
    io.stderr = "";
    expect(await runCli(["dataset", "nosuch"])).toBe(2);
    expect(io.stderr).toContain("error: unknown command 'dataset nosuch' (dataset commands: build, calibrate, simulate)");
    io.stderr = "";
    expect(await runCli(["help", "demo"])).toBe(0);
    expect(io.stdout).toContain("Usage: cad demo");
  });

  it("dataset build says the input folder is missing", async () => {
    expect(await runCli(["dataset", "build", "--input", "data/nowhere", "--out", "tmp/ds"])).toBe(2);
    expect(io.stderr).toBe("cad: --input data/nowhere: no such folder\n");
  });
});

describe("--json: one JSON object on stdout, for every command", () => {
  let dir: string;
  let server: SageMakerRuntimeServer;
  const covered = new Set<string>();
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cad-json-"));
    writeNabSet(path.join(dir, "sets", "nab-dev"));
    writeLabelledSet(path.join(dir, "sets", "smd-dev"));
    server = await SageMakerRuntimeServer.start();
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `cad <args> --json`, checks stdout is one line holding one JSON object, and returns it. */
  async function json(args: string[]): Promise<Record<string, unknown>> {
    const code = await runCli([...args, "--json"]);
    expect({ code, stderr: code === 0 ? "" : io.stderr }).toEqual({ code: 0, stderr: "" });
    expect(io.stdout.endsWith("\n") && io.stdout.indexOf("\n") === io.stdout.length - 1).toBe(true);
    const parsed = JSON.parse(io.stdout) as unknown;
    expect(parsed).toBeTypeOf("object");
    expect(Array.isArray(parsed)).toBe(false);
    const command = leafCommands().filter((c) => args.join(" ").startsWith(c)).sort((a, b) => b.length - a.length)[0];
    covered.add(command);
    io.stdout = "";
    io.stderr = "";
    return parsed as Record<string, unknown>;
  }
  const at = (...p: string[]) => path.join(dir, ...p);

  it("demo, train, backtest", { timeout: PROGRAM_MS }, async () => {
    expect(await json(["demo", "--days", "2", "--tasks", "2", "--out", at("demo")])).toHaveProperty("injected");
    expect(await json(["train", "--input", at("demo", "metrics.csv"), "--out", at("model.json")])).toHaveProperty("files.model", at("model.json"));
    expect(await json(["backtest", "--input", at("demo", "metrics.csv"), "--model", at("model.json"), "--out", at("backtest")])).toHaveProperty("incidents");
  });

  it("collect (against the loopback servers)", { timeout: PROGRAM_MS }, async () => {
    const out = await json(["collect", "--test", "--since", "-2h", "--out", at("collected.csv")]);
    expect(out).toMatchObject({ file: at("collected.csv"), sources: [{ name: "splunk" }, { name: "dynatrace" }] });
    expect(out.merged).toHaveProperty("rows");
  });

  it("dataset simulate, build and calibrate (against a loopback SageMaker endpoint)", { timeout: PROGRAM_MS }, async () => {
    expect(await json(["dataset", "simulate", "--out", at("windows"), "--days", "1", "--tasks", "1"])).toMatchObject({ service: "checkout", out: at("windows") });
    const built = await json(["dataset", "build", "--input", at("windows"), "--out", at("ds")]);
    expect(built.version).toMatch(/^ds-/);
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOOPBACK");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "loopback");
    try {
      const calibrated = await json(["dataset", "calibrate", "--input", at("ds"), "--version", String(built.version), "--endpoint", "cad-json", "--sagemaker-url", server.endpoint, "--region", "eu-west-1"]);
      expect(calibrated).toMatchObject({ version: built.version, endpoint: "cad-json", file: at("ds", "training", String(built.version), "threshold.json") });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("nab, evaluate, labelled, quality", { timeout: PROGRAM_MS }, async () => {
    expect(await json(["nab", "--data", at("sets", "nab-dev"), "--out", at("nab")])).toMatchObject({ files: 2, points: 1200 });
    expect(await json(["evaluate", "--results", at("nab", "cad"), "--windows", at("sets", "nab-dev", "combined_windows.json")])).toMatchObject({ files: 2 });
    expect(await json(["labelled", "--data", at("sets", "smd-dev"), "--out", at("labelled")])).toMatchObject({ entities: 2 });
    const quality = await json(["quality", "--datasets", at("sets"), "--sets", "nab-dev", "--seeds", "1", "--out", at("quality")]);
    expect((quality.records as { kind: string }[]).map((r) => r.kind)).toEqual(["nab", "summary"]);
  });

  it("feedback (on a local state directory holding the incident)", async () => {
    const incident = { id: "checkout:2026-01-06T10:00:00.000Z", service: "checkout", status: "resolved" as const, kind: "saturation" as const, start: 0, lastAnomalyAt: 0, resolvedAt: 60_000, containers: ["c1"], containerNames: ["app"], anomalyCount: 1, peakScore: 2, peakGrade: 0.5, confidence: 1, threshold: 1.2, topMetrics: [{ metric: "container.cpu.utilized", role: "cpu" as const, share: 1, value: 90, expected: 40, deviation: 10 }] };
    const state = encodeServiceState({ format: SERVICE_STATE_FORMAT, modelId: "m", featureSetId: "fs", tracker: { ...emptyTrackerState(), lastResolved: incident }, scaling: {}, outbox: [], eventCounts: {}, detector: new Uint8Array(0) });
    await new FileStateStore({ dir: at("state") }).saveBytes(detectorStateKey("checkout"), state, undefined);
    expect(await json(["feedback", "--incident", incident.id, "--verdict", "real", "--state", at("state")])).toMatchObject({ record: { incidentId: incident.id, verdict: "real" }, records: 1 });
  });

  // Runs after the tests above (a file's tests run in order): a command added without a --json case fails here.
  it("ran every command", () => {
    expect([...covered].sort()).toEqual(leafCommands().sort());
  });
});
