/**
 * `cad --help` and every `cad <command> --help` load only the commands' definitions (commander, option parsers,
 * help texts), never their implementations: the detector, the adapters' SDKs and the progress bar load when a
 * command runs (cli/commands/*.ts import them in their actions). Checked by the modules the compiled CLI loaded,
 * not by timing it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../../cli/main";

const ROOT = path.join(__dirname, "..", "..", "..");
const PRELOAD = path.join(ROOT, "test", "helpers", "writeLoadedModules.cjs");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cad-help-modules-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Paths no --help may load: what made `cad --help` load 221 modules before the commands loaded them lazily. */
const HEAVY = [
  "/node_modules/splunk-sdk/",
  "/node_modules/needle/",
  "/node_modules/cli-progress/",
  "/node_modules/@aws-sdk/",
  "/node_modules/@pulumi/",
  "/dist/runtime/model/",
  "/dist/runtime/handlers/",
  "/dist/runtime/detection/",
  "/dist/runtime/adapters/",
  "/dist/cli/report/",
  "/dist/test/servers/",
];

/** Every command as typed after `cad`, sub-commands included ("dataset", "dataset build", …). */
function commandPaths(command: Command = buildProgram(), prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

/** Runs the compiled CLI (`node bin/cad.js …`) and returns its exit code, stdout and the modules it loaded. */
let runs = 0;
function runWithModules(args: readonly string[]): { status: number | null; stdout: string; modules: string[] } {
  const file = path.join(dir, `run-${++runs}.json`);
  const r = spawnSync(process.execPath, ["--require", PRELOAD, path.join(ROOT, "bin", "cad.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, CAD_LOADED_MODULES_FILE: file },
  });
  const modules = (JSON.parse(fs.readFileSync(file, "utf8")) as string[]).map((m) => m.split(path.sep).join("/"));
  return { status: r.status, stdout: r.stdout, modules };
}

describe("--help loads no command implementation", () => {
  const cases = [[], ...commandPaths()].map((p) => [[...p, "--help"].join(" "), [...p, "--help"]] as const);

  it.each(cases)("cad %s", (_name, args) => {
    const { status, stdout, modules } = runWithModules(args);
    expect(status).toBe(0);
    expect(stdout).toContain("Usage: cad");
    // The preload saw the CLI itself: an empty list would pass the check below for the wrong reason.
    expect(modules.some((m) => m.endsWith("/dist/cli/main.js"))).toBe(true);
    expect(modules.some((m) => m.includes("/node_modules/commander/"))).toBe(true);
    expect(modules.filter((m) => HEAVY.some((h) => m.includes(h)))).toEqual([]);
  });

  it("lists the commands it checks", () => {
    expect(cases.map(([name]) => name)).toEqual(expect.arrayContaining(["--help", "demo --help", "dataset build --help", "quality --help"]));
  });
});

describe("a command that runs loads its implementation", () => {
  it("cad nab loads its runner when it runs, and still refuses bad input with exit 2", () => {
    // A usage error found inside the action: the runner is loaded first, then refuses the detector name.
    const nab = runWithModules(["nab", "--data", dir, "--out", path.join(dir, "out"), "--detector", "a_b"]);
    expect(nab.status).toBe(2);
    expect(nab.modules.some((m) => m.endsWith("/dist/cli/nab/runNab.js"))).toBe(true);
    expect(runWithModules(["nab", "--help"]).modules.some((m) => m.endsWith("/dist/cli/nab/runNab.js"))).toBe(false);
  });
});
