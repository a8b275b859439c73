import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SplunkError } from "../../../runtime/adapters/splunk/splunkFailure";
import { SplunkMetricSource, type SplunkMetricSourceConfig } from "../../../runtime/adapters/splunk/SplunkMetricSource";
import type { SplunkSearchSpec } from "../../../runtime/adapters/splunk/splunkSearch";
import type { MetricSample } from "../../../runtime/types";
import { RecordingLog } from "../../helpers/recordingLog";
import { containerIdsOf, generatedValue, type GeneratedFleet } from "../../servers/containerMetricsGenerator";
import { startLoopbackServer } from "../../servers/loopbackServer";
import { startSplunkServer, type SplunkServer, type SplunkServerOptions } from "../../servers/splunkServer";

const FLEET: GeneratedFleet = { seed: 42, services: ["checkout", "search"], containersPerService: 3 };
const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const RANGE = { from: T0, to: T0 + 20 * 60_000 };
const METRICS = ["container.cpu.utilization", "container.memory.usage.total", "container.network.io.usage.rx_bytes"];
const SEARCH: SplunkSearchSpec = { kind: "mstats", index: "otel_metrics", metrics: METRICS, serviceField: "aws.ecs.service.name", containerFields: ["container.id"], stepSeconds: 60 };
const TLS_DIR = join(__dirname, "../../fixtures/tls");

const servers: SplunkServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Partial<SplunkServerOptions> = {}): Promise<SplunkServer> {
  const server = await startSplunkServer({ fleet: FLEET, username: "admin", password: "changeme", ...options });
  servers.push(server);
  return server;
}

/** A source with a fake clock: `sleep` advances it instead of waiting. */
function source(server: SplunkServer, overrides: Partial<SplunkMetricSourceConfig> = {}, log = new RecordingLog()): { src: SplunkMetricSource; log: RecordingLog; slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  const src = new SplunkMetricSource(
    { url: server.url, auth: { kind: "password", username: "admin", password: "changeme" }, search: SEARCH, pageSize: 25, pollIntervalMs: 500, jobTimeoutMs: 10_000, ...overrides },
    {
      log,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    },
  );
  return { src, log, slept };
}

/** What the generator says Splunk holds for `service` in RANGE, sorted like the source sorts. */
function truth(service: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const container of containerIdsOf(FLEET, service).sort()) {
    for (const metric of [...METRICS].sort()) {
      for (let t = RANGE.from; t < RANGE.to; t += 60_000) out.push({ service, container, metric, timestamp: t, value: generatedValue(FLEET, service, container, metric, t), source: "splunk" });
    }
  }
  return out;
}

async function failure(promise: Promise<unknown>): Promise<SplunkError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SplunkError)) throw new Error(`expected a SplunkError, got ${String(err)}`);
  return err;
}

