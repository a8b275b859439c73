import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynatraceMetricSource } from "../../runtime/adapters/dynatrace/DynatraceMetricSource";
import { SplunkMetricSource } from "../../runtime/adapters/splunk/SplunkMetricSource";
import { parseFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import { checkpointKey, makeCollectHandler, type CollectorCheckpoint } from "../../runtime/handlers/makeCollectHandler";
import { CONTAINER_FEATURE_SET as FS } from "../helpers/featureSets";
import { startLocalS3, type LocalS3 } from "../helpers/localS3";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { RecordingLog } from "../helpers/recordingLog";
import { containerIdsOf, type GeneratedFleet } from "../servers/containerMetricsGenerator";
import { startDynatraceServer, type DynatraceServer } from "../servers/dynatraceServer";
import { startSplunkServer, type SplunkServer } from "../servers/splunkServer";

const TLS_DIR = join(__dirname, "../fixtures/tls");
const FLEET: GeneratedFleet = { seed: 5, services: ["checkout"], containersPerService: 3 };
const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const DIM = "dt.entity.container_group_instance";

let s3: LocalS3;
let splunk: SplunkServer;
let failingSplunk: SplunkServer;
let renamingSplunk: SplunkServer;
let dynatrace: DynatraceServer;
beforeAll(async () => {
  const tls = { key: readFileSync(join(TLS_DIR, "server.key")), cert: readFileSync(join(TLS_DIR, "server.crt")) };
  [s3, splunk, failingSplunk, renamingSplunk, dynatrace] = await Promise.all([
    startLocalS3(),
    startSplunkServer({ fleet: FLEET, tokens: ["splunk-token"], tls, maxResultRows: 50, faults: { duplicateEvery: 9 } }),
    startSplunkServer({ fleet: FLEET, tokens: ["splunk-token"], tls, faults: { jobFails: "Search process did not exit cleanly" } }),
    startSplunkServer({ fleet: FLEET, tokens: ["splunk-token"], tls, faults: { otherColumns: true } }),
    startDynatraceServer({ fleet: FLEET, tokens: ["dt-token"], seriesPerPage: 1, faults: { nullEvery: 4 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([s3.close(), splunk.close(), failingSplunk.close(), renamingSplunk.close(), dynatrace.close()]);
});

function sources(splunkUrl: string, log: RecordingLog): [SplunkMetricSource, DynatraceMetricSource] {
  const noWait = { sleep: async () => undefined };
  return [
    new SplunkMetricSource(
      {
        url: splunkUrl,
        auth: { kind: "token", token: "splunk-token" },
        search: { kind: "mstats", index: "otel", metrics: ["container.cpu.utilization", "container.memory.usage.total"], serviceField: "aws.ecs.service.name", containerFields: ["container.id"], stepSeconds: 60 },
        tls: { caPem: readFileSync(join(TLS_DIR, "ca.crt"), "utf8") },
        pageSize: 40,
      },
      { log, ...noWait },
    ),
    new DynatraceMetricSource(
      {
        baseUrl: dynatrace.url,
        token: "dt-token",
        metrics: [
          { metric: "container.cpu.utilization", selector: `builtin:containers.cpu.usagePercent:filter(eq("aws.ecs.service.name","{service}")):splitBy("${DIM}"):avg` },
          { metric: "container.network.io.usage.rx_bytes", selector: `dt.containers.network.bytes_rx:filter(eq("aws.ecs.service.name","{service}")):splitBy("${DIM}"):avg` },
        ],
        containerDimension: DIM,
        resolution: "1m",
      },
      { log, ...noWait },
    ),
  ];
}

/** The collect handler over `srcs` for one service at `now`, writing to the loopback S3 bucket. */
function collector(srcs: readonly (SplunkMetricSource | DynatraceMetricSource)[], service: string, now: number, state: MemoryStateStore, log: RecordingLog, limits?: { maxWindowMs: number; settleMs: number }): ReturnType<typeof makeCollectHandler> {
  return makeCollectHandler({ sources: [...srcs], services: [service], featureSet: FS, objects: s3.store, state, clock: { now: () => now }, log, ...(limits ? { limits } : {}) });
}

describe("collector with the real Splunk and Dynatrace clients, loopback servers and s3rver", () => {
  it("writes merged, aligned rows for every container and step, Splunk first", async () => {
    const log = new RecordingLog();
    const state = new MemoryStateStore();
    const handler = collector(sources(splunk.url, log), "checkout", T0, state, log, { maxWindowMs: 30 * 60_000, settleMs: 60_000 });
    const { windows } = await handler();
    expect(windows).toHaveLength(1);
    const [w] = windows;
    expect(w.key).toBe("metrics/service=checkout/date=2026-11-25/2026-11-25T00-29-00Z.csv");
    // Splunk: 3 containers x 30 steps x 2 metrics; Dynatrace: 2 metrics with every 4th point null.
    expect(w.samplesBySource).toEqual({ splunk: 180, dynatrace: 2 * 3 * (30 - 7) });
    expect(w.merge.overridden).toEqual({ splunk: 0, dynatrace: 3 * (30 - 7) });
    const rows = parseFeatureRowsCsv((await s3.store.get(w.key)) ?? "", FS, w.key);
    expect(rows).toHaveLength(3 * 30);
    expect(new Set(rows.map((r) => r.container))).toEqual(new Set(containerIdsOf(FLEET, "checkout")));
    // Dynatrace's nulls were short gaps (1 step), filled by alignment; nothing is left unscorable.
    expect(rows.filter((r) => r.gap)).toHaveLength(0);
    expect(w.alignment?.filledValues).toBe(3 * 7);
    expect(log.find("warn", "splunk: skipped or repaired")[0].fields).toMatchObject({ duplicates: 20 });
    expect((await state.load<CollectorCheckpoint>(checkpointKey("checkout")))?.value.through).toBe(T0 - 60_000);
  });

  it("a Splunk job that fails fails the run: no object, no checkpoint", async () => {
    const log = new RecordingLog();
    const state = new MemoryStateStore();
    const handler = collector(sources(failingSplunk.url, log), "checkout", T0 + 24 * 3600_000, state, log);
    await expect(handler()).rejects.toThrow(/^collector: 1 source\(s\) failed for service "checkout" window \[2026-11-25T23:55:00.000Z, 2026-11-26T00:55:00.000Z\): splunk: splunk: search job loopback\.\d+ for service "checkout" failed: FATAL: Search process did not exit cleanly$/);
    expect(await s3.store.get("metrics/service=checkout/date=2026-11-25/2026-11-25T23-55-00Z.csv")).toBeUndefined();
    expect(await state.load(checkpointKey("checkout"))).toBeUndefined();
  });

  it("Splunk rows without the requested metric fields fail the window: nothing written, the checkpoint stays (no permanent gap)", async () => {
    const log = new RecordingLog();
    const state = new MemoryStateStore();
    const through = T0 + 2 * 24 * 3600_000;
    await state.save(checkpointKey("checkout"), { through, lastKey: "earlier" }, undefined);
    const handler = collector([sources(renamingSplunk.url, log)[0]], "checkout", through + 70 * 60_000, state, log);
    await expect(handler()).rejects.toThrow(/splunk: none of the 180 result row\(s\) of job loopback\.\d+ for service "checkout" has the field\(s\) m0 \(container\.cpu\.utilization\), m1 \(container\.memory\.usage\.total\); the rows have: "_time", "container\.id", "avg\(container\.cpu\.utilization\)", "avg\(container\.memory\.usage\.total\)"/);
    expect(await s3.store.list("metrics/service=checkout/date=2026-11-27/")).toEqual([]);
    expect((await state.load<CollectorCheckpoint>(checkpointKey("checkout")))?.value).toEqual({ through, lastKey: "earlier" });
  });

  it("a finished search with no rows is the source positively saying there was no data: the empty window is written and the checkpoint moves", async () => {
    const log = new RecordingLog();
    const state = new MemoryStateStore();
    const handler = collector([sources(splunk.url, log)[0]], "retired-service", T0, state, log, { maxWindowMs: 30 * 60_000, settleMs: 60_000 });
    const { windows } = await handler();
    expect(windows.map((w) => w.rows)).toEqual([0]);
    expect(log.find("info", "the sources report no data for the window")).toHaveLength(1);
    expect((await state.load<CollectorCheckpoint>(checkpointKey("retired-service")))?.value.through).toBe(T0 - 60_000);
  });
});
