import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError, EXIT_FAILURE, EXIT_USAGE, parseIntAtLeast, parsePositiveInt } from "../../cli/cliError";
import { runCli } from "../../cli/main";
import { captureOutput } from "../helpers/captureOutput";
import { CLI_PROCESS_MS } from "../helpers/timeouts";

const ROOT = join(__dirname, "..", "..");

const io = captureOutput();

describe("runCli", () => {
  it("--help lists the commands and exits 0", async () => {
    expect(await runCli(["--help"])).toBe(0);
    expect(io.stdout).toContain("Usage: cad [options] [command]");
    expect(io.stdout).toMatch(/^\s+demo \[options\]/m);
    expect(io.stdout).toMatch(/^\s+collect \[options\]/m);
  });

  it("an unknown option or command is a usage error (exit 2) that names it", async () => {
    expect(await runCli(["--bogus"])).toBe(EXIT_USAGE);
    expect(io.stderr).toContain("error: unknown option '--bogus'");
    io.stderr = "";
    expect(await runCli(["deploy"])).toBe(EXIT_USAGE);
    expect(io.stderr).toContain("error: unknown command 'deploy'");
    io.stderr = "";
    expect(await runCli(["demo", "--fast"])).toBe(EXIT_USAGE);
    expect(io.stderr).toContain("error: unknown option '--fast'");
  });

  it("a failure that is not a usage error exits 1 with the cause on one line; the stack only with --verbose", async () => {
    // Training runs, then the output directory cannot be created (a path under a file).
    expect(await runCli(["demo", "--days", "2", "--tasks", "2", "--out", join(__filename, "out")])).toBe(EXIT_FAILURE);
    expect(io.stderr).toMatch(/^cad: ENOTDIR: not a directory, .* \(run with --verbose for the stack trace\)\n$/);
    io.stderr = "";
    expect(await runCli(["demo", "--days", "2", "--tasks", "2", "--out", join(__filename, "out"), "--verbose"])).toBe(EXIT_FAILURE);
    expect(io.stderr).toMatch(/^cad: ENOTDIR: not a directory, .*\nError: ENOTDIR: not a directory, .*\n {4}at /);
  });
});

describe("option parsers", () => {
  it("parsePositiveInt / parseIntAtLeast name the option and what was wrong (exit 2)", () => {
    expect(parsePositiveInt("--tasks")(" 12 ")).toBe(12);
    for (const bad of ["abc", "1.5", "-3", "0", "", "1e3", "99999999999999999"]) {
      expect(() => parsePositiveInt("--tasks")(bad)).toThrow(`--tasks must be a positive integer, got "${bad}"`);
    }
    expect(parseIntAtLeast("--days", 2)("2")).toBe(2);
    const err = (() => {
      try {
        parseIntAtLeast("--days", 2, "one day trains")("1");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: EXIT_USAGE, message: "--days must be at least 2 (one day trains), got 1" });
  });
});

describe("bin/cad.js as a process", () => {
  const cad = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin", "cad.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: CLI_PROCESS_MS });

  it("--help exits 0 and prints usage", () => {
    const r = cad("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: cad");
    expect(r.stdout).toContain("demo");
  });

  it("an unknown option exits 2 and names it on io.stderr", () => {
    const r = cad("--nope");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--nope'");
    expect(r.stdout).toBe("");
  });

  it("a bad option value exits 2 with a one-line message, no stack trace", () => {
    const r = cad("demo", "--days", "1");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("cad: --days must be at least 2 (one day trains the model, the following days are scored), got 1\n");
  });
});
