import * as v from "valibot";
import type { Log, MetricSource, TimeRange } from "../../ports";
import type { MetricSample } from "../../types";
import { dynatraceSeriesToSamples, resolutionMs, type DynatraceSeriesReport } from "./dynatraceSeriesToSamples";
import { CadError } from "../../errors/CadError";
import { describeIssues } from "../../errors/parseWithSchema";
import { quoteInput } from "../../errors/quoteInput";
import { rateLimitWaitMs, retryAfterMs } from "../retry/retryAfter";
import { errorMessage as thrownMessage } from "../../errors/errorMessage";

export { retryAfterMs };

/**
 * The envelope of a Metrics API v2 answer. Series inside `data` are checked one by one (a bad series is skipped
 * and counted, not fatal); the envelope itself must be right or the fetch fails.
 */
const QUERY_RESPONSE_SCHEMA = v.looseObject({
  totalCount: v.optional(v.number()),
  nextPageKey: v.nullish(v.string()),
  resolution: v.optional(v.string()),
  result: v.array(v.looseObject({ metricId: v.optional(v.string()), data: v.array(v.unknown()) })),
});
type QueryResponse = v.InferOutput<typeof QUERY_RESPONSE_SCHEMA>;

/** Default bound on pages per metric query: far above any real answer, low enough to stop a runaway in seconds. */
export const DEFAULT_MAX_PAGES = 1000;

/** One metric of the feature set and the Dynatrace selector that measures it. */
export interface DynatraceMetricQuery {
  /** Our metric name (the feature set's), e.g. `container.cpu.utilization`. */
  readonly metric: string;
  /**
   * Metric selector; `{service}` is replaced by the service name (quotes inside it escaped). Classic:
   * `builtin:containers.cpu.usagePercent:filter(eq("aws.ecs.service.name","{service}")):splitBy("dt.entity.container_group_instance"):avg`;
   * Grail-era keys (`dt.containers.*`) work the same: the source never interprets the selector.
   */
  readonly selector: string;
}

export interface DynatraceMetricSourceConfig {
  /** Environment URL: `https://<env>.live.dynatrace.com` (SaaS) or `https://<host>/e/<env>` (Managed). */
  readonly baseUrl: string;
  /** API token with the `metrics.read` scope. */
  readonly token: string;
  readonly metrics: readonly DynatraceMetricQuery[];
  /** Dimension whose value identifies the container, e.g. `dt.entity.container_group_instance`. */
  readonly containerDimension: string;
  /**
   * Optional dimension naming the container's replica group (e.g. `dt.entity.container_group`, which the metric
   * selectors must split by too): containers of one group across the service's tasks share one model.
   */
  readonly containerNameDimension?: string;
  /** Optional entitySelector; `{service}` is replaced as in selectors. */
  readonly entitySelector?: string;
  /** Requested resolution, e.g. `1m` (our step). */
  readonly resolution: string;
  /** 429 retries before giving up, default 5. */
  readonly maxRetries?: number;
  /** Longest wait honoured from a Retry-After (and the back-off cap), ms, default 60000. */
  readonly maxRetryDelayMs?: number;
  /** Per-request timeout, ms, default 60000. */
  readonly requestTimeoutMs?: number;
  /** Pages per metric query before the fetch gives up (a source that never stops paging), default 1000. */
  readonly maxPages?: number;
  /**
   * Our metric names whose values cannot be negative (every role but "other": CPU, memory, bytes/s, restarts,
   * throttling, latency). A negative value of one of them is skipped and counted (`negative`), not used.
   */
  readonly nonNegativeMetrics?: readonly string[];
}

export interface DynatraceMetricSourceDeps {
  readonly log: Log;
  /** Default: global fetch (TLS verified against the system CAs). */
  readonly fetch?: typeof fetch;
  /** Injected so tests do not wait through back-offs. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A failed request or an unusable response; the message names the metric and what was wrong. */
export class DynatraceError extends CadError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message, "DynatraceError");
  }
}

export interface DynatraceFetchReport extends DynatraceSeriesReport {
  readonly requests: number;
  readonly retries: number;
  readonly pages: number;
}

/**
 * MetricSource over the Dynatrace Metrics API v2 (`/api/v2/metrics/query`). One query per configured metric,
 * following `nextPageKey` until the last page; 429 answers are retried after Retry-After (or an exponential
 * back-off) up to `maxRetries`. Null values are gaps; other bad points (not numbers, negative where the metric
 * cannot be, duplicates) are skipped, counted and logged. Rejects the fetch: a 401/403, another HTTP error, a
 * body that is not JSON or not a Metrics API answer (result[].data), a nextPageKey that comes back a second time
 * or paging past `maxPages` (a runaway), series none of which carries the container dimension, and non-null
 * points none of which could be used — an empty result means Dynatrace had no data, never that we dropped it.
 */
