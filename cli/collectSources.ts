import { readFileSync } from "node:fs";
import { DynatraceMetricSource, type DynatraceMetricQuery } from "../runtime/adapters/dynatrace/DynatraceMetricSource";
import { SplunkMetricSource, type SplunkAuth } from "../runtime/adapters/splunk/SplunkMetricSource";
import type { FeatureSet } from "../runtime/features/featureSet";
import { nonNegativeMetrics } from "../runtime/features/roleBounds";
import type { Log, MetricSource } from "../runtime/ports";
import { CliError, EXIT_USAGE } from "./cliError";
import { DT_CONTAINER_DIMENSION } from "./collectEnvHelp";

/**
 * The metrics `cad collect` gathers (OpenTelemetry docker_stats / awsecscontainermetrics names, as Splunk
 * stores them), one-minute steps.
 */
export const COLLECT_FEATURE_SET: FeatureSet = {
  metrics: [
    { name: "container.cpu.utilization", role: "cpu" },
    { name: "container.memory.usage.total", role: "memory" },
    { name: "container.network.io.usage.rx_bytes", role: "network-rx" },
    { name: "container.network.io.usage.tx_bytes", role: "network-tx" },
  ],
  stepSeconds: 60,
  maxFillSteps: 2,
  shingleSize: 4,
};

/**
 * Which Dynatrace selector measures which of our metrics (classic `builtin:containers.*` keys; Dynatrace has
 * no classic per-container network metric, so Splunk supplies those). Override with DT_METRIC_SELECTORS.
 */
export function defaultDynatraceQueries(dimension: string): DynatraceMetricQuery[] {
  return [
    { metric: "container.cpu.utilization", selector: `builtin:containers.cpu.usagePercent:splitBy("${dimension}"):avg` },
    { metric: "container.memory.usage.total", selector: `builtin:containers.memory.residentSetBytes:splitBy("${dimension}"):avg` },
  ];
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new CliError(`${name} is not set: ${what}`, EXIT_USAGE);
  return value;
}

function optionalInt(env: Env, name: string): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  if (!/^\d+$/.test(text) || Number(text) <= 0) throw new CliError(`${name} must be a positive integer (milliseconds), got "${text}"`, EXIT_USAGE);
  return Number(text);
}

/** Options that only a flag may set. */
export interface SourceFlags {
  /** `--insecure`: skip Splunk's TLS certificate verification (test instances only). */
  readonly insecure?: boolean;
}

/**
 * Refuses the old environment switch for skipping TLS verification: a variable can come from anywhere (a shared
 * shell profile, a CI setting, a .env someone exported), so switching verification off takes the explicit flag.
 */
function refuseInsecureVariable(env: Env): void {
  const value = env.SPLUNK_INSECURE_SKIP_VERIFY?.trim();
  if (value && value !== "false" && value !== "0") {
    throw new CliError(`SPLUNK_INSECURE_SKIP_VERIFY=${value} is not honoured: no environment variable may switch TLS verification off; pass --insecure to cad collect (throw-away test instances only)`, EXIT_USAGE);
  }
}

/** SplunkMetricSource configured from the environment (and `--insecure`); errors name the variable. */
export function splunkSourceFromEnv(env: Env, fs: FeatureSet, log: Log, flags: SourceFlags = {}): SplunkMetricSource {
  refuseInsecureVariable(env);
  const url = required(env, "SPLUNK_URL", "the Splunk management URL, e.g. https://splunk.example.com:8089");
  let auth: SplunkAuth;
  if (env.SPLUNK_TOKEN) auth = { kind: "token", token: env.SPLUNK_TOKEN };
  else if (env.SPLUNK_USERNAME && env.SPLUNK_PASSWORD) auth = { kind: "password", username: env.SPLUNK_USERNAME, password: env.SPLUNK_PASSWORD };
  else throw new CliError("Splunk credentials are not set: SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD", EXIT_USAGE);
  const kind = env.SPLUNK_SEARCH_KIND ?? "mstats";
  if (kind !== "mstats" && kind !== "events") throw new CliError(`SPLUNK_SEARCH_KIND must be mstats or events, got "${kind}"`, EXIT_USAGE);
  let caPem: string | undefined;
  if (env.SPLUNK_CA_BUNDLE) {
    try {
      caPem = readFileSync(env.SPLUNK_CA_BUNDLE, "utf8");
    } catch (err) {
      throw new CliError(`SPLUNK_CA_BUNDLE: cannot read "${env.SPLUNK_CA_BUNDLE}": ${err instanceof Error ? err.message : String(err)}`, EXIT_USAGE);
    }
  }
  try {
    return new SplunkMetricSource(
      {
        url,
        auth,
        version: env.SPLUNK_VERSION,
        search: {
          kind,
          index: env.SPLUNK_INDEX ?? "otel_metrics",
          metrics: fs.metrics.map((m) => m.name),
          serviceField: env.SPLUNK_SERVICE_FIELD ?? "aws.ecs.service.name",
          containerFields: (env.SPLUNK_CONTAINER_FIELDS ?? "container.id").split(",").map((f) => f.trim()),
          stepSeconds: fs.stepSeconds,
        },
        tls: { caPem, insecureSkipVerify: flags.insecure === true },
        nonNegativeMetrics: nonNegativeMetrics(fs),
        pollIntervalMs: optionalInt(env, "SPLUNK_POLL_INTERVAL_MS"),
        jobTimeoutMs: optionalInt(env, "SPLUNK_JOB_TIMEOUT_MS"),
      },
      { log },
    );
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT_USAGE);
  }
}

