/**
 * Bad-input catalogue: what a Dynatrace Metrics API v2 can answer, through the real DynatraceMetricSource against
 * the loopback server. Exact outcome per case; docs/errors.md lists them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DynatraceError, DynatraceMetricSource, type DynatraceMetricSourceConfig } from "../../runtime/adapters/dynatrace/DynatraceMetricSource";
import { RecordingLog } from "../helpers/recordingLog";
import { startDynatraceServer, type DynatraceFaults, type DynatraceServer } from "../servers/dynatraceServer";
import { rejectionMessage } from "../helpers/rejection";

const FLEET = { seed: 15, services: ["checkout"], containersPerService: 3 };
const T0 = Date.UTC(2026, 10, 25, 1);
const RANGE = { from: T0, to: T0 + 10 * 60_000 };
const DIM = "dt.entity.container_group_instance";
const SELECTOR = `builtin:containers.memory.residentSetBytes:filter(eq("aws.ecs.service.name","{service}")):splitBy("${DIM}"):avg`;
const servers: DynatraceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function source(faults: DynatraceFaults, config: Partial<DynatraceMetricSourceConfig> = {}): Promise<{ src: DynatraceMetricSource; server: DynatraceServer; log: RecordingLog; slept: number[] }> {
  const server = await startDynatraceServer({ fleet: FLEET, tokens: ["dt0c01.good"], seriesPerPage: 2, faults });
  servers.push(server);
  const log = new RecordingLog();
  const slept: number[] = [];
  const src = new DynatraceMetricSource(
    { baseUrl: server.url, token: "dt0c01.good", metrics: [{ metric: "container.memory.usage.total", selector: SELECTOR }], containerDimension: DIM, resolution: "1m", nonNegativeMetrics: ["container.memory.usage.total"], ...config },
    { log, sleep: async (ms) => void slept.push(ms) },
  );
  return { src, server, log, slept };
}

const failure = (p: Promise<unknown>): Promise<string> => rejectionMessage(p, DynatraceError);

describe("bad-input catalogue: Dynatrace (DynatraceMetricSource)", () => {
  it("DT-01 a nextPageKey that repeats: stopped after the second request, said so", async () => {
    const { src, server } = await source({ repeatPageKey: true });
    expect(await failure(src.fetch("checkout", RANGE))).toBe('dynatrace: the API returned nextPageKey "loop" a second time for container.memory.usage.total (after 2 pages); stopped instead of fetching the same pages forever');
    expect(server.requests).toHaveLength(2);
  });

  it("DT-02 pages that never end: stopped at the page cap", async () => {
    const { src, server } = await source({ endlessPages: true }, { maxPages: 10 });
    expect(await failure(src.fetch("checkout", RANGE))).toBe("dynatrace: container.memory.usage.total still had more pages after 10 (maxPages); stopped; query a shorter range or raise maxPages");
    expect(server.requests).toHaveLength(10);
  });

  it("DT-03 an answer without result", async () => {
    const { src } = await source({ missingResult: true });
    expect(await failure(src.fetch("checkout", RANGE))).toBe("dynatrace: the response for container.memory.usage.total is not a Metrics API v2 answer: result: missing");
  });

  it("DT-04 a body cut off half-way", async () => {
    const { src } = await source({ truncateBody: true });
    expect(await failure(src.fetch("checkout", RANGE))).toMatch(/^dynatrace: the response for container\.memory\.usage\.total is not valid JSON \(\d+ bytes, truncated\?\): /);
  });

  it("DT-05 negative memory: skipped and counted, the rest used", async () => {
    const { src, log } = await source({ negativeEvery: 5 });
    expect(await src.fetch("checkout", RANGE)).toHaveLength(3 * 10 - 6);
    expect(src.lastReport).toMatchObject({ points: 30, negative: 6, samples: 24 });
    expect(log.find("warn", "dynatrace: skipped data points")[0].fields).toMatchObject({ negative: 6 });
  });

  it("DT-06 series without the container dimension: an error naming the dimensions they have", async () => {
    const { src } = await source({}, { containerDimension: "dt.entity.host" });
    expect(await failure(src.fetch("checkout", RANGE))).toBe(`dynatrace: none of the 2 series of container.memory.usage.total has the container dimension "dt.entity.host" (they have: "${DIM}"); fix the splitBy of the selector or the container dimension setting`);
  });

  it("DT-07 a refused token", async () => {
    const { src } = await source({}, { token: "dt0c01.bad" });
    expect(await failure(src.fetch("checkout", RANGE))).toBe("dynatrace: the API token was refused (HTTP 401: Token Authentication failed); it needs the metrics.read scope");
  });

  it("DT-08 HTTP 429 that never ends: gives up after maxRetries", async () => {
    const { src, slept } = await source({ rateLimitFirst: 1000, retryAfterSeconds: 3 }, { maxRetries: 2 });
    expect(await failure(src.fetch("checkout", RANGE))).toBe("dynatrace: still rate-limited (HTTP 429) for container.memory.usage.total after 2 retries");
    expect(slept).toEqual([3000, 3000]);
  });

  it("DT-09 null points: gaps, counted", async () => {
    const { src } = await source({ nullEvery: 2 });
    expect(await src.fetch("checkout", RANGE)).toHaveLength(15);
    expect(src.lastReport).toMatchObject({ points: 30, nulls: 15 });
  });

  it("DT-10 every point null: positively no data, an empty result", async () => {
    const { src } = await source({ nullEvery: 1 });
    expect(await src.fetch("checkout", RANGE)).toEqual([]);
    expect(src.lastReport).toMatchObject({ points: 30, nulls: 30, samples: 0 });
  });
});
