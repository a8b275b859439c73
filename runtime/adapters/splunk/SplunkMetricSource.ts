import type splunkjs from "splunk-sdk";
import * as v from "valibot";
import { describeIssues } from "../../errors/parseWithSchema";
import { quoteInput } from "../../errors/quoteInput";
import { splunkSdk } from "./splunkSdk";
import type { Log, MetricSource, TimeRange } from "../../ports";
import type { MetricSample } from "../../types";
import { snippet, splunkMessages, SplunkError, toSplunkError } from "./splunkFailure";
import { splunkRowsToSamples, type SplunkRowReport } from "./splunkRowsToSamples";
import { buildSplunkSearch, metricAlias, validateSplunkSearchSpec, type SplunkSearchSpec } from "./splunkSearch";
import { createVerifyingSplunkHttp, type SplunkHttpAnswer, type SplunkTlsOptions } from "./verifyingSplunkHttp";

/** A search id as splunkd hands them out (`1764032400.123`, `scheduler__admin__search__RMD5…`, `loopback.1`). */
const SID_SCHEMA = v.pipe(v.string(), v.regex(/^[\w.:@-]{1,200}$/, "expected a search id"));

/** The `content` of a job entry, as far as the fetch relies on it. */
const JOB_STATUS_SCHEMA = v.looseObject({
  dispatchState: v.string(),
  isDone: v.optional(v.boolean()),
  isFailed: v.optional(v.boolean()),
});

/** A page of `output_mode=json` results. */
const RESULTS_PAGE_SCHEMA = v.looseObject({ results: v.array(v.unknown()) });

/** How to authenticate: a user (session key from /services/auth/login) or an authentication token (Bearer). */
export type SplunkAuth =
  | { readonly kind: "password"; readonly username: string; readonly password: string }
  | { readonly kind: "token"; readonly token: string };

export interface SplunkMetricSourceConfig {
  /** Management port URL, e.g. `https://splunk.example.com:8089`. */
  readonly url: string;
  readonly auth: SplunkAuth;
  /**
   * Splunk version, which picks the search endpoints (v2 from 9.0.2, v1 before). With password auth the
   * version is read from server/info at login and this is ignored; with a token, unset means "ask server/info".
   */
  readonly version?: string;
  /** App namespace for the search (`/servicesNS/<owner>/<app>/…`); default: `/services/…`. */
  readonly app?: string;
  readonly owner?: string;
  readonly search: SplunkSearchSpec;
  readonly tls?: SplunkTlsOptions;
  /** Rows per results request (`count`), default 10000. Pages continue until the job's resultCount is read. */
  readonly pageSize?: number;
  /** Wait between job status polls, ms, default 1000. */
  readonly pollIntervalMs?: number;
  /** Give up (and cancel the job) when it is not done after this many ms, default 300000. */
  readonly jobTimeoutMs?: number;
  /** Per-request timeout, ms, default 60000. */
  readonly requestTimeoutMs?: number;
  /** HTTP 429 answers retried (after Retry-After, or 1 s doubling), default 5. */
  readonly maxRetries?: number;
  /** Longest wait honoured from a Retry-After (and the back-off cap), ms, default 60000. */
  readonly maxRetryDelayMs?: number;
  /**
   * Our metric names whose values cannot be negative (every role but "other"): a negative value of one of them
   * is skipped and counted (`negative`), not used.
   */
  readonly nonNegativeMetrics?: readonly string[];
}

export interface SplunkMetricSourceDeps {
  readonly log: Log;
  /** Injected so tests control time; default: real timers. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
}

/** What the last fetch did, for the CLI and tests. */
export interface SplunkFetchReport extends SplunkRowReport {
  readonly sid: string;
  readonly resultCount: number;
  readonly pages: number;
  readonly endpoints: "v1" | "v2";
}

/**
 * MetricSource over Splunk's REST API with splunk-sdk: one search job per fetch, polled until done (with a
 * timeout), results read page by page with count/offset until the job's resultCount is reached, so no row is
 * lost to splunkd's per-request cap. HTTP 429 is retried with back-off and Retry-After. Bad rows are skipped and
 * counted (logged as one warning per fetch).
 *
 * Rejects with a SplunkError: a failed login, search, job or unreadable page; a job creation answered without a
 * search id (an HTML page from Splunk Web or a proxy: the status and the start of the body are quoted); result
 * rows none of which has the requested metric fields (or `_time`, or the container fields), naming the fields
 * expected and the fields seen; rows none of which could be used. An empty result therefore always means that
 * Splunk positively had no data for the window (a finished search with 0 results), never that rows were dropped.
 */
export class SplunkMetricSource implements MetricSource {
  readonly name = "splunk";
  /** Report of the most recent successful fetch. */
  lastReport: SplunkFetchReport | undefined;
  private readonly service: splunkjs.Service;
  private ready: Promise<void> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  /** The answer to the last job-creation POST: quoted when it did not create a job. */
  private lastJobCreation: SplunkHttpAnswer | undefined;

