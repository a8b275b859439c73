import { afterEach, describe, expect, it } from "vitest";
import { DynatraceError, DynatraceMetricSource, fillService, retryAfterMs, type DynatraceMetricSourceConfig } from "../../../runtime/adapters/dynatrace/DynatraceMetricSource";
import { RecordingLog } from "../../helpers/recordingLog";
import { containerIdsOf, generatedValue, type GeneratedFleet } from "../../servers/containerMetricsGenerator";
import { startDynatraceServer, type DynatraceServer, type DynatraceServerOptions } from "../../servers/dynatraceServer";

const FLEET: GeneratedFleet = { seed: 7, services: ["checkout", "search"], containersPerService: 4 };
const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const RANGE = { from: T0, to: T0 + 15 * 60_000 };
const DIM = "dt.entity.container_group_instance";
const CPU = `builtin:containers.cpu.usagePercent:filter(eq("aws.ecs.service.name","{service}")):splitBy("${DIM}"):avg`;
const MEM = `dt.containers.memory.resident_set_bytes:filter(eq("aws.ecs.service.name","{service}")):splitBy("${DIM}"):avg`;

const servers: DynatraceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Partial<DynatraceServerOptions> = {}): Promise<DynatraceServer> {
  const server = await startDynatraceServer({ fleet: FLEET, tokens: ["dt0c01.good"], ...options });
  servers.push(server);
  return server;
}

function source(server: DynatraceServer, overrides: Partial<DynatraceMetricSourceConfig> = {}): { src: DynatraceMetricSource; log: RecordingLog; slept: number[] } {
  const log = new RecordingLog();
  const slept: number[] = [];
  const src = new DynatraceMetricSource(
    {
      baseUrl: `${server.url}/e/env1`,
      token: "dt0c01.good",
      metrics: [
        { metric: "container.cpu.utilization", selector: CPU },
        { metric: "container.memory.usage.total", selector: MEM },
      ],
      containerDimension: DIM,
      resolution: "1m",
      ...overrides,
    },
    { log, sleep: async (ms) => void slept.push(ms) },
  );
  return { src, log, slept };
}

async function failure(promise: Promise<unknown>): Promise<DynatraceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DynatraceError)) throw new Error(`expected a DynatraceError, got ${String(err)}`);
  return err;
}

