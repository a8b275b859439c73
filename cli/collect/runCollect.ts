import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { formatFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import type { FeatureSet } from "../../runtime/features/featureSet";
import type { MergeReport } from "../../runtime/features/mergeSources";
import type { Log, TimeRange } from "../../runtime/ports";
import { startDynatraceServer } from "../../test/servers/dynatraceServer";
import { startSplunkServer } from "../../test/servers/splunkServer";
import { IGNORED_DOTENV_VARIABLES } from "../../runtime/adapters/splunk/splunkSdk";
import { CliError, EXIT_USAGE } from "../cliError";
import { COLLECT_FEATURE_SET, describeSourceSettings, sourcesFromEnv } from "../collectSources";
import { loadFeatureSetOption } from "../featureSetOption";
import { parseTime } from "../parseTime";
import { REPO_ROOT } from "../repoRoot";
import { collect, type CollectOutcome, type SourceSummary } from "./collect";

type SourceChoice = "splunk" | "dynatrace" | "both";

/** The options of `cad collect`, as commander parses them. */
export interface CollectOptions {
  source: SourceChoice;
  service?: string[];
  since: string;
  until: string;
  out?: string;
  test?: boolean;
  verbose?: boolean;
  insecure?: boolean;
  featureSet?: string;
  json?: boolean;
}

/** Runs `cad collect`: reads the window from the sources (or the loopback servers), writes the CSV, prints the summary. */
export async function runCollect(opts: CollectOptions): Promise<void> {
  const log = stderrLog(Boolean(opts.verbose));
  const now = Date.now();
  if (opts.test && opts.featureSet !== undefined && opts.featureSet !== "collect") throw new CliError("--feature-set cannot be combined with --test: the loopback servers serve the default container metrics", EXIT_USAGE);
  const fs = loadFeatureSetOption(opts.featureSet ?? "collect");
  const step = fs.stepSeconds * 1000;
  const range = {
    from: Math.floor(parseTime(opts.since, now, "--since") / step) * step,
    to: Math.floor(parseTime(opts.until, now, "--until") / step) * step,
  };
  if (range.from >= range.to) throw new CliError(`--since (${new Date(range.from).toISOString()}) must be before --until (${new Date(range.to).toISOString()})`, EXIT_USAGE);
  const outcome = opts.test ? await runAgainstLoopback(opts, range, log) : await runAgainstEnv(opts, range, log, fs);
  if (opts.out) {
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, formatFeatureRowsCsv(outcome.rows, fs));
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(collectJson(outcome, opts.out))}\n`);
  else {
    printSummary(outcome);
    if (opts.out) process.stdout.write(`wrote ${outcome.rows.length} rows to ${opts.out}\n`);
  }
}

async function runAgainstEnv(opts: CollectOptions, range: TimeRange, log: Log, fs: FeatureSet): Promise<CollectOutcome> {
  if (!opts.service || opts.service.length === 0) throw new CliError("--service is required (the ECS service name(s) to collect), unless --test", EXIT_USAGE);
  if (!opts.out) throw new CliError("--out is required (where to write the CSV), unless --test", EXIT_USAGE);
  if (IGNORED_DOTENV_VARIABLES.length > 0) {
    process.stderr.write(
      `note: ./.env was not read (it sets ${IGNORED_DOTENV_VARIABLES.join(", ")}): cad takes settings only from the environment and flags; export what you meant to use\n`,
    );
  }
  process.stderr.write(`settings (environment and flags):\n${describeSourceSettings(opts.source, process.env, { insecure: opts.insecure }).join("\n")}\n`);
  const sources = sourcesFromEnv(opts.source, process.env, fs, log, { insecure: opts.insecure });
  return collect(sources, opts.service, range, fs);
}

const TLS_DIR = join(REPO_ROOT, "test", "fixtures", "tls");

/** The seed's test mode: the project's own loopback servers, the real clients, configured through the same env path. */
async function runAgainstLoopback(opts: CollectOptions, range: TimeRange, log: Log): Promise<CollectOutcome> {
  const fleet = { seed: 2026, services: opts.service ?? ["checkout", "search"], containersPerService: 3 };
  const splunk = await startSplunkServer({
    fleet,
    username: "cad",
    password: "loopback",
    version: "9.1.2",
    maxResultRows: 1000,
    tls: { key: readFileSync(join(TLS_DIR, "server.key")), cert: readFileSync(join(TLS_DIR, "server.crt")) },
  });
  // Both servers draw from one fleet, and Dynatrace's classic keys map to the same generated series, so
  // the merge shows two sources agreeing about the same containers.
  const sameSeries: Record<string, string> = {
    "builtin:containers.cpu.usagePercent": "container.cpu.utilization",
    "builtin:containers.memory.residentSetBytes": "container.memory.usage.total",
  };
  const dynatrace = await startDynatraceServer({ fleet, tokens: ["dt0c01.loopback"], seriesPerPage: 2, generatorMetricFor: (key) => sameSeries[key] ?? key });
  try {
    // With --json, stdout holds only the JSON object: say where the servers are on stderr.
    (opts.json ? process.stderr : process.stdout).write(
      `loopback Splunk 9.1.2 at ${splunk.url} (certificate verified against test/fixtures/tls/ca.crt), loopback Dynatrace at ${dynatrace.url}; ` +
        `${fleet.services.length} services x ${fleet.containersPerService} containers, seed ${fleet.seed}\n`,
    );
    const env = {
      SPLUNK_URL: splunk.url,
      SPLUNK_USERNAME: "cad",
      SPLUNK_PASSWORD: "loopback",
      SPLUNK_CA_BUNDLE: join(TLS_DIR, "ca.crt"),
      SPLUNK_POLL_INTERVAL_MS: "20",
      DT_URL: dynatrace.url,
      DT_API_TOKEN: "dt0c01.loopback",
    };
    return await collect(sourcesFromEnv(opts.source, env, COLLECT_FEATURE_SET, log), fleet.services, range, COLLECT_FEATURE_SET);
  } finally {
    await Promise.all([splunk.close(), dynatrace.close()]);
  }
}

/** What `cad collect --json` prints. */
export interface CollectJson {
  readonly window: { readonly from: string; readonly to: string };
  readonly sources: readonly SourceSummary[];
  readonly merged: { readonly rows: number; readonly overridden: MergeReport["overridden"]; readonly disagreements: number };
  /** The CSV written (--out), or null. */
  readonly file: string | null;
}

export function collectJson(o: CollectOutcome, file: string | undefined): CollectJson {
  return {
    window: { from: new Date(o.range.from).toISOString(), to: new Date(o.range.to).toISOString() },
    sources: o.perSource,
    merged: { rows: o.rows.length, overridden: o.merge.overridden, disagreements: o.merge.disagreements },
    file: file ?? null,
  };
}

function printSummary(o: CollectOutcome): void {
  const lines = [
    `window ${new Date(o.range.from).toISOString()} -> ${new Date(o.range.to).toISOString()}`,
    `${"source".padEnd(10)} ${"samples".padStart(9)} ${"rows".padStart(7)} ${"skipped".padStart(8)}`,
    ...o.perSource.map((s) => `${s.name.padEnd(10)} ${String(s.samples).padStart(9)} ${String(s.rows).padStart(7)} ${String(s.skipped).padStart(8)}`),
    `${"merged".padEnd(10)} ${"".padStart(9)} ${String(o.rows.length).padStart(7)}   overridden by an earlier source: ${JSON.stringify(o.merge.overridden)}, disagreeing >1%: ${o.merge.disagreements}`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

function stderrLog(verbose: boolean): Log {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    process.stderr.write(`${level} ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ""}\n`);
  };
  return { debug: verbose ? write("debug") : () => undefined, info: verbose ? write("info") : () => undefined, warn: write("warn"), error: write("error") };
}