/** DynatraceMetricSource configured from the environment; errors name the variable. */
export function dynatraceSourceFromEnv(env: Env, fs: FeatureSet, log: Log): DynatraceMetricSource {
  const baseUrl = required(env, "DT_URL", "the Dynatrace environment URL, e.g. https://abc12345.live.dynatrace.com");
  const token = required(env, "DT_API_TOKEN", "an API token with the metrics.read scope");
  const dimension = env.DT_CONTAINER_DIMENSION ?? DT_CONTAINER_DIMENSION;
  let metrics = defaultDynatraceQueries(dimension);
  if (env.DT_METRIC_SELECTORS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.DT_METRIC_SELECTORS);
    } catch (err) {
      throw new CliError(`DT_METRIC_SELECTORS is not JSON: ${err instanceof Error ? err.message : String(err)}`, EXIT_USAGE);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) {
      throw new CliError('DT_METRIC_SELECTORS must be a JSON object {"<metric>": "<selector>"}', EXIT_USAGE);
    }
    metrics = Object.entries(parsed as Record<string, string>).map(([metric, selector]) => ({ metric, selector }));
  }
  const known = new Set(fs.metrics.map((m) => m.name));
  const unknown = metrics.filter((m) => !known.has(m.metric)).map((m) => m.metric);
  if (unknown.length > 0) throw new CliError(`DT_METRIC_SELECTORS names metrics that are not collected: ${unknown.join(", ")} (known: ${[...known].join(", ")})`, EXIT_USAGE);
  try {
    return new DynatraceMetricSource(
      {
        baseUrl,
        token,
        metrics,
        containerDimension: dimension,
        entitySelector: env.DT_ENTITY_SELECTOR ?? 'type(CONTAINER_GROUP_INSTANCE),tag("aws.ecs.service.name:{service}")',
        resolution: fs.stepSeconds % 60 === 0 ? `${fs.stepSeconds / 60}m` : `${fs.stepSeconds}s`,
        nonNegativeMetrics: nonNegativeMetrics(fs),
      },
      { log },
    );
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT_USAGE);
  }
}

/** The sources for `--source`, in merge priority order (Splunk first). */
export function sourcesFromEnv(which: "splunk" | "dynatrace" | "both", env: Env, fs: FeatureSet, log: Log, flags: SourceFlags = {}): MetricSource[] {
  const out: MetricSource[] = [];
  if (which !== "dynatrace") out.push(splunkSourceFromEnv(env, fs, log, flags));
  if (which !== "splunk") out.push(dynatraceSourceFromEnv(env, fs, log));
  return out;
}

/**
 * Where each setting of the chosen sources came from, one line each: the variable that set it, the flag, or the
 * default. Secrets are never shown, only which variable supplied them.
 */
export function describeSourceSettings(which: "splunk" | "dynatrace" | "both", env: Env, flags: SourceFlags = {}): string[] {
  const from = (name: string, fallback: string): string => (env[name]?.trim() ? `${env[name]?.trim()} (${name})` : `${fallback} (default)`);
  const lines: string[] = [];
  if (which !== "dynatrace") {
    lines.push(`  splunk url        ${env.SPLUNK_URL?.trim() ? `${env.SPLUNK_URL.trim()} (SPLUNK_URL)` : "not set (SPLUNK_URL)"}`);
    lines.push(`  splunk auth       ${env.SPLUNK_TOKEN ? "token (SPLUNK_TOKEN)" : env.SPLUNK_USERNAME ? `user "${env.SPLUNK_USERNAME}" (SPLUNK_USERNAME, SPLUNK_PASSWORD)` : "not set"}`);
    lines.push(
      `  splunk TLS        ${flags.insecure ? "NOT VERIFIED (--insecure)" : env.SPLUNK_CA_BUNDLE ? `verified against ${env.SPLUNK_CA_BUNDLE} (SPLUNK_CA_BUNDLE)` : "verified against the system CAs (default)"}`,
    );
    lines.push(`  splunk index      ${from("SPLUNK_INDEX", "otel_metrics")}, search ${from("SPLUNK_SEARCH_KIND", "mstats")}`);
  }
  if (which !== "splunk") {
    lines.push(`  dynatrace url     ${env.DT_URL?.trim() ? `${env.DT_URL.trim()} (DT_URL)` : "not set (DT_URL)"}`);
    lines.push(`  dynatrace token   ${env.DT_API_TOKEN ? "set (DT_API_TOKEN)" : "not set (DT_API_TOKEN)"}`);
    lines.push(`  dynatrace metrics ${env.DT_METRIC_SELECTORS ? "DT_METRIC_SELECTORS" : "classic builtin:containers.* selectors (default)"}`);
  }
  return lines;
}