  constructor(
    private readonly config: SplunkMetricSourceConfig,
    private readonly deps: SplunkMetricSourceDeps,
  ) {
    validateSplunkSearchSpec(config.search, "splunk config: search");
    const url = parseManagementUrl(config.url);
    for (const [name, value] of [["pageSize", config.pageSize], ["pollIntervalMs", config.pollIntervalMs], ["jobTimeoutMs", config.jobTimeoutMs], ["requestTimeoutMs", config.requestTimeoutMs]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value <= 0)) throw new Error(`splunk config: "${name}" must be a positive integer, got ${String(value)}`);
    }
    if (config.auth.kind === "password" && (!config.auth.username || !config.auth.password)) throw new Error("splunk config: password auth needs a username and a password");
    if (config.auth.kind === "token" && !config.auth.token) throw new Error("splunk config: token auth needs a token");
    if (url.scheme === "http" && !["127.0.0.1", "localhost", "::1", "[::1]"].includes(url.host)) {
      deps.log.warn("splunk: the URL is plain http; credentials and data cross the network unencrypted", { url: config.url });
    }
    if (config.tls?.insecureSkipVerify && process.env.AWS_LAMBDA_FUNCTION_NAME) {
      // Defence in depth: the Lambda wiring never asks for it, and nothing in a function's environment may.
      throw new Error("splunk config: skipping TLS certificate verification is refused inside AWS Lambda; configure the CA bundle that signed splunkd's certificate");
    }
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const layer = createVerifyingSplunkHttp(config.tls ?? {}, deps.log, {
      requestTimeoutMs: config.requestTimeoutMs ?? 60_000,
      maxRetries: config.maxRetries,
      maxRetryDelayMs: config.maxRetryDelayMs,
      sleep: (ms) => this.sleep(ms),
      onAnswer: (answer) => {
        if (answer.method === "POST" && /\/search\/(v2\/)?jobs\/?$/.test(new URL(answer.url).pathname)) this.lastJobCreation = answer;
      },
    });
    const common = { scheme: url.scheme, host: url.host, port: url.port, app: config.app, owner: config.owner };
    this.service =
      config.auth.kind === "password"
        ? new splunkSdk.Service(layer, { ...common, username: config.auth.username, password: config.auth.password })
        : new splunkSdk.Service(layer, { ...common, sessionKey: config.auth.token, authorization: "Bearer", version: config.version });
    this.now = deps.now ?? Date.now;
  }

