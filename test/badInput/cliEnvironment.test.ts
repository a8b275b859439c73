/**
 * Bad-input catalogue: what the environment around the `cad` process can hold — no AWS credentials, a bad bucket
 * name, a `.env` in the working directory, an environment switch meant to turn TLS verification off. Run as real
 * processes (bin/cad.js), since what matters is exactly what reaches the terminal. docs/errors.md lists them.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/pulumiMocks";
import { workspace } from "./workspace";
import { CLI_PROCESS_MS } from "../helpers/timeouts";

const ws = workspace("env");

/** Runs `cad` in `cwd` with only PATH and `env` set (no credentials, no AWS profile, no instance metadata). */
function cad(args: string[], env: Record<string, string> = {}, cwd = ws.dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "cad.js"), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: ws.dir, AWS_EC2_METADATA_DISABLED: "true", AWS_REGION: "eu-west-1", ...env },
    encoding: "utf8",
    timeout: CLI_PROCESS_MS,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const CALIBRATE = ["dataset", "calibrate", "--version", "ds-0123456789abcdef", "--endpoint", "cad-rcf"];

describe("bad-input catalogue: the CLI's environment", { timeout: CLI_PROCESS_MS }, () => {
  it("ENV-01 cad dataset calibrate with an invalid bucket name: one line, usage error (exit 2), no SDK warning", () => {
    const r = cad([...CALIBRATE, "--bucket", "Bad_Bucket"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cad: --bucket "Bad_Bucket" is not a valid S3 bucket name: it may hold only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit\n');
  });

  it("ENV-02 cad dataset calibrate without AWS credentials: one line with the fix, exit 1, no stack and no SDK warning", () => {
    const r = cad([...CALIBRATE, "--bucket", "cad-dev-metrics"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "cad: s3: reading s3://cad-dev-metrics/training/ds-0123456789abcdef/manifest.json failed: Could not load credentials from any providers — " +
        "no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role provides them (run with --verbose for the stack trace)\n",
    );
  });

  it("ENV-03 the same with --verbose: the stack trace (and the SDK's warning) are shown", () => {
    const r = cad([...CALIBRATE, "--bucket", "cad-dev-metrics", "--verbose"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("NodeVersionSupportWarning");
    expect(r.stderr).toMatch(/cad: s3: reading s3:\/\/cad-dev-metrics\/.*\nError: s3: reading .*\n {4}at S3ObjectStore\.get /);
    expect(r.stderr).toContain("caused by: CredentialsProviderError: Could not load credentials from any providers");
  });

  it("ENV-04 a .env in the working directory: nothing is taken from it, and cad says it was there", () => {
    ws.file("ENV-04/.env", "SPLUNK_URL=https://splunk.example.com:8089\nSPLUNK_TOKEN=from-a-file\nNODE_TLS_REJECT_UNAUTHORIZED=0\n");
    const r = cad(["collect", "--source", "splunk", "--service", "web", "--out", "m.csv"], {}, join(ws.dir, "ENV-04"));
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("note: ./.env was not read (it sets SPLUNK_URL, SPLUNK_TOKEN, NODE_TLS_REJECT_UNAUTHORIZED): cad takes settings only from the environment and flags; export what you meant to use");
    expect(r.stderr).toContain("  splunk url        not set (SPLUNK_URL)\n");
    expect(r.stderr.endsWith("cad: SPLUNK_URL is not set: the Splunk management URL, e.g. https://splunk.example.com:8089\n")).toBe(true);
  });

  it("ENV-05 SPLUNK_INSECURE_SKIP_VERIFY=true in the environment: refused; only --insecure skips verification", () => {
    const r = cad(["collect", "--source", "splunk", "--service", "web", "--out", "m.csv"], { SPLUNK_URL: "https://splunk.example.com:8089", SPLUNK_TOKEN: "t", SPLUNK_INSECURE_SKIP_VERIFY: "true" });
    expect(r.code).toBe(2);
    expect(r.stderr.endsWith("cad: SPLUNK_INSECURE_SKIP_VERIFY=true is not honoured: no environment variable may switch TLS verification off; pass --insecure to cad collect (throw-away test instances only)\n")).toBe(true);
  });
});
