import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import { checkpointKey, CollectError, featureWindowKey, makeCollectHandler, type CollectHandlerDeps, type CollectorCheckpoint } from "../../runtime/handlers/makeCollectHandler";
import type { MetricSource, StateStore } from "../../runtime/ports";
import type { FeatureRow } from "../../runtime/types";
import { CONTAINER_FEATURE_SET as FS } from "../helpers/featureSets";
import { GeneratedMetricSource } from "../helpers/generatedMetricSource";
import { startLocalS3, type LocalS3 } from "../helpers/localS3";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { RecordingLog } from "../helpers/recordingLog";
import { containerIdsOf, generatedValue, type GeneratedFleet } from "../servers/containerMetricsGenerator";

const FLEET: GeneratedFleet = { seed: 11, services: ["checkout", "search"], containersPerService: 2 };
const METRICS = FS.metrics.map((m) => m.name);
const MIN = 60_000;
/** 2026-11-25T01:00Z */
const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3.close();
});

/** A fresh bucket prefix per test is not possible with fixed keys, so each test wipes what it reads by service name. */
let testNo = 0;
let services: string[];
beforeEach(() => {
  testNo++;
  services = [`checkout-${testNo}`, `search-${testNo}`];
});

function fleet(): GeneratedFleet {
  return { ...FLEET, services };
}

function setup(overrides: Partial<CollectHandlerDeps> = {}): { deps: CollectHandlerDeps; clock: { t: number }; log: RecordingLog; state: MemoryStateStore; primary: GeneratedMetricSource; secondary: GeneratedMetricSource } {
  const clock = { t: T0 };
  const log = new RecordingLog();
  const state = new MemoryStateStore();
  const primary = new GeneratedMetricSource("splunk", fleet(), METRICS.slice(0, 2));
  const secondary = new GeneratedMetricSource("dynatrace", fleet(), METRICS);
  const deps: CollectHandlerDeps = {
    sources: [primary, secondary],
    services,
    featureSet: FS,
    objects: s3.store,
    state,
    clock: { now: () => clock.t },
    log,
    limits: { maxWindowMs: 10 * MIN, settleMs: 2 * MIN, maxLagMs: 6 * 60 * MIN, maxWindowsPerRun: 3 },
    ...overrides,
  };
  return { deps, clock, log, state, primary, secondary };
}

async function rowsOf(service: string): Promise<{ key: string; rows: FeatureRow[] }[]> {
  const keys = await s3.store.list(`metrics/service=${service}/`);
  return Promise.all(keys.map(async (key) => ({ key, rows: parseFeatureRowsCsv((await s3.store.get(key)) ?? "", FS, key) })));
}

/** Every (container, step) exactly once over all objects, contiguous from `from` to `to`. */
function expectCompleteAndUnique(all: FeatureRow[], service: string, from: number, to: number): void {
  const seen = new Set<string>();
  for (const r of all) {
    const k = `${r.container}@${r.timestamp}`;
    expect(seen.has(k), `duplicate row ${k}`).toBe(false);
    seen.add(k);
  }
  const expected = new Set<string>();
  for (const c of containerIdsOf(fleet(), service)) for (let t = from; t < to; t += MIN) expected.add(`${c}@${t}`);
  expect(seen).toEqual(expected);
}

