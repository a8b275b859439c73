import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, Option } from "commander";
import { DynatraceMetricSource } from "../../runtime/adapters/dynatrace/DynatraceMetricSource";
import { SplunkMetricSource } from "../../runtime/adapters/splunk/SplunkMetricSource";
import { alignSamples } from "../../runtime/features/alignSamples";
import { formatFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { mergeSources, type MergeReport } from "../../runtime/features/mergeSources";
import type { Log, MetricSource, TimeRange } from "../../runtime/ports";
import type { FeatureRow, MetricSample } from "../../runtime/types";
import { startDynatraceServer } from "../../test/servers/dynatraceServer";
import { startSplunkServer } from "../../test/servers/splunkServer";
import { CliError, EXIT_USAGE } from "../cliError";
import { IGNORED_DOTENV_VARIABLES } from "../../runtime/adapters/splunk/splunkSdk";
import { COLLECT_ENV_HELP, COLLECT_FEATURE_SET, describeSourceSettings, sourcesFromEnv } from "../collectSources";
import { loadFeatureSetOption } from "../featureSetOption";
import { REPO_ROOT } from "../repoRoot";

type SourceChoice = "splunk" | "dynatrace" | "both";

interface CollectOptions {
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

/** Per-source figures of one collection. */
export interface SourceSummary {
  readonly name: string;
  readonly samples: number;
  /** Feature rows this source alone would give. */
  readonly rows: number;
  /** Rows or points the source skipped (bad values, duplicates, …), from its fetch reports. */
  readonly skipped: number;
}

export interface CollectOutcome {
  readonly range: TimeRange;
  readonly perSource: SourceSummary[];
  readonly rows: FeatureRow[];
  readonly merge: MergeReport;
}

/** `cad collect`: pulls container metrics from Splunk and/or Dynatrace into a feature-row CSV. */
export function collectCommand(): Command {
  return new Command("collect")
    .description("collect container metrics from Splunk and/or Dynatrace into a feature-row CSV (--test: against built-in loopback servers)")
    .addOption(new Option("--source <source>", "which source(s) to read; with both, Splunk wins where both report a metric").choices(["splunk", "dynatrace", "both"]).default("both"))
    .option("--service <name...>", "ECS service name(s) to collect (required unless --test)")
    .option("--since <time>", "start: relative (-24h, -30m, -7d) or ISO-8601", "-24h")
    .option("--until <time>", "end (exclusive): now, relative or ISO-8601", "now")
    .option("--out <file>", "write the feature rows as CSV here (e.g. data/metrics.csv)")
    .option("--feature-set <name|file>", "the metrics to collect: \"collect\" (docker_stats names), \"default\" (the detector's awsecscontainermetrics set), or a JSON file holding a feature set (also a model.json or features.json)", "collect")
    .option("--test", "start loopback Splunk (HTTPS) and Dynatrace servers with generated data and run the real clients against them")
    .option("--insecure", "do not verify Splunk's TLS certificate: throw-away test instances only (anyone on the path can read the credentials); warned on every run, refused in the Lambda")
    .option("--verbose", "log debug details to stderr")
    .option("--json", "print one JSON object (window, per-source counts, merge, file written) instead of the table")
    .addHelpText("after", COLLECT_ENV_HELP)
    .action(async (opts: CollectOptions) => {
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
    });
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

/** Longest span one source query covers; longer ranges are read in chunks (Dynatrace coarsens long 1m queries). */
export const COLLECT_CHUNK_MS = 6 * 3600_000;

/**
 * Fetches every service from every source (sources in parallel, each in chunks of COLLECT_CHUNK_MS), then
 * merges (first source wins) and aligns. Any source failure fails the whole collection: a partial CSV is
 * never written.
 */
export async function collect(sources: readonly MetricSource[], services: readonly string[], range: TimeRange, fs: FeatureSet): Promise<CollectOutcome> {
  const chunks: TimeRange[] = [];
  for (let from = range.from; from < range.to; from += COLLECT_CHUNK_MS) chunks.push({ from, to: Math.min(range.to, from + COLLECT_CHUNK_MS) });
  const perSource = await Promise.all(
    sources.map(async (source) => {
      const samples: MetricSample[] = [];
      let skipped = 0;
      for (const service of services) {
        for (const chunk of chunks) {
          try {
            samples.push(...(await source.fetch(service, chunk)));
          } catch (err) {
            throw new CliError(`${source.name} failed for service "${service}": ${err instanceof Error ? err.message : String(err)}`);
          }
          skipped += skippedBy(source);
        }
      }
      return { source, samples, skipped };
    }),
  );
  const rowsOf = (samples: MetricSample[]): FeatureRow[] => (samples.length > 0 ? alignSamples(samples, fs, range).rows : []);
  const merged = mergeSources(
    perSource.map((p) => ({ name: p.source.name, samples: p.samples })),
    fs.stepSeconds * 1000,
  );
  return {
    range,
    perSource: perSource.map((p) => ({ name: p.source.name, samples: p.samples.length, rows: rowsOf(p.samples).length, skipped: p.skipped })),
    rows: rowsOf(merged.samples),
    merge: merged.report,
  };
}

/** What the source's last fetch skipped, for the adapters that report it. */
function skippedBy(source: MetricSource): number {
  if (source instanceof SplunkMetricSource && source.lastReport) {
    const r = source.lastReport;
    return r.badTime + r.missingContainer + r.outOfRange + r.nonNumeric + r.duplicates;
  }
  if (source instanceof DynatraceMetricSource && source.lastReport) {
    const r = source.lastReport;
    return r.nonNumeric + r.missingDimension + r.malformedSeries + r.outOfRange + r.duplicates;
  }
  return 0;
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

/**
 * Epoch ms of `now`, a relative time (`-24h`, `-30m`, `-7d`, `-90s`) or an ISO-8601 timestamp.
 *
 * @throws CliError (usage) naming the option.
 */
export function parseTime(text: string, now: number, option: string): number {
  const t = text.trim();
  if (t === "now") return now;
  const rel = /^-(\d+)([smhd])$/.exec(t);
  if (rel) return now - Number(rel[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as "s" | "m" | "h" | "d"];
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new CliError(`${option} must be "now", a relative time like -24h / -30m / -7d, or an ISO-8601 timestamp; got "${text}"`, EXIT_USAGE);
}

function stderrLog(verbose: boolean): Log {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    process.stderr.write(`${level} ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ""}\n`);
  };
  return { debug: verbose ? write("debug") : () => undefined, info: verbose ? write("info") : () => undefined, warn: write("warn"), error: write("error") };
}

