import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { collect, COLLECT_CHUNK_MS } from "../../../cli/collect/collect";
import { parseTime } from "../../../cli/parseTime";
import { COLLECT_FEATURE_SET } from "../../../cli/collectSources";
import { CliError } from "../../../cli/cliError";
import { runCli } from "../../../cli/main";
import { parseFeatureRowsCsv } from "../../../runtime/features/featureRowCsv";
import { captureOutput } from "../../helpers/captureOutput";
import { REPO_ROOT } from "../../helpers/pulumiMocks";
import { startSplunkServer } from "../../servers/splunkServer";
import { CLI_PROCESS_MS } from "../../helpers/timeouts";

const io = captureOutput();
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("cad collect --test", () => {
  it("runs the real Splunk and Dynatrace clients against the loopback servers and prints row counts per source", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cad-collect-"));
    try {
      const out = join(dir, "data", "metrics.csv");
      expect(await runCli(["collect", "--test", "--since", "-1h", "--out", out])).toBe(0);
      expect(io.stdout).toMatch(/loopback Splunk 9\.1\.2 at https:\/\/127\.0\.0\.1:\d+ \(certificate verified/);
      expect(io.stdout).toMatch(/^splunk\s+1440\s+360\s+0$/m);
      expect(io.stdout).toMatch(/^dynatrace\s+720\s+360\s+0$/m);
      expect(io.stdout).toMatch(/^merged\s+360\s+overridden by an earlier source: \{"splunk":0,"dynatrace":720\}, disagreeing >1%: 0$/m);
      expect(io.stdout).toContain(`wrote 360 rows to ${out}`);
      const rows = parseFeatureRowsCsv(readFileSync(out, "utf8"), COLLECT_FEATURE_SET, out);
      expect(rows).toHaveLength(360);
      expect(rows.every((r) => !r.gap)).toBe(true);
      expect(new Set(rows.map((r) => r.service))).toEqual(new Set(["checkout", "search"]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads one source when asked", async () => {
    expect(await runCli(["collect", "--test", "--source", "dynatrace", "--since", "-10m", "--service", "web"])).toBe(0);
    expect(io.stdout).toMatch(/^dynatrace\s+60\s+30\s+0$/m);
    expect(io.stdout).not.toMatch(/^splunk/m);
  });
});

describe("cad collect usage errors (exit 2, the problem named)", () => {
  it("needs --service and --out against real servers", async () => {
    expect(await runCli(["collect", "--source", "splunk"])).toBe(2);
    expect(io.stderr).toContain("cad: --service is required");
    expect(await runCli(["collect", "--source", "splunk", "--service", "web"])).toBe(2);
    expect(io.stderr).toContain("cad: --out is required");
  });

  it("names the missing environment variable", async () => {
    vi.stubEnv("SPLUNK_URL", "");
    vi.stubEnv("DT_URL", "https://abc.live.dynatrace.com");
    vi.stubEnv("DT_API_TOKEN", "");
    expect(await runCli(["collect", "--source", "splunk", "--service", "web", "--out", "x.csv"])).toBe(2);
    expect(io.stderr).toContain("cad: SPLUNK_URL is not set: the Splunk management URL");
    expect(await runCli(["collect", "--source", "dynatrace", "--service", "web", "--out", "x.csv"])).toBe(2);
    expect(io.stderr).toContain("cad: DT_API_TOKEN is not set: an API token with the metrics.read scope");
    vi.stubEnv("SPLUNK_URL", "https://splunk:8089");
    vi.stubEnv("SPLUNK_TOKEN", "");
    vi.stubEnv("SPLUNK_USERNAME", "");
    expect(await runCli(["collect", "--source", "splunk", "--service", "web", "--out", "x.csv"])).toBe(2);
    expect(io.stderr).toContain("cad: Splunk credentials are not set: SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD");
  });

  it("rejects a bad --source, --since or an empty range", async () => {
    expect(await runCli(["collect", "--test", "--source", "prometheus"])).toBe(2);
    expect(await runCli(["collect", "--test", "--since", "yesterday"])).toBe(2);
    expect(io.stderr).toContain('--since must be "now", a relative time like -24h / -30m / -7d, or an ISO-8601 timestamp; got "yesterday"');
    expect(await runCli(["collect", "--test", "--since", "-1h", "--until", "-2h"])).toBe(2);
    expect(io.stderr).toMatch(/--since \(.*\) must be before --until/);
  });
});

describe("cad collect: TLS verification and where settings come from", () => {
  const TLS = join(REPO_ROOT, "test", "fixtures", "tls");

  it("skips verification only with --insecure (warned), never because of an environment variable", async () => {
    const server = await startSplunkServer({ fleet: { seed: 1, services: ["web"], containersPerService: 1 }, username: "u", password: "p", tls: { key: readFileSync(join(TLS, "server.key")), cert: readFileSync(join(TLS, "server.crt")) } });
    const dir = mkdtempSync(join(tmpdir(), "cad-insecure-"));
    try {
      vi.stubEnv("SPLUNK_URL", server.url);
      vi.stubEnv("SPLUNK_USERNAME", "u");
      vi.stubEnv("SPLUNK_PASSWORD", "p");
      vi.stubEnv("SPLUNK_TOKEN", "");
      vi.stubEnv("SPLUNK_CA_BUNDLE", "");
      vi.stubEnv("SPLUNK_POLL_INTERVAL_MS", "10");
      const args = ["collect", "--source", "splunk", "--service", "web", "--since", "-10m", "--out", join(dir, "m.csv")];
      vi.stubEnv("SPLUNK_INSECURE_SKIP_VERIFY", "true");
      expect(await runCli(args)).toBe(2);
      expect(io.stderr).toContain("cad: SPLUNK_INSECURE_SKIP_VERIFY=true is not honoured: no environment variable may switch TLS verification off; pass --insecure to cad collect");
      vi.stubEnv("SPLUNK_INSECURE_SKIP_VERIFY", "");
      io.stderr = "";
      expect(await runCli(args)).toBe(1);
      expect(io.stderr).toContain("  splunk TLS        verified against the system CAs (default)");
      expect(io.stderr).toMatch(/cad: splunk failed for service "web": splunk: login as "u" at https:\/\/127\.0\.0\.1:\d+ failed: the server's TLS certificate was rejected/);
      io.stderr = "";
      expect(await runCli([...args, "--insecure"])).toBe(0);
      expect(io.stderr).toContain(`settings (environment and flags):\n  splunk url        ${server.url} (SPLUNK_URL)\n  splunk auth       user "u" (SPLUNK_USERNAME, SPLUNK_PASSWORD)\n  splunk TLS        NOT VERIFIED (--insecure)\n  splunk index      otel_metrics (default), search mstats (default)\n`);
      expect(io.stderr).toContain("warn splunk: TLS certificate verification is DISABLED (insecureSkipVerify)");
      expect(io.stdout).toContain(`wrote 10 rows to ${join(dir, "m.csv")}`);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never reads a .env in the working directory, and says it was there", () => {
    const dir = mkdtempSync(join(tmpdir(), "cad-dotenv-cli-"));
    try {
      writeFileSync(join(dir, ".env"), "SPLUNK_URL=https://from-dotenv:8089\nSPLUNK_TOKEN=leaked\nSPLUNK_INSECURE_SKIP_VERIFY=true\n");
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SPLUNK_") && !k.startsWith("DT_")));
      const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "cad.js"), "collect", "--source", "splunk", "--service", "web", "--out", "m.csv"], { cwd: dir, env, encoding: "utf8", timeout: CLI_PROCESS_MS });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        "note: ./.env was not read (it sets SPLUNK_URL, SPLUNK_TOKEN, SPLUNK_INSECURE_SKIP_VERIFY): cad takes settings only from the environment and flags; export what you meant to use\n" +
          "settings (environment and flags):\n  splunk url        not set (SPLUNK_URL)\n  splunk auth       not set\n  splunk TLS        verified against the system CAs (default)\n  splunk index      otel_metrics (default), search mstats (default)\n" +
          "cad: SPLUNK_URL is not set: the Splunk management URL, e.g. https://splunk.example.com:8089\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("collect()", () => {
  it("fails the whole collection when a source fails, naming source and service", async () => {
    const ok = { name: "splunk", fetch: async () => [] };
    const bad = { name: "dynatrace", fetch: async () => Promise.reject(new Error("HTTP 401")) };
    await expect(collect([ok, bad], ["web"], { from: 0, to: 60_000 }, COLLECT_FEATURE_SET)).rejects.toEqual(new CliError('dynatrace failed for service "web": HTTP 401'));
  });

  it("reads long ranges in chunks, so no single query spans more than COLLECT_CHUNK_MS", async () => {
    const asked: { from: number; to: number }[] = [];
    const recorder = { name: "splunk", fetch: async (_service: string, r: { from: number; to: number }) => (asked.push(r), []) };
    await collect([recorder], ["web"], { from: 0, to: 2 * COLLECT_CHUNK_MS + 60_000 }, COLLECT_FEATURE_SET);
    expect(asked).toEqual([
      { from: 0, to: COLLECT_CHUNK_MS },
      { from: COLLECT_CHUNK_MS, to: 2 * COLLECT_CHUNK_MS },
      { from: 2 * COLLECT_CHUNK_MS, to: 2 * COLLECT_CHUNK_MS + 60_000 },
    ]);
  });

  it("parses relative and absolute times", () => {
    const now = Date.UTC(2026, 10, 25, 12);
    expect(parseTime("now", now, "--until")).toBe(now);
    expect(parseTime("-24h", now, "--since")).toBe(now - 86_400_000);
    expect(parseTime("-30m", now, "--since")).toBe(now - 1_800_000);
    expect(parseTime("-7d", now, "--since")).toBe(now - 7 * 86_400_000);
    expect(parseTime("2026-11-24T00:00:00Z", now, "--since")).toBe(Date.UTC(2026, 10, 24));
    expect(() => parseTime("24h", now, "--since")).toThrow(CliError);
  });
});
