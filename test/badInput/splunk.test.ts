/**
 * Bad-input catalogue: what a Splunk management port can answer, through the real SplunkMetricSource (splunk-sdk
 * with our HTTP layer) against the loopback splunkd. Exact outcome per case; docs/errors.md lists them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SplunkError } from "../../runtime/adapters/splunk/splunkFailure";
import { SplunkMetricSource, type SplunkMetricSourceConfig } from "../../runtime/adapters/splunk/SplunkMetricSource";
import { RecordingLog } from "../helpers/recordingLog";
import { startSplunkServer, type SplunkFaults, type SplunkServer } from "../servers/splunkServer";
import { rejectionMessage } from "../helpers/rejection";

const FLEET = { seed: 15, services: ["checkout"], containersPerService: 2 };
const T0 = Date.UTC(2026, 10, 25, 1);
const RANGE = { from: T0, to: T0 + 10 * 60_000 };
const METRICS = ["container.cpu.utilization", "container.memory.usage.total"];
const servers: SplunkServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The source against a loopback splunkd with `faults`; `sleep` only records (no test waits). */
async function source(faults: SplunkFaults, config: Partial<SplunkMetricSourceConfig> = {}): Promise<{ src: SplunkMetricSource; server: SplunkServer; log: RecordingLog; slept: number[] }> {
  const server = await startSplunkServer({ fleet: FLEET, username: "u", password: "p", faults });
  servers.push(server);
  const log = new RecordingLog();
  const slept: number[] = [];
  const src = new SplunkMetricSource(
    {
      url: server.url,
      auth: { kind: "password", username: "u", password: "p" },
      search: { kind: "mstats", index: "otel", metrics: METRICS, serviceField: "aws.ecs.service.name", containerFields: ["container.id"], stepSeconds: 60 },
      pollIntervalMs: 10,
      nonNegativeMetrics: METRICS,
      ...config,
    },
    { log, sleep: async (ms) => void slept.push(ms) },
  );
  return { src, server, log, slept };
}

const failure = (p: Promise<unknown>): Promise<string> => rejectionMessage(p, SplunkError);

describe("bad-input catalogue: Splunk (SplunkMetricSource)", () => {
  it("SPL-01 job creation answered with an HTML page: the job was not created, with the status and the start of the body", async () => {
    const { src, server } = await source({ htmlOn: "create" });
    expect(await failure(src.fetch("checkout", RANGE))).toBe(
      'splunk: the search job for service "checkout" was not created: POST /services/search/v2/jobs/ answered HTTP 200 (text/html) without a search id, starting "<html><body><h1>Splunk is restarting</h1></body></html>"; ' +
        `an HTML page usually means the URL is Splunk Web (port 8000) or a proxy, not splunkd's management port (8089): check ${server.url}`,
    );
  });

  it("SPL-02 rows without the requested metric fields: an error naming the fields expected and seen", async () => {
    const { src } = await source({ otherColumns: true });
    expect(await failure(src.fetch("checkout", RANGE))).toMatch(
      /^splunk: none of the 20 result row\(s\) of job loopback\.\d+ for service "checkout" has the field\(s\) m0 \(container\.cpu\.utilization\), m1 \(container\.memory\.usage\.total\); the rows have: "_time", "container\.id", "avg\(container\.cpu\.utilization\)", "avg\(container\.memory\.usage\.total\)"\. The search must return _time, the container fields and the metrics as m0, m1, … \(does a custom search or macro rename or drop them\?\)$/,
    );
  });

  it("SPL-03 HTTP 429 three times: waits as Retry-After says, then reads every row", async () => {
    const { src, log, slept } = await source({ rateLimitFirst: 3, retryAfterSeconds: 7 });
    expect(await src.fetch("checkout", RANGE)).toHaveLength(2 * 10 * 2);
    expect(slept.slice(0, 3)).toEqual([7000, 7000, 7000]);
    expect(log.find("warn", "splunk: rate-limited (HTTP 429), backing off").map((e) => e.fields.attempt)).toEqual([1, 2, 3]);
  });

  it("SPL-04 HTTP 429 that never ends: gives up after maxRetries with the 429 named", async () => {
    const { src, server, slept } = await source({ rateLimitFirst: 1000 }, { maxRetries: 2 });
    expect(await failure(src.fetch("checkout", RANGE))).toBe(`splunk: login as "u" at ${server.url} failed: HTTP 429: ERROR: Too many requests`);
    expect(slept).toEqual([1000, 2000]);
  });

  it("SPL-05 every row unusable (negative memory and CPU): an error, never an empty window", async () => {
    const { src } = await source({ negativeEvery: 1 });
    expect(await failure(src.fetch("checkout", RANGE))).toMatch(/^splunk: job loopback\.\d+ for service "checkout" returned 20 row\(s\) and none could be used \(row 0: container\.cpu\.utilization of [\w-]+ is -[\d.]+, but container\.cpu\.utilization cannot be negative; /);
  });

  it("SPL-06 some values not numbers: skipped, counted and logged with examples", async () => {
    const { src, log } = await source({ nonNumericEvery: 4 });
    expect(await src.fetch("checkout", RANGE)).toHaveLength(40 - 5);
    expect(src.lastReport).toMatchObject({ rows: 20, nonNumeric: 5 });
    expect(log.find("warn", "splunk: skipped or repaired result rows")[0].fields).toMatchObject({ nonNumeric: 5 });
  });

  it("SPL-07 an HTML page instead of results", async () => {
    const { src } = await source({ htmlOn: "results" });
    expect(await failure(src.fetch("checkout", RANGE))).toMatch(/^splunk: results of job loopback\.\d+ at offset 0: expected JSON with a "results" array, got text "<html><body><h1>Splunk is restarting<\/h1><\/body><\/html>"$/);
  });

  it("SPL-08 fewer rows served than the job reported: refused as partial", async () => {
    const { src } = await source({ underServeRows: 3 });
    expect(await failure(src.fetch("checkout", RANGE))).toMatch(/^splunk: job loopback\.\d+ reported 20 results but 17 could be read; refusing a partial result$/);
  });

  it("SPL-09 a search job that fails", async () => {
    const { src } = await source({ jobFails: "Search process did not exit cleanly" });
    expect(await failure(src.fetch("checkout", RANGE))).toMatch(/^splunk: search job loopback\.\d+ for service "checkout" failed: FATAL: Search process did not exit cleanly$/);
  });

  it("SPL-10 a finished search with no rows: positively no data, an empty result", async () => {
    const { src } = await source({});
    expect(await src.fetch("retired", RANGE)).toEqual([]);
    expect(src.lastReport).toMatchObject({ rows: 0, resultCount: 0, samples: 0 });
  });

  it("SPL-11 duplicated and shuffled rows: kept once and sorted, both counted", async () => {
    const { src } = await source({ duplicateEvery: 5, shuffle: true });
    expect(await src.fetch("checkout", RANGE)).toHaveLength(40);
    expect(src.lastReport).toMatchObject({ rows: 24, duplicates: 8 });
    expect(src.lastReport?.outOfOrder).toBeGreaterThan(0);
  });
});
