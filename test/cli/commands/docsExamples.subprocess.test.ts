import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../../..");
const DOC = readFileSync(join(ROOT, "docs/cli.md"), "utf8");
const START_SCRIPT = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.start as string;

/** Every command line of the doc's ```sh blocks, in order. */
function docCommands(): string[] {
  const out: string[] = [];
  for (const block of DOC.matchAll(/```sh\n([\s\S]*?)```/g)) out.push(...block[1].split("\n").filter((l) => l.trim() !== ""));
  return out;
}

/**
 * Runs one documented command exactly as written, from a scratch directory standing in for the repository
 * root: `npm start` is the package's start script, `npx cad` is bin/cad.js (what npx resolves it to).
 */
function run(line: string, cwd: string): { code: number | null; stdout: string; stderr: string } {
  const argv = line.split(/\s+/);
  let args: string[];
  if (line === "npm start") {
    expect(START_SCRIPT).toBe("node bin/cad.js demo");
    args = ["demo"];
  } else {
    expect(argv.slice(0, 2)).toEqual(["npx", "cad"]);
    args = argv.slice(2);
  }
  const r = spawnSync(process.execPath, [join(ROOT, "bin/cad.js"), ...args], { cwd, encoding: "utf8", timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("docs/cli.md examples work exactly as written", () => {
  const cwd = mkdtempSync(join(tmpdir(), "cad-docs-"));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const commands = docCommands();

  it("the round trip comes first: npm start → cad train → cad backtest", () => {
    expect(commands.slice(0, 3)).toEqual([
      "npm start",
      "npx cad train --input out/demo/metrics.csv --out out/model.json",
      "npx cad backtest --input out/demo/metrics.csv --model out/model.json --report out/report.html",
    ]);
  });

  // A command shown twice (same files, same output) runs once.
  it.each([...new Set(commands)].map((c, i) => [i + 1, c]))("%i: %s", (_i, line) => {
    const r = run(line as string, cwd);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    if (line === "npm start") {
      for (const f of ["alerts.jsonl", "model.json", "summary.json", "metrics.csv", "truth.csv", "report.html"]) expect(existsSync(join(cwd, "out/demo", f))).toBe(true);
    }
    if ((line as string).includes("--report out/report.html")) {
      expect(existsSync(join(cwd, "out/report.html"))).toBe(true);
      expect(r.stdout).toMatch(/\d+ detect runs, \d+ rows scored/);
    }
    if ((line as string).includes("--labels out/demo/truth.csv") && (line as string).startsWith("npx cad backtest")) expect(r.stdout).toMatch(/labelled windows detected: [45] of 5/);
  }, 180_000);
});