describe("SplunkMetricSource against the loopback splunkd", () => {
  it("logs in, uses the v2 search API on Splunk 9, and pages past splunkd's row cap without losing a row", async () => {
    const server = await serve({ version: "9.1.2", maxResultRows: 10 });
    const { src } = source(server);
    const samples = await src.fetch("checkout", RANGE);

    expect(samples).toEqual(truth("checkout"));
    expect(server.searches).toEqual([
      '| mstats avg(container.cpu.utilization) AS m0 avg(container.memory.usage.total) AS m1 avg(container.network.io.usage.rx_bytes) AS m2 WHERE index="otel_metrics" AND aws.ecs.service.name="checkout" BY container.id span=60s',
    ]);
    const results = server.requests.filter((r) => r.path.endsWith("/results"));
    expect(results.every((r) => r.method === "POST" && r.path.startsWith("/services/search/v2/jobs/"))).toBe(true);
    // 60 rows, cap 10 per request: offsets 0, 10, … 50.
    expect(results.map((r) => r.params.offset)).toEqual(["0", "10", "20", "30", "40", "50"]);
    expect(results.every((r) => r.params.count === "25" && r.params.output_mode === "json")).toBe(true);
    expect(src.lastReport).toMatchObject({ rows: 60, samples: 180, resultCount: 60, pages: 6, endpoints: "v2", nonNumeric: 0, duplicates: 0 });
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/services/auth/login" });
    expect(server.requests[1]).toMatchObject({ method: "GET", path: "/services/server/info" });
    const jobCreate = server.requests.find((r) => r.path === "/services/search/v2/jobs");
    expect(jobCreate?.params).toMatchObject({ earliest_time: String(RANGE.from / 1000), latest_time: String(RANGE.to / 1000), exec_mode: "normal" });
  });

  it("uses the v1 endpoints (GET results) on Splunk 8", async () => {
    const server = await serve({ version: "8.2.12" });
    const { src } = source(server);
    expect(await src.fetch("checkout", RANGE)).toEqual(truth("checkout"));
    const results = server.requests.filter((r) => r.path.endsWith("/results"));
    expect(results.length).toBeGreaterThan(1);
    expect(results.every((r) => r.method === "GET" && r.path.startsWith("/services/search/jobs/"))).toBe(true);
    expect(server.requests.some((r) => r.path.includes("/v2/"))).toBe(false);
    expect(src.lastReport?.endpoints).toBe("v1");
  });

  it("searches in an app namespace when app and owner are configured", async () => {
    const server = await serve();
    const { src } = source(server, { app: "search", owner: "nobody" });
    expect(await src.fetch("checkout", RANGE)).toEqual(truth("checkout"));
    expect(server.requests.filter((r) => r.path.includes("/jobs")).every((r) => r.path.startsWith("/servicesNS/nobody/search/search/v2/jobs"))).toBe(true);
  });

  it("authenticates with a Bearer token without logging in, and reads the version from server/info when not configured", async () => {
    const server = await serve({ tokens: ["tok-123"] });
    const { src } = source(server, { auth: { kind: "token", token: "tok-123" } });
    expect(await src.fetch("search", RANGE)).toEqual(truth("search"));
    expect(server.requests.some((r) => r.path === "/services/auth/login")).toBe(false);
    expect(server.requests[0].path).toBe("/services/server/info");
    expect(src.lastReport?.endpoints).toBe("v2");

    const pinned = await serve({ tokens: ["tok-123"] });
    const { src: src2 } = source(pinned, { auth: { kind: "token", token: "tok-123" }, version: "8.1" });
    await src2.fetch("search", RANGE);
    expect(pinned.requests[0].path).toBe("/services/search/jobs");
  });

  it("logs in again when the session expires (401) and still reads every row", async () => {
    const server = await serve({ maxResultRows: 10, faults: { sessionExpiresAfter: 3 } });
    const { src } = source(server);
    expect(await src.fetch("checkout", RANGE)).toEqual(truth("checkout"));
    expect(server.requests.filter((r) => r.path === "/services/auth/login").length).toBeGreaterThan(2);
  });

  it("runs the event-index (bin + stats) search and joins several container fields into the container id", async () => {
    const server = await serve({ containerField: "container.name" });
    const { src } = source(server, { search: { ...SEARCH, kind: "events", index: "ecs_events", containerFields: ["aws.ecs.task.id", "container.name"] } });
    const samples = await src.fetch("checkout", RANGE);
    expect(server.searches[0]).toMatch(/^search index="ecs_events" aws.ecs.service.name="checkout" \| bin _time span=60s \| stats avg\(container.cpu.utilization\) AS m0 .* BY _time aws.ecs.task.id container.name$/);
    expect(samples).toHaveLength(180);
    expect(new Set(samples.map((s) => s.container))).toEqual(new Set(containerIdsOf(FLEET, "checkout").map((c) => `aws.ecs.task.id-value/${c}`)));
  });

  describe("bad rows are skipped, counted and logged, never silently lost and never a crash", () => {
    it("non-numeric values", async () => {
      const server = await serve({ faults: { nonNumericEvery: 7 } });
      const { src, log } = source(server);
      const samples = await src.fetch("checkout", RANGE);
      expect(src.lastReport?.nonNumeric).toBe(8);
      expect(samples).toHaveLength(180 - 8);
      const warning = log.find("warn", "skipped or repaired result rows")[0];
      expect(warning.fields).toMatchObject({ service: "checkout", nonNumeric: 8 });
      expect(String((warning.fields.examples as string[])[0])).toMatch(/is "n\/a", not a number/);
    });

    it("missing metric, time and container fields", async () => {
      const server = await serve({ faults: { missingMetricEvery: 10, missingTimeEvery: 15, missingContainerEvery: 20 } });
      const { src, log } = source(server);
      const samples = await src.fetch("checkout", RANGE);
      const r = src.lastReport;
      // Rows 15, 30, 45, 60 lack _time; 20, 40, 60 lack the container: row 60 counts once, as bad time.
      expect(r).toMatchObject({ rows: 60, badTime: 4, missingContainer: 2 });
      expect(r?.missingValue).toBeGreaterThan(0);
      expect(samples.length).toBe(180 - 3 * (r?.badTime ?? 0) - 3 * (r?.missingContainer ?? 0) - (r?.missingValue ?? 0));
      expect(log.find("warn", "skipped")).toHaveLength(1);
    });

    it("duplicate rows are kept once", async () => {
      const server = await serve({ faults: { duplicateEvery: 4 } });
      const { src } = source(server);
      expect(await src.fetch("checkout", RANGE)).toEqual(truth("checkout"));
      expect(src.lastReport).toMatchObject({ rows: 75, duplicates: 45, conflictingDuplicates: 0 });
    });

    it("rows out of order are sorted, not dropped", async () => {
      const server = await serve({ faults: { shuffle: true } });
      const { src } = source(server);
      expect(await src.fetch("checkout", RANGE)).toEqual(truth("checkout"));
      expect(src.lastReport?.outOfOrder).toBeGreaterThan(0);
    });
  });

  describe("hard failures reject with a SplunkError that says what failed", () => {
    it("a wrong password", async () => {
      const server = await serve();
      const { src } = source(server, { auth: { kind: "password", username: "admin", password: "wrong" } });
      const err = await failure(src.fetch("checkout", RANGE));
      expect(err.message).toBe(`splunk: login as "admin" at ${server.url} failed: authentication failed (HTTP 401): WARN: Login failed`);
      expect(err.status).toBe(401);
    });

    it("a bad token", async () => {
      const server = await serve({ tokens: ["good"] });
      const { src } = source(server, { auth: { kind: "token", token: "bad" }, version: "9.1" });
      const err = await failure(src.fetch("checkout", RANGE));
      expect(err.message).toMatch(/^splunk: creating the search job for service "checkout" failed: authentication failed \(HTTP 401\): WARN: call not properly authenticated$/);
    });

    it("an error message instead of results", async () => {
      const server = await serve({ faults: { resultsError: "Search auto-canceled" } });
      const err = await failure(source(server).src.fetch("checkout", RANGE));
      expect(err.message).toMatch(/^splunk: results of job loopback\.\d+ at offset 0: Splunk answered with an error instead of results: FATAL: Search auto-canceled$/);
    });

    it("an SPL error at job creation", async () => {
      const server = await serve({ faults: { createError: "Error in 'mstats' command: unknown index" } });
      const err = await failure(source(server).src.fetch("checkout", RANGE));
      expect(err.message).toBe(`splunk: creating the search job for service "checkout" failed: HTTP 400: FATAL: Error in 'mstats' command: unknown index`);
    });

    it("a job that fails", async () => {
      const server = await serve({ faults: { jobFails: "Search process did not exit cleanly" } });
      const err = await failure(source(server).src.fetch("checkout", RANGE));
      expect(err.message).toMatch(/^splunk: search job loopback\.\d+ for service "checkout" failed: FATAL: Search process did not exit cleanly$/);
    });

    it("a job that never finishes times out and is cancelled", async () => {
      const server = await serve({ faults: { jobNeverFinishes: true } });
      const { src, slept } = source(server);
      const err = await failure(src.fetch("checkout", RANGE));
      expect(err.message).toMatch(/^splunk: search job loopback\.\d+ for service "checkout" did not finish within 10000 ms \(last state RUNNING\); it was cancelled$/);
      expect(slept).toHaveLength(20);
      expect(server.requests.at(-1)).toMatchObject({ method: "POST", params: { action: "cancel" } });
    });

    it("HTML instead of JSON, on results, on job status and on login", async () => {
      const onResults = await serve({ faults: { htmlOn: "results" } });
      expect((await failure(source(onResults).src.fetch("checkout", RANGE))).message).toMatch(
        /at offset 0: expected JSON with a "results" array, got text "<html><body><h1>Splunk is restarting<\/h1><\/body><\/html>"$/,
      );
      const onJob = await serve({ faults: { htmlOn: "job" } });
      expect((await failure(source(onJob).src.fetch("checkout", RANGE))).message).toMatch(/^splunk: job loopback\.\d+ status is not a Splunk job entry/);
      const onLogin = await serve({ faults: { htmlOn: "login" } });
      expect((await failure(source(onLogin).src.fetch("checkout", RANGE))).message).toBe(`splunk: login as "admin" at ${onLogin.url} failed: No session key available`);
    });

    it("job creation answered with an HTML page: says the job was not created, with the status and the start of the body", async () => {
      const server = await serve({ faults: { htmlOn: "create" } });
      const err = await failure(source(server).src.fetch("checkout", RANGE));
      expect(err.message).toBe(
        'splunk: the search job for service "checkout" was not created: POST /services/search/v2/jobs/ answered HTTP 200 (text/html) without a search id, starting "<html><body><h1>Splunk is restarting</h1></body></html>"; ' +
          `an HTML page usually means the URL is Splunk Web (port 8000) or a proxy, not splunkd's management port (8089): check ${server.url}`,
      );
      expect(server.requests.some((r) => /jobs\/undefined/.test(r.path))).toBe(false);
    });

    it("rows without the requested metric fields: an error naming the fields expected and the fields seen, not 0 samples", async () => {
      const server = await serve({ faults: { otherColumns: true } });
      const err = await failure(source(server).src.fetch("checkout", RANGE));
      expect(err.message).toMatch(
        /^splunk: none of the 60 result row\(s\) of job loopback\.\d+ for service "checkout" has the field\(s\) m0 \(container\.cpu\.utilization\), m1 \(container\.memory\.usage\.total\), m2 \(container\.network\.io\.usage\.rx_bytes\); the rows have: "_time", "container\.id", "avg\(container\.cpu\.utilization\)", "avg\(container\.memory\.usage\.total\)", "avg\(container\.network\.io\.usage\.rx_bytes\)"\. The search must return _time, the container fields and the metrics as m0, m1, …/,
      );
    });

    it("rows none of which can be used (every value negative where it cannot be) are an error, not an empty window", async () => {
      const server = await serve({ faults: { negativeEvery: 1 } });
      const err = await failure(source(server, { nonNegativeMetrics: METRICS }).src.fetch("checkout", RANGE));
      expect(err.message).toMatch(/^splunk: job loopback\.\d+ for service "checkout" returned 60 row\(s\) and none could be used \(row 0: container\.cpu\.utilization of [\w-]+ is -[\d.]+, but container\.cpu\.utilization cannot be negative; /);
    });

    it("negative values of metrics that cannot be negative are skipped and counted", async () => {
      const server = await serve({ faults: { negativeEvery: 6 } });
      const { src, log } = source(server, { nonNegativeMetrics: ["container.memory.usage.total"] });
      const samples = await src.fetch("checkout", RANGE);
      expect(src.lastReport).toMatchObject({ rows: 60, negative: 10 });
      expect(samples).toHaveLength(180 - 10);
      expect(log.find("warn", "skipped or repaired result rows")[0].fields).toMatchObject({ negative: 10 });
    });

    it("a finished search with no rows is positively no data: an empty result, no error", async () => {
      const server = await serve();
      const { src } = source(server);
      expect(await src.fetch("unknown-service", RANGE)).toEqual([]);
      expect(src.lastReport).toMatchObject({ rows: 0, resultCount: 0 });
    });

    it("HTTP 429 is retried after Retry-After (or with back-off), then the fetch succeeds", async () => {
      const server = await serve({ faults: { rateLimitFirst: 3, retryAfterSeconds: 2 } });
      const { src, slept, log } = source(server);
      expect(await src.fetch("checkout", RANGE)).toEqual(truth("checkout"));
      expect(slept.slice(0, 3)).toEqual([2000, 2000, 2000]);
      expect(log.find("warn", "rate-limited (HTTP 429), backing off")).toHaveLength(3);
      const storm = await serve({ faults: { rateLimitFirst: 100 } });
      const stormy = source(storm, { maxRetries: 3, maxRetryDelayMs: 3000 });
      const err = await failure(stormy.src.fetch("checkout", RANGE));
      expect(stormy.slept).toEqual([1000, 2000, 3000]);
      expect(err.message).toBe(`splunk: login as "admin" at ${storm.url} failed: HTTP 429: ERROR: Too many requests`);
    });

    it("fewer rows readable than the job reported", async () => {
      const server = await serve({ faults: { underServeRows: 5 } });
      const err = await failure(source(server).src.fetch("checkout", RANGE));
      expect(err.message).toMatch(/^splunk: job loopback\.\d+ reported 60 results but 55 could be read; refusing a partial result$/);
    });

    it("an unreachable server, and one that never answers", async () => {
      const server = await serve();
      const url = server.url;
      await server.close();
      servers.splice(0);
      const down = source({ url } as SplunkServer).src;
      expect((await failure(down.fetch("checkout", RANGE))).message).toMatch(/^splunk: login as "admin" at http:\/\/127\.0\.0\.1:\d+ failed: request failed: ECONNREFUSED: /);

      const silent = await startLoopbackServer(() => new Promise<never>(() => undefined));
      try {
        const err = await failure(source({ url: silent.url } as SplunkServer, { requestTimeoutMs: 50 }).src.fetch("checkout", RANGE));
        expect(err.message).toMatch(/failed: request failed: ETIMEDOUT: no response within 50 ms$/);
      } finally {
        await silent.close();
      }
    });

    it("invalid configuration, before any request", () => {
      expect(() => new SplunkMetricSource({ url: "splunk:8089", auth: { kind: "token", token: "t" }, search: SEARCH }, { log: new RecordingLog() })).toThrow(
        'splunk config: "url" must be http(s), got "splunk:8089"',
      );
      expect(() => new SplunkMetricSource({ url: "https://s:8089", auth: { kind: "token", token: "t" }, search: SEARCH, pageSize: 0 }, { log: new RecordingLog() })).toThrow(
        'splunk config: "pageSize" must be a positive integer, got 0',
      );
    });
  });

  describe("TLS: certificates are verified, unlike splunk-sdk's own HTTP layer", () => {
    const tls = { key: readFileSync(join(TLS_DIR, "server.key")), cert: readFileSync(join(TLS_DIR, "server.crt")) };

    it("rejects a self-signed server by default", async () => {
      const server = await serve({ tls });
      expect(server.url).toMatch(/^https:/);
      const err = await failure(source(server).src.fetch("checkout", RANGE));
      expect(err.message).toMatch(/failed: the server's TLS certificate was rejected \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY): .*Configure the CA bundle/);
      expect(server.requests).toHaveLength(0);
    });

    it("accepts it with its CA configured", async () => {
      const server = await serve({ tls });
      const { src, log } = source(server, { tls: { caPem: readFileSync(join(TLS_DIR, "ca.crt"), "utf8") } });
      expect(await src.fetch("checkout", RANGE)).toEqual(truth("checkout"));
      expect(log.find("warn", "TLS")).toHaveLength(0);
    });

    it("refuses the opt-out inside AWS Lambda", () => {
      const before = process.env.AWS_LAMBDA_FUNCTION_NAME;
      process.env.AWS_LAMBDA_FUNCTION_NAME = "cad-dev-collect";
      try {
        expect(() => new SplunkMetricSource({ url: "https://s:8089", auth: { kind: "token", token: "t" }, search: SEARCH, tls: { insecureSkipVerify: true } }, { log: new RecordingLog() })).toThrow(
          "splunk config: skipping TLS certificate verification is refused inside AWS Lambda; configure the CA bundle that signed splunkd's certificate",
        );
      } finally {
        if (before === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
        else process.env.AWS_LAMBDA_FUNCTION_NAME = before;
      }
    });

    it("accepts it with the explicit opt-out, and warns", async () => {
      const server = await serve({ tls });
      const { src, log } = source(server, { tls: { insecureSkipVerify: true } });
      expect(await src.fetch("checkout", RANGE)).toHaveLength(180);
      expect(log.find("warn", "TLS certificate verification is DISABLED")).toHaveLength(1);
    });
  });
});