export class DynatraceMetricSource implements MetricSource {
  readonly name = "dynatrace";
  lastReport: DynatraceFetchReport | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly slotMs: number;
  private readonly maxPages: number;
  private readonly nonNegative: readonly string[];

  constructor(
    private readonly config: DynatraceMetricSourceConfig,
    private readonly deps: DynatraceMetricSourceDeps,
  ) {
    let url: URL;
    try {
      url = new URL(config.baseUrl);
    } catch {
      throw new Error(`dynatrace config: "baseUrl" is not a URL: "${config.baseUrl}"`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`dynatrace config: "baseUrl" must be http(s), got "${config.baseUrl}"`);
    if (!config.token) throw new Error('dynatrace config: "token" is empty');
    if (config.metrics.length === 0) throw new Error('dynatrace config: "metrics" must list at least one metric');
    config.metrics.forEach((m, i) => {
      if (!m.metric || !m.selector) throw new Error(`dynatrace config: metrics[${i}] needs both "metric" and "selector"`);
    });
    if (!config.containerDimension) throw new Error('dynatrace config: "containerDimension" is empty');
    const slot = resolutionMs(config.resolution);
    if (slot === undefined) throw new Error(`dynatrace config: "resolution" must look like 1m, 5m or 1h, got "${config.resolution}"`);
    this.slotMs = slot;
    this.maxPages = config.maxPages ?? DEFAULT_MAX_PAGES;
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1) throw new Error(`dynatrace config: "maxPages" must be a positive integer, got ${String(config.maxPages)}`);
    this.nonNegative = config.nonNegativeMetrics ?? [];
    this.fetchFn = deps.fetch ?? fetch;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async fetch(service: string, range: TimeRange): Promise<MetricSample[]> {
    if (!(range.from < range.to)) throw new Error(`dynatrace: empty time range [${range.from}, ${range.to})`);
    const totals = { series: 0, points: 0, samples: 0, nulls: 0, nonNumeric: 0, missingDimension: 0, malformedSeries: 0, outOfRange: 0, duplicates: 0, negative: 0, requests: 0, retries: 0, pages: 0 };
    const samples: MetricSample[] = [];
    const examples: string[] = [];
    for (const q of this.config.metrics) {
      const params = new URLSearchParams({
        metricSelector: fillService(q.selector, service),
        resolution: this.config.resolution,
        from: String(range.from),
        to: String(range.to),
      });
      if (this.config.entitySelector) params.set("entitySelector", fillService(this.config.entitySelector, service));
      let next: URLSearchParams | undefined = params;
      const seenKeys = new Set<string>();
      let pages = 0;
      const before = { points: totals.points, nulls: totals.nulls, samples: totals.samples, outOfRange: totals.outOfRange };
      while (next) {
        const body = await this.request(next, q.metric, totals);
        totals.pages++;
        pages++;
        const resolution = typeof body.resolution === "string" ? body.resolution : this.config.resolution;
        const slotMs = resolutionMs(resolution) ?? this.slotMs;
        if (slotMs !== this.slotMs) this.deps.log.warn("dynatrace: the API answered with a coarser resolution than requested", { metric: q.metric, requested: this.config.resolution, got: resolution });
        for (const r of body.result) {
          const converted = dynatraceSeriesToSamples(r.data, { service, metric: q.metric, dimension: this.config.containerDimension, nameDimension: this.config.containerNameDimension, slotMs, range, nonNegative: this.nonNegative.includes(q.metric) });
          if (r.data.length > 0 && converted.report.missingDimension === r.data.length) {
            throw new DynatraceError(`dynatrace: none of the ${r.data.length} series of ${q.metric} has the container dimension "${this.config.containerDimension}" (they have: ${dimensionsOf(r.data)}); fix the splitBy of the selector or the container dimension setting`);
          }
          samples.push(...converted.samples);
          examples.push(...converted.examples.slice(0, 5 - examples.length));
          for (const [k, value] of Object.entries(converted.report)) totals[k as keyof DynatraceSeriesReport] += value;
        }
        const key = body.nextPageKey;
        next = undefined;
        if (typeof key === "string" && key !== "") {
          if (seenKeys.has(key)) {
            throw new DynatraceError(`dynatrace: the API returned nextPageKey ${quoteInput(key, 40)} a second time for ${q.metric} (after ${pages} pages); stopped instead of fetching the same pages forever`);
          }
          if (pages >= this.maxPages) throw new DynatraceError(`dynatrace: ${q.metric} still had more pages after ${this.maxPages} (maxPages); stopped; query a shorter range or raise maxPages`);
          seenKeys.add(key);
          next = new URLSearchParams({ nextPageKey: key });
        }
      }
      const points = totals.points - before.points - (totals.nulls - before.nulls) - (totals.outOfRange - before.outOfRange);
      if (points > 0 && totals.samples === before.samples) {
        throw new DynatraceError(`dynatrace: ${q.metric} answered ${points} data point(s) for service "${service}" and none could be used (${examples.slice(0, 2).join("; ") || "see the counts"}); refusing to report it as no data`);
      }
    }
    this.lastReport = totals;
    if (totals.nonNumeric + totals.missingDimension + totals.malformedSeries + totals.duplicates + totals.negative > 0) {
      this.deps.log.warn("dynatrace: skipped data points", { service, ...totals, examples });
    } else {
      this.deps.log.debug("dynatrace: fetched", { service, ...totals });
    }
    return samples;
  }

  /** One GET, retried on 429; resolves the checked Metrics API answer. */
  private async request(params: URLSearchParams, metric: string, totals: { requests: number; retries: number }): Promise<QueryResponse> {
    const url = `${this.config.baseUrl.replace(/\/+$/, "")}/api/v2/metrics/query?${params.toString()}`;
    const maxRetries = this.config.maxRetries ?? 5;
    const cap = this.config.maxRetryDelayMs ?? 60_000;
    for (let attempt = 0; ; attempt++) {
      totals.requests++;
      let res: Response;
      let text: string;
      try {
        res = await this.fetchFn(url, {
          headers: { Authorization: `Api-Token ${this.config.token}`, Accept: "application/json" },
          signal: AbortSignal.timeout(this.config.requestTimeoutMs ?? 60_000),
        });
        text = await res.text();
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : "";
        throw new DynatraceError(`dynatrace: request for ${metric} failed: ${thrownMessage(err)}${cause}`);
      }
      if (res.status === 429) {
        if (attempt >= maxRetries) throw new DynatraceError(`dynatrace: still rate-limited (HTTP 429) for ${metric} after ${maxRetries} retries`, 429);
        const wait = rateLimitWaitMs(res.headers.get("retry-after"), attempt, cap);
        this.deps.log.warn("dynatrace: rate-limited, backing off", { metric, attempt: attempt + 1, waitMs: wait });
        totals.retries++;
        await this.sleep(wait);
        continue;
      }
      if (!res.ok) {
        const message = errorMessage(text);
        if (res.status === 401 || res.status === 403) {
          throw new DynatraceError(`dynatrace: the API token was refused (HTTP ${res.status}${message ? `: ${message}` : ""}); it needs the metrics.read scope`, res.status);
        }
        throw new DynatraceError(`dynatrace: HTTP ${res.status} for ${metric}: ${message ?? quoteInput(text.replace(/\s+/g, " ").trim())}`, res.status);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw new DynatraceError(`dynatrace: the response for ${metric} is not valid JSON (${text.length} bytes, truncated?): ${thrownMessage(err)}`);
      }
      const checked = v.safeParse(QUERY_RESPONSE_SCHEMA, body, { abortPipeEarly: true });
      if (!checked.success) throw new DynatraceError(`dynatrace: the response for ${metric} is not a Metrics API v2 answer: ${describeIssues(checked.issues).join("; ")}`);
      return checked.output;
    }
  }
}

/** Replaces `{service}` with the service name, escaping `"` and `~` with `~` as Dynatrace selector strings require. */
export function fillService(template: string, service: string): string {
  return template.split("{service}").join(service.replace(/[~"]/g, (c) => `~${c}`));
}

/** The dimension keys the series carry, for the error when none has the container dimension. */
function dimensionsOf(series: readonly unknown[]): string {
  const keys = new Set<string>();
  for (const s of series) {
    const map = (s as { dimensionMap?: unknown } | null)?.dimensionMap;
    if (map && typeof map === "object") for (const k of Object.keys(map)) keys.add(k);
  }
  return keys.size === 0 ? "no dimensions" : [...keys].slice(0, 10).map((k) => quoteInput(k, 60)).join(", ");
}

function errorMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    return typeof body.error?.message === "string" ? body.error.message : undefined;
  } catch {
    return undefined;
  }
}
