import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../helpers/pulumiMocks";
import { CLI_PROCESS_MS } from "../../helpers/timeouts";

const dir = mkdtempSync(join(tmpdir(), "cad-dotenv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads the wrapper in a fresh node process whose working directory holds `dotenv`, and reports process.env after. */
function loadIn(dotenv: string, env: Record<string, string> = {}): { discarded: string[]; after: Record<string, string | undefined> } {
  writeFileSync(join(dir, ".env"), dotenv);
  const script = `
    const { IGNORED_DOTENV_VARIABLES } = require(${JSON.stringify(join(REPO_ROOT, "runtime/adapters/splunk/splunkSdk.ts"))});
    const pick = (k) => process.env[k];
    process.stdout.write(JSON.stringify({ discarded: IGNORED_DOTENV_VARIABLES, after: { SPLUNK_TOKEN: pick("SPLUNK_TOKEN"), NODE_TLS_REJECT_UNAUTHORIZED: pick("NODE_TLS_REJECT_UNAUTHORIZED"), SPLUNK_URL: pick("SPLUNK_URL") } }));
  `;
  const { SPLUNK_TOKEN: _t, NODE_TLS_REJECT_UNAUTHORIZED: _n, SPLUNK_URL: _u, ...clean } = process.env;
  const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: dir, env: { ...clean, NODE_PATH: join(REPO_ROOT, "node_modules"), ...env }, encoding: "utf8", timeout: CLI_PROCESS_MS });
  if (r.status !== 0) throw new Error(`node failed (${String(r.status)}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { discarded: string[]; after: Record<string, string | undefined> };
}

describe("splunkSdk: loading splunk-sdk never applies a .env from the working directory", () => {
  it("applies nothing from it (credentials, TLS switched off) and names what it held", () => {
    const r = loadIn("SPLUNK_TOKEN=from-dotenv\nNODE_TLS_REJECT_UNAUTHORIZED=0\n");
    expect(r.discarded).toEqual(["SPLUNK_TOKEN", "NODE_TLS_REJECT_UNAUTHORIZED"]);
    expect(r.after).toEqual({});
  });

  it("keeps what the real environment set", () => {
    const r = loadIn("SPLUNK_URL=https://from-dotenv:8089\nSPLUNK_TOKEN=from-dotenv\n", { SPLUNK_URL: "https://real:8089" });
    expect(r.discarded).toEqual(["SPLUNK_URL", "SPLUNK_TOKEN"]);
    expect(r.after).toEqual({ SPLUNK_URL: "https://real:8089" });
  });
});