describe("DynatraceMetricSource against the loopback Metrics API v2", () => {
  it("queries each metric with the token, follows nextPageKey alone, and moves slot-end timestamps to step starts", async () => {
    const server = await serve({ seriesPerPage: 3 });
    const { src } = source(server);
    const samples = await src.fetch("checkout", RANGE);

    expect(samples).toHaveLength(4 * 15 * 2);
    const c0 = containerIdsOf(FLEET, "checkout")[0];
    const first = samples.find((s) => s.container === c0 && s.metric === "container.cpu.utilization" && s.timestamp === T0);
    // The server's first slot for this container ends at T0 + 1 min; it is our step starting at T0.
    expect(first).toEqual({ service: "checkout", container: c0, metric: "container.cpu.utilization", timestamp: T0, value: generatedValue(FLEET, "checkout", c0, "builtin:containers.cpu.usagePercent", T0), source: "dynatrace" });
    expect(Math.min(...samples.map((s) => s.timestamp))).toBe(RANGE.from);
    expect(Math.max(...samples.map((s) => s.timestamp))).toBe(RANGE.to - 60_000);

    expect(server.requests).toHaveLength(4); // 4 series, 3 per page: two pages per metric
    expect(server.requests.every((r) => r.authorization === "Api-Token dt0c01.good" && r.path === "/e/env1/api/v2/metrics/query")).toBe(true);
    expect(server.requests[0].params).toEqual({ metricSelector: CPU.replace("{service}", "checkout"), resolution: "1m", from: String(RANGE.from), to: String(RANGE.to) });
    expect(server.requests[1].params).toEqual({ nextPageKey: "page-1" });
    expect(src.lastReport).toMatchObject({ series: 8, samples: 120, pages: 4, requests: 4, retries: 0, nulls: 0 });
  });

  it("passes an entitySelector with the service filled in", async () => {
    const server = await serve();
    const { src } = source(server, { metrics: [{ metric: "container.cpu.utilization", selector: `builtin:containers.cpu.usagePercent:splitBy("${DIM}"):avg` }], entitySelector: 'type(CONTAINER_GROUP_INSTANCE),tag("service:{service}")' });
    await src.fetch("search", RANGE);
    expect(server.requests[0].params.entitySelector).toBe('type(CONTAINER_GROUP_INSTANCE),tag("service:search")');
  });

  it("treats nulls as gaps: no sample, counted", async () => {
    const server = await serve({ faults: { nullEvery: 5 } });
    const { src } = source(server);
    const samples = await src.fetch("checkout", RANGE);
    expect(src.lastReport).toMatchObject({ points: 120, nulls: 24, samples: 96 });
    expect(samples).toHaveLength(96);
  });

  it("backs off on 429 as Retry-After says, with the injected sleep, then succeeds", async () => {
    const server = await serve({ faults: { rateLimitFirst: 3, retryAfterSeconds: 2 } });
    const { src, slept, log } = source(server);
    expect(await src.fetch("checkout", RANGE)).toHaveLength(120);
    expect(slept).toEqual([2000, 2000, 2000]);
    expect(src.lastReport).toMatchObject({ retries: 3, requests: 5 });
    expect(log.find("warn", "rate-limited")).toHaveLength(3);
  });

  it("backs off exponentially without Retry-After, and gives up after a 429 storm", async () => {
    const server = await serve({ faults: { rateLimitFirst: 100 } });
    const { src, slept } = source(server, { maxRetries: 4, maxRetryDelayMs: 5000 });
    const err = await failure(src.fetch("checkout", RANGE));
    expect(err.message).toBe("dynatrace: still rate-limited (HTTP 429) for container.cpu.utilization after 4 retries");
    expect(err.status).toBe(429);
    expect(slept).toEqual([1000, 2000, 4000, 5000]);
  });

  it("rejects a bad token (401) with the API's message", async () => {
    const server = await serve();
    const err = await failure(source(server, { token: "dt0c01.bad" }).src.fetch("checkout", RANGE));
    expect(err.message).toBe("dynatrace: the API token was refused (HTTP 401: Token Authentication failed); it needs the metrics.read scope");
  });

  it("rejects a response without result", async () => {
    const server = await serve({ faults: { missingResult: true } });
    const err = await failure(source(server).src.fetch("checkout", RANGE));
    expect(err.message).toBe("dynatrace: the response for container.cpu.utilization is not a Metrics API v2 answer: result: missing");
  });

  it("rejects a truncated body", async () => {
    const server = await serve({ faults: { truncateBody: true } });
    const err = await failure(source(server).src.fetch("checkout", RANGE));
    expect(err.message).toMatch(/^dynatrace: the response for container.cpu.utilization is not valid JSON \(\d+ bytes, truncated\?\): /);
  });

  it("rejects an HTTP error with the API's message, and an unreachable server", async () => {
    const server = await serve();
    const err = await failure(source(server, { resolution: "7m" }).src.fetch("checkout", RANGE));
    expect(err.message).toBe('dynatrace: HTTP 400 for container.cpu.utilization: Invalid resolution "7m"');
    const url = server.url;
    await server.close();
    servers.splice(0);
    const down = new DynatraceMetricSource({ baseUrl: url, token: "t", metrics: [{ metric: "m", selector: "s" }], containerDimension: DIM, resolution: "1m" }, { log: new RecordingLog() });
    expect((await failure(down.fetch("checkout", RANGE))).message).toMatch(/^dynatrace: request for m failed: fetch failed \(.*ECONNREFUSED/);
  });

  it("ends the fetch with a clear error when nextPageKey repeats, after two requests instead of hundreds", async () => {
    const server = await serve({ faults: { repeatPageKey: true } });
    const err = await failure(source(server).src.fetch("checkout", RANGE));
    expect(err.message).toBe('dynatrace: the API returned nextPageKey "loop" a second time for container.cpu.utilization (after 2 pages); stopped instead of fetching the same pages forever');
    expect(server.requests).toHaveLength(2);
  });

  it("ends the fetch at the page cap when every page announces another", async () => {
    const server = await serve({ faults: { endlessPages: true } });
    const err = await failure(source(server, { maxPages: 25 }).src.fetch("checkout", RANGE));
    expect(err.message).toBe("dynatrace: container.cpu.utilization still had more pages after 25 (maxPages); stopped; query a shorter range or raise maxPages");
    expect(server.requests).toHaveLength(25);
  });

  it("skips and counts negative values of metrics that cannot be negative (memory, bytes/s), per metric", async () => {
    const server = await serve({ faults: { negativeEvery: 5 } });
    const { src, log } = source(server, { nonNegativeMetrics: ["container.memory.usage.total"] });
    const samples = await src.fetch("checkout", RANGE);
    // 4 containers × 15 steps per metric; every 5th memory point negated (12), CPU's negatives are allowed through.
    expect(src.lastReport).toMatchObject({ points: 120, negative: 12, samples: 108 });
    expect(samples.filter((x) => x.metric === "container.memory.usage.total").every((x) => x.value >= 0)).toBe(true);
    expect(samples.filter((x) => x.metric === "container.cpu.utilization" && x.value < 0)).toHaveLength(12);
    expect(log.find("warn", "skipped data points")[0].fields).toMatchObject({ negative: 12 });
  });

  it("refuses series none of which carries the container dimension, naming the dimensions they have", async () => {
    const server = await serve();
    const err = await failure(source(server, { containerDimension: "dt.entity.process_group" }).src.fetch("checkout", RANGE));
    expect(err.message).toBe(`dynatrace: none of the 4 series of container.cpu.utilization has the container dimension "dt.entity.process_group" (they have: "${DIM}"); fix the splitBy of the selector or the container dimension setting`);
  });

  it("uses the resolution the API answered with, and warns", async () => {
    const server = await serve({ faults: { forceResolution: "5m" } });
    const { src, log } = source(server);
    const samples = await src.fetch("checkout", RANGE);
    expect(new Set(samples.map((s) => (s.timestamp - T0) / 60_000))).toEqual(new Set([0, 5, 10]));
    expect(log.find("warn", "coarser resolution")).not.toHaveLength(0);
  });

  it("validates its configuration and escapes service names for selectors", () => {
    const log = new RecordingLog();
    const base: DynatraceMetricSourceConfig = { baseUrl: "https://abc.live.dynatrace.com", token: "t", metrics: [{ metric: "m", selector: "s" }], containerDimension: DIM, resolution: "1m" };
    expect(() => new DynatraceMetricSource({ ...base, resolution: "Inf" }, { log })).toThrow('dynatrace config: "resolution" must look like 1m, 5m or 1h, got "Inf"');
    expect(() => new DynatraceMetricSource({ ...base, metrics: [] }, { log })).toThrow('"metrics" must list at least one metric');
    expect(() => new DynatraceMetricSource({ ...base, baseUrl: "abc" }, { log })).toThrow('"baseUrl" is not a URL: "abc"');
    expect(fillService('eq("svc","{service}")', 'we"ird~')).toBe('eq("svc","we~"ird~~")');
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs("Wed, 25 Nov 2026 01:00:10 GMT", Date.UTC(2026, 10, 25, 1, 0, 0))).toBe(10_000);
    expect(retryAfterMs("soon")).toBeUndefined();
  });
});