  async fetch(service: string, range: TimeRange): Promise<MetricSample[]> {
    if (!(range.from < range.to)) throw new Error(`splunk: empty time range [${range.from}, ${range.to})`);
    await this.connect();
    const spl = buildSplunkSearch(this.config.search, service);
    const job = await this.service
      .search(spl, { earliest_time: String(range.from / 1000), latest_time: String(range.to / 1000), exec_mode: "normal" })
      .catch((err: unknown) => {
        throw toSplunkError(err, `splunk: creating the search job for service "${service}" failed`);
      });
    if (!v.is(SID_SCHEMA, job.sid)) throw new SplunkError(this.jobNotCreated(service));
    const props = await this.waitForJob(job, service);
    const resultCount = Number(props.resultCount);
    if (!Number.isInteger(resultCount) || resultCount < 0) throw new SplunkError(`splunk: job ${job.sid} finished without a valid resultCount (${JSON.stringify(props.resultCount)})`);
    const { rows, pages } = await this.readAllResults(job, resultCount);
    await job.cancel().catch((err: unknown) => this.deps.log.warn("splunk: could not release the finished search job", { sid: job.sid, error: toSplunkError(err, "cancel").message }));

    this.checkFields(rows, job.sid, service);
    const conversion = splunkRowsToSamples(rows, this.config.search, service, range, this.config.nonNegativeMetrics);
    const report: SplunkFetchReport = { ...conversion.report, sid: job.sid, resultCount, pages, endpoints: this.endpoints() };
    this.lastReport = report;
    const skipped = report.badTime + report.missingContainer + report.outOfRange + report.nonNumeric + report.duplicates + report.negative;
    const unusable = report.badTime + report.missingContainer + report.outOfRange + report.nonNumeric + report.negative;
    if (rows.length > 0 && conversion.samples.length === 0 && unusable > 0) {
      throw new SplunkError(`splunk: job ${job.sid} for service "${service}" returned ${rows.length} row(s) and none could be used (${conversion.examples.slice(0, 2).join("; ")}); refusing to report it as no data`);
    }
    if (skipped > 0 || report.outOfOrder > 0) {
      this.deps.log.warn("splunk: skipped or repaired result rows", { service, ...report, examples: conversion.examples });
    } else {
      this.deps.log.debug("splunk: fetched", { service, ...report });
    }
    return conversion.samples;
  }

  /** What to say when job creation answered without a search id: the status and the start of what came back. */
  private jobNotCreated(service: string): string {
    const a = this.lastJobCreation;
    if (!a) return `splunk: the search job for service "${service}" was not created: the answer held no search id`;
    const html = /html/i.test(a.contentType) || /^\s*<(!doctype|html)/i.test(a.bodyStart);
    return (
      `splunk: the search job for service "${service}" was not created: POST ${new URL(a.url).pathname} answered HTTP ${a.status} (${a.contentType || "no content type"}) without a search id, starting ${snippet(a.bodyStart, 80)}` +
      (html ? `; an HTML page usually means the URL is Splunk Web (port 8000) or a proxy, not splunkd's management port (8089): check ${this.config.url}` : "")
    );
  }

  /**
   * Rows that lack what the search asked for in every row are a wrong search or index, not data: refuse them,
   * naming the fields expected and those seen. A metric absent from every row (no data for it) is only warned about.
   */
  private checkFields(rows: readonly Record<string, unknown>[], sid: string, service: string): void {
    if (rows.length === 0) return;
    const has = (field: string): boolean => rows.some((r) => r[field] !== undefined && r[field] !== null);
    const spec = this.config.search;
    const aliases = spec.metrics.map((m, i) => ({ alias: metricAlias(i), metric: m }));
    const seen = (): string => {
      const fields = fieldsOf(rows);
      return `${fields.slice(0, 15).map((f) => quoteInput(f, 40)).join(", ")}${fields.length > 15 ? `, … (${fields.length} fields)` : ""}`;
    };
    const missing: string[] = [];
    if (!has("_time")) missing.push("_time");
    for (const f of spec.containerFields) if (!has(f)) missing.push(f);
    const absent = aliases.filter((a) => !has(a.alias));
    if (absent.length === aliases.length) missing.push(...aliases.map((a) => `${a.alias} (${a.metric})`));
    if (missing.length > 0) {
      throw new SplunkError(
        `splunk: none of the ${rows.length} result row(s) of job ${sid} for service "${service}" has the field(s) ${missing.join(", ")}; the rows have: ${seen()}. ` +
          "The search must return _time, the container fields and the metrics as m0, m1, … (does a custom search or macro rename or drop them?)",
      );
    }
    if (absent.length > 0) this.deps.log.warn("splunk: metrics without a value in any row of the window", { service, sid, metrics: absent.map((a) => a.metric) });
  }

  /** "v2" when the (detected) version is 9.0.2 or later: the SDK then uses /search/v2/jobs and POST results. */
  private endpoints(): "v1" | "v2" {
    const v = this.service.version === "default" || !this.service.version ? "5.0" : this.service.version;
    const [a, b, c] = v.split(".").map((x) => parseInt(x, 10) || 0);
    return a > 9 || (a === 9 && (b > 0 || (c ?? 0) >= 2)) ? "v2" : "v1";
  }