describe("makeCollectHandler with s3rver", () => {
  it("writes one CSV per window under metrics/service=<svc>/date=<day>/<start>.csv, merged by source priority, then advances the checkpoint", async () => {
    const { deps, state } = setup();
    const result = await makeCollectHandler(deps)();

    // now 01:00, settle 2 min → end 00:58; first run takes one maxWindow back: [00:48, 00:58).
    const from = T0 - 12 * MIN;
    const to = T0 - 2 * MIN;
    const [svc] = services;
    expect(result.windows.map((w) => w.key)).toEqual([featureWindowKey(services[0], from), featureWindowKey(services[1], from)]);
    expect(result.windows[0].key).toBe(`metrics/service=${svc}/date=2026-11-25/2026-11-25T00-48-00Z.csv`);
    expect(await s3.store.list(`metrics/service=${svc}/`)).toEqual([`metrics/service=${svc}/date=2026-11-25/2026-11-25T00-48-00Z.csv`]);

    const csv = (await s3.store.get(result.windows[0].key)) ?? "";
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe("timestamp,service,container,container.cpu.utilization,container.memory.usage.total,container.network.io.usage.rx_bytes");
    expect(lines).toHaveLength(1 + 2 * 10);
    // cpu and memory come from the first source (splunk), network only from the second (dynatrace).
    const [c0] = [...containerIdsOf(fleet(), svc)].sort();
    expect(lines[1]).toBe(
      [
        "2026-11-25T00:48:00.000Z",
        svc,
        c0,
        generatedValue(fleet(), svc, c0, METRICS[0], from),
        generatedValue(fleet(), svc, c0, METRICS[1], from),
        generatedValue(fleet(), svc, c0, METRICS[2], from),
      ].join(","),
    );
    expect(result.windows[0].merge.overridden).toEqual({ splunk: 0, dynatrace: 40 });
    expect(result.windows[0].samplesBySource).toEqual({ splunk: 40, dynatrace: 60 });
    expect((await state.load<CollectorCheckpoint>(checkpointKey(svc)))?.value).toEqual({ through: to, lastKey: result.windows[0].key });
    expectCompleteAndUnique((await rowsOf(svc)).flatMap((o) => o.rows), svc, from, to);
  });

  it("continues from the checkpoint, catching up at most maxWindowsPerRun windows per run, across midnight", async () => {
    const { deps, clock } = setup({ services: [services[0]] });
    const svc = services[0];
    const midnight = Date.UTC(2026, 10, 26);
    clock.t = midnight - 5 * MIN;
    await makeCollectHandler(deps)(); // [23:43, 23:53)
    clock.t = midnight + 45 * MIN; // end 00:43: 5 windows behind, 3 per run
    const second = await makeCollectHandler(deps)();
    expect(second.windows.map((w) => w.key.split("/").slice(2).join("/"))).toEqual([
      "date=2026-11-25/2026-11-25T23-53-00Z.csv",
      "date=2026-11-26/2026-11-26T00-03-00Z.csv",
      "date=2026-11-26/2026-11-26T00-13-00Z.csv",
    ]);
    const third = await makeCollectHandler(deps)();
    expect(third.windows.map((w) => [new Date(w.range.from).toISOString(), new Date(w.range.to).toISOString()])).toEqual([
      ["2026-11-26T00:23:00.000Z", "2026-11-26T00:33:00.000Z"],
      ["2026-11-26T00:33:00.000Z", "2026-11-26T00:43:00.000Z"],
    ]);
    expect((await makeCollectHandler(deps)()).windows).toEqual([]);
    expectCompleteAndUnique((await rowsOf(svc)).flatMap((o) => o.rows), svc, midnight - 17 * MIN, midnight + 43 * MIN);
  });

  it("a failing source fails the run loudly: nothing written for the window, checkpoint unchanged, the rerun fills it", async () => {
    const { deps, secondary, state, log } = setup({ services: [services[0]] });
    const svc = services[0];
    secondary.failNext = new Error("dynatrace: the API token was refused (HTTP 401)");
    const run = makeCollectHandler(deps);
    const err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CollectError);
    expect((err as Error).message).toBe(
      `collector: 1 source(s) failed for service "${svc}" window [2026-11-25T00:48:00.000Z, 2026-11-25T00:58:00.000Z): dynatrace: dynatrace: the API token was refused (HTTP 401)`,
    );
    expect(await s3.store.list(`metrics/service=${svc}/`)).toEqual([]);
    expect(await state.load(checkpointKey(svc))).toBeUndefined();
    expect(log.find("error", "source failed")).toHaveLength(1);

    const rerun = await run();
    expect(rerun.windows).toHaveLength(1);
    expectCompleteAndUnique((await rowsOf(svc)).flatMap((o) => o.rows), svc, T0 - 12 * MIN, T0 - 2 * MIN);
  });

  it("a service whose source fails does not stop the other services; the run still fails", async () => {
    const { deps, primary, state } = setup();
    primary.failNext = new Error("splunk: search job failed");
    const err = await makeCollectHandler(deps)().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(new RegExp(`^collector: 1 source\\(s\\) failed for service "${services[0]}" .*: splunk: splunk: search job failed$`));
    expect(await state.load(checkpointKey(services[0]))).toBeUndefined();
    expect((await state.load<CollectorCheckpoint>(checkpointKey(services[1])))?.value.through).toBe(T0 - 2 * MIN);
    expect(await s3.store.list(`metrics/service=${services[1]}/`)).toHaveLength(1);
  });

  it("several failing services are reported together", async () => {
    const broken: MetricSource = { name: "splunk", fetch: async (service) => Promise.reject(new Error(`no index for ${service}`)) };
    const { deps } = setup({ sources: [broken] });
    await expect(makeCollectHandler(deps)()).rejects.toThrow(/^collector: 2 services failed: .*no index for checkout-\d+ \|\| .*no index for search-\d+$/);
  });

  it("a crash between the write and the checkpoint, then a rerun later: the same key is rewritten, no gap, no duplicate row", async () => {
    const svc = services[0];
    const real = new MemoryStateStore();
    let crash = false;
    const crashing: StateStore = {
      load: (key) => real.load(key),
      save: async (key, value, expected) => {
        if (crash) throw new Error("Lambda timed out");
        return real.save(key, value, expected);
      },
      loadBytes: (key) => real.loadBytes(key),
      saveBytes: async (key, bytes, expected) => {
        if (crash) throw new Error("Lambda timed out");
        return real.saveBytes(key, bytes, expected);
      },
    };
    const { deps, clock } = setup({ services: [svc], state: crashing });
    const run = makeCollectHandler(deps);
    await run(); // [00:48, 00:58)
    clock.t = T0 + 5 * MIN;
    crash = true;
    await expect(run()).rejects.toThrow("Lambda timed out"); // wrote [00:58, 01:03), checkpoint still 00:58
    const crashedKey = featureWindowKey(svc, T0 - 2 * MIN);
    expect(parseFeatureRowsCsv((await s3.store.get(crashedKey)) ?? "", FS, crashedKey)).toHaveLength(2 * 5);

    crash = false;
    clock.t = T0 + 14 * MIN; // the rerun comes later: its window [00:58, 01:08) then [01:08, 01:12)
    const rerun = await run();
    expect(rerun.windows.map((w) => w.key)).toEqual([crashedKey, featureWindowKey(svc, T0 + 8 * MIN)]);
    const objects = await rowsOf(svc);
    // The crashed window's key now holds the longer window [00:58, 01:08): overwritten, not duplicated.
    expect(objects[1].rows).toHaveLength(2 * 10);
    expect(objects.map((o) => o.key)).toEqual([featureWindowKey(svc, T0 - 12 * MIN), crashedKey, featureWindowKey(svc, T0 + 8 * MIN)]);
    expectCompleteAndUnique(
      objects.flatMap((o) => o.rows),
      svc,
      T0 - 12 * MIN,
      T0 + 12 * MIN,
    );
    expect((await real.load<CollectorCheckpoint>(checkpointKey(svc)))?.value.through).toBe(T0 + 12 * MIN);
  });

  it("does not go further back than maxLagMs, and reports the skipped span", async () => {
    const { deps, state, log } = setup({ services: [services[0]] });
    const svc = services[0];
    await state.save(checkpointKey(svc), { through: T0 - 3 * 24 * 60 * MIN, lastKey: "old" }, undefined);
    const result = await makeCollectHandler(deps)();
    expect(result.skippedMs[svc]).toBe(3 * 24 * 60 * MIN - 6 * 60 * MIN - 2 * MIN);
    expect(result.windows[0].range.from).toBe(T0 - 2 * MIN - 6 * 60 * MIN);
    expect(log.find("warn", "older than maxLagMs")).toHaveLength(1);
  });

  it("writes a header-only window when every source positively reports no data, and says so", async () => {
    const empty: MetricSource = { name: "splunk", fetch: async () => [] };
    const { deps, log } = setup({ sources: [empty], services: [services[0]] });
    const result = await makeCollectHandler(deps)();
    expect(result.windows[0].rows).toBe(0);
    expect(await s3.store.get(result.windows[0].key)).toBe("timestamp,service,container,container.cpu.utilization,container.memory.usage.total,container.network.io.usage.rx_bytes\n");
    expect(log.find("info", "the sources report no data for the window")).toHaveLength(1);
  });

  it("rejects a corrupt checkpoint and bad configuration with the field named", async () => {
    const { deps, state } = setup({ services: [services[0]] });
    await state.save(checkpointKey(services[0]), { through: T0 + 1234, lastKey: "x" }, undefined);
    await expect(makeCollectHandler(deps)()).rejects.toThrow(`checkpoint "collector/checkpoint/${services[0]}" has through=${T0 + 1234}, expected epoch ms on a 60-second step boundary`);
    expect(() => makeCollectHandler({ ...deps, limits: { maxWindowMs: 90_000 } })).toThrow('collector limits: "maxWindowMs" (90000) must be a multiple of the step (60000 ms)');
    expect(() => makeCollectHandler({ ...deps, limits: { settleMs: -1 } })).toThrow('collector limits: "settleMs" must be an integer >= 0, got -1');
    expect(() => makeCollectHandler({ ...deps, sources: [] })).toThrow("collector: no metric sources configured");
  });
});
