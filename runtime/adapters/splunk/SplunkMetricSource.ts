import splunkjs from "splunk-sdk";
import type { Log, MetricSource, TimeRange } from "../../ports";
import type { MetricSample } from "../../types";
import { snippet, splunkMessages, SplunkError, toSplunkError } from "./splunkFailure";
import { splunkRowsToSamples, type SplunkRowReport } from "./splunkRowsToSamples";
import { buildSplunkSearch, validateSplunkSearchSpec, type SplunkSearchSpec } from "./splunkSearch";
import { createVerifyingSplunkHttp, type SplunkTlsOptions } from "./verifyingSplunkHttp";

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
 * lost to splunkd's per-request cap. Bad rows are skipped and counted (logged as one warning per fetch);
 * a failed login, search, job or unreadable page rejects the fetch with a SplunkError.
 */
export class SplunkMetricSource implements MetricSource {
  readonly name = "splunk";
  /** Report of the most recent successful fetch. */
  lastReport: SplunkFetchReport | undefined;
  private readonly service: splunkjs.Service;
  private ready: Promise<void> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

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
    const layer = createVerifyingSplunkHttp(config.tls ?? {}, deps.log, config.requestTimeoutMs ?? 60_000);
    const common = { scheme: url.scheme, host: url.host, port: url.port, app: config.app, owner: config.owner };
    this.service =
      config.auth.kind === "password"
        ? new splunkjs.Service(layer, { ...common, username: config.auth.username, password: config.auth.password })
        : new splunkjs.Service(layer, { ...common, sessionKey: config.auth.token, authorization: "Bearer", version: config.version });
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
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
    const props = await this.waitForJob(job, service);
    const resultCount = Number(props.resultCount);
    if (!Number.isInteger(resultCount) || resultCount < 0) throw new SplunkError(`splunk: job ${job.sid} finished without a valid resultCount (${JSON.stringify(props.resultCount)})`);
    const { rows, pages } = await this.readAllResults(job, resultCount);
    await job.cancel().catch((err: unknown) => this.deps.log.warn("splunk: could not release the finished search job", { sid: job.sid, error: toSplunkError(err, "cancel").message }));

    const conversion = splunkRowsToSamples(rows, this.config.search, service, range);
    const report: SplunkFetchReport = { ...conversion.report, sid: job.sid, resultCount, pages, endpoints: this.endpoints() };
    this.lastReport = report;
    const skipped = report.badTime + report.missingContainer + report.outOfRange + report.nonNumeric + report.duplicates;
    if (skipped > 0 || report.outOfOrder > 0) {
      this.deps.log.warn("splunk: skipped or repaired result rows", { service, ...report, examples: conversion.examples });
    } else {
      this.deps.log.debug("splunk: fetched", { service, ...report });
    }
    return conversion.samples;
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
      if (typeof props !== "object" || props === null || !("dispatchState" in props)) {
        throw new SplunkError(`splunk: job ${job.sid} status is not a Splunk job entry (got ${describeBody(props)})`);
      }
      const state = String(props.dispatchState);
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
  if (data && typeof data === "object" && "results" in data && Array.isArray(data.results)) {
    return data.results.filter((r): r is Record<string, unknown> => typeof r === "object" && r !== null);
  }
  const messages = splunkMessages(data);
  if (messages) throw new SplunkError(`${what}: Splunk answered with an error instead of results: ${messages}`);
  throw new SplunkError(`${what}: expected JSON with a "results" array, got ${describeBody(data)}`);
}

function describeBody(data: unknown): string {
  if (typeof data === "string") return `text ${snippet(data)}`;
  return snippet(JSON.stringify(data) ?? String(data));
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