  /** Logs in (password) or reads the version (token without a configured version), once. */
  private connect(): Promise<void> {
    if (!this.ready) {
      const auth = this.config.auth;
      const step =
        auth.kind === "password"
          ? this.service.login().catch((err: unknown) => {
              throw toSplunkError(err, `splunk: login as "${auth.username}" at ${this.config.url} failed`);
            })
          : this.config.version
            ? Promise.resolve()
            : this.service.getInfo().catch((err: unknown) => {
                throw toSplunkError(err, `splunk: reading server/info at ${this.config.url} with the token failed`);
              });
      this.ready = step.then(
        () => undefined,
        (err: unknown) => {
          this.ready = undefined; // let the next fetch try again
          throw err;
        },
      );
    }
    return this.ready;
  }

  private async waitForJob(job: splunkjs.Job, service: string): Promise<Record<string, unknown>> {
    const timeoutMs = this.config.jobTimeoutMs ?? 300_000;
    const started = this.now();
    for (;;) {
      const fetched = await job.fetch().catch((err: unknown) => {
        throw toSplunkError(err, `splunk: reading the status of job ${job.sid} failed`);
      });
      const props = fetched.properties();
      const status = v.safeParse(JOB_STATUS_SCHEMA, props);
      if (!status.success) {
        throw new SplunkError(`splunk: job ${job.sid} status is not a Splunk job entry: ${describeIssues(status.issues).join("; ")} (got ${describeBody(props)})`);
      }
      const state = status.output.dispatchState;
      if (state === "FAILED" || props.isFailed === true) {
        throw new SplunkError(`splunk: search job ${job.sid} for service "${service}" failed: ${splunkMessages(props) ?? "no message"}`);
      }
      if (state === "DONE" && props.isDone === true) return props;
      const waited = this.now() - started;
      if (waited >= timeoutMs) {
        await job.cancel().catch(() => undefined);
        throw new SplunkError(`splunk: search job ${job.sid} for service "${service}" did not finish within ${timeoutMs} ms (last state ${state}); it was cancelled`);
      }
      await this.sleep(this.config.pollIntervalMs ?? 1000);
    }
  }

  private async readAllResults(job: splunkjs.Job, resultCount: number): Promise<{ rows: Record<string, unknown>[]; pages: number }> {
    const pageSize = this.config.pageSize ?? 10_000;
    const rows: Record<string, unknown>[] = [];
    let pages = 0;
    while (rows.length < resultCount) {
      const offset = rows.length;
      const [data] = await job.results({ count: pageSize, offset, output_mode: "json" }).catch((err: unknown) => {
        throw toSplunkError(err, `splunk: reading results of job ${job.sid} at offset ${offset} failed`);
      });
      pages++;
      const page = resultRows(data, `splunk: results of job ${job.sid} at offset ${offset}`);
      if (page.length === 0) break;
      rows.push(...page);
    }
    if (rows.length !== resultCount) {
      throw new SplunkError(`splunk: job ${job.sid} reported ${resultCount} results but ${rows.length} could be read; refusing a partial result`);
    }
    return { rows, pages };
  }
}

/** The `results` array of a JSON results reply; throws for an error message, HTML or any other shape. */
function resultRows(data: unknown, what: string): Record<string, unknown>[] {
  const page = v.safeParse(RESULTS_PAGE_SCHEMA, data);
  if (page.success) return page.output.results.filter((r): r is Record<string, unknown> => typeof r === "object" && r !== null && !Array.isArray(r));
  const messages = splunkMessages(data);
  if (messages) throw new SplunkError(`${what}: Splunk answered with an error instead of results: ${messages}`);
  throw new SplunkError(`${what}: expected JSON with a "results" array, got ${describeBody(data)}`);
}

function describeBody(data: unknown): string {
  if (typeof data === "string") return `text ${snippet(data)}`;
  return snippet(JSON.stringify(data) ?? String(data));
}

/** Field names over all rows, in first-seen order. */
function fieldsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function parseManagementUrl(text: string): { scheme: "http" | "https"; host: string; port: number } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`splunk config: "url" is not a URL: "${text}" (expected e.g. https://splunk.example.com:8089)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`splunk config: "url" must be http(s), got "${text}"`);
  const scheme = url.protocol === "https:" ? "https" : "http";
  return { scheme, host: url.hostname, port: url.port ? Number(url.port) : 8089 };
}
