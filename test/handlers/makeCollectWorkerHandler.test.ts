import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { checkpointKey, makeServiceCollection, type CollectHandlerDeps, type CollectorCheckpoint } from "../../runtime/handlers/makeCollectHandler";
import { makeCollectWorkerHandler } from "../../runtime/handlers/makeCollectWorkerHandler";
import { encodeWorkMessage } from "../../runtime/handlers/workMessage";
import type { MetricSample } from "../../runtime/types";
import type { MetricSource, TimeRange } from "../../runtime/ports";
import { CONTAINER_FEATURE_SET as FS } from "../helpers/featureSets";
import { GeneratedMetricSource } from "../helpers/generatedMetricSource";
import { MemoryObjectStore } from "../helpers/memoryObjectStore";
import { RecordingLog } from "../helpers/recordingLog";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const SERVICES = ["checkout", "search"];

function setup(source?: MetricSource, over: Partial<CollectHandlerDeps> = {}) {
  const objects = new MemoryObjectStore();
  const state = new MemoryStateStore();
  const log = new RecordingLog();
  const clock = { t: T0 + 60 * MIN };
  const deps: CollectHandlerDeps = {
    sources: [source ?? new GeneratedMetricSource("dynatrace", { seed: 4, services: SERVICES, containersPerService: 2 }, FS.metrics.map((m) => m.name))],
    services: SERVICES,
    featureSet: FS,
    objects,
    state,
    clock: { now: () => clock.t },
    log,
    limits: { maxWindowMs: 10 * MIN, settleMs: 2 * MIN, maxLagMs: 6 * 60 * MIN, maxWindowsPerRun: 3 },
    ...over,
  };
  const handle = makeCollectWorkerHandler({ collection: makeServiceCollection(deps), clock: deps.clock, log });
  return { deps, objects, state, clock, handle };
}

const rec = (id: string, service: string, minute: number) => ({ messageId: id, body: encodeWorkMessage({ kind: "collect", service, through: T0 + minute * MIN }), attributes: { ApproximateReceiveCount: "1" } });

describe("makeCollectWorkerHandler", () => {
  it("collects each service up to its message's planned time; a failing source fails only that service's message", async () => {
    const good = new GeneratedMetricSource("dynatrace", { seed: 4, services: SERVICES, containersPerService: 2 }, FS.metrics.map((m) => m.name));
    const flaky: MetricSource = { name: "dynatrace", fetch: (svc: string, range: TimeRange): Promise<MetricSample[]> => (svc === "search" ? Promise.reject(new Error("Dynatrace: 503")) : good.fetch(svc, range)) };
    const { handle, state, objects } = setup(flaky);
    const out = await handle({ Records: [rec("a", "search", 30), rec("b", "checkout", 30)] });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: "a" }]);
    // Through 30 min, settled 2 min: windows end at minute 28.
    expect((await state.load<CollectorCheckpoint>(checkpointKey("checkout")))?.value.through).toBe(T0 + 28 * MIN);
    expect(await state.load(checkpointKey("search"))).toBeUndefined();
    expect(await objects.list("metrics/service=search/")).toEqual([]);
  });

  it("collects a service the planner found in an allowed cluster; one from another cluster is refused", async () => {
    const source = new GeneratedMetricSource("dynatrace", { seed: 4, services: [...SERVICES, "reports"], containersPerService: 2 }, FS.metrics.map((m) => m.name));
    const { handle, state } = setup(source, { discoveredClusters: ["prod"] });
    const found = (id: string, cluster: string) => ({
      messageId: id,
      body: encodeWorkMessage({ kind: "collect", service: "reports", through: T0 + 30 * MIN, discovered: { cluster, minTasks: 1, maxTasks: 4 } }),
      attributes: { ApproximateReceiveCount: "1" },
    });
    const refused = await handle({ Records: [found("x", "finance")] });
    expect(refused.outcomes[0]).toMatchObject({ ok: false, error: 'collector: service "reports" is not configured for collection' });
    expect(await state.load(checkpointKey("reports"))).toBeUndefined();
    const collected = await handle({ Records: [found("y", "prod")] });
    expect(collected.batchItemFailures).toEqual([]);
    expect((await state.load<CollectorCheckpoint>(checkpointKey("reports")))?.value.through).toBe(T0 + 28 * MIN);
  });

  it("a redelivered or older message writes nothing; a newer one continues from the checkpoint", async () => {
    const { handle, state, objects } = setup();
    await handle({ Records: [rec("1", "checkout", 30)] });
    const before = await state.load<CollectorCheckpoint>(checkpointKey("checkout"));
    const keys = await objects.list("metrics/");
    for (const again of [rec("2", "checkout", 30), rec("3", "checkout", 20)]) {
      const out = await handle({ Records: [again] });
      expect(out.outcomes[0]).toMatchObject({ ok: true, result: { windows: [], skippedMs: 0 } });
    }
    expect(await state.load<CollectorCheckpoint>(checkpointKey("checkout"))).toEqual(before);
    expect(await objects.list("metrics/")).toEqual(keys);
    const newer = await handle({ Records: [rec("4", "checkout", 40)] });
    expect(newer.outcomes[0]).toMatchObject({ ok: true, result: { windows: [{ range: { from: T0 + 28 * MIN, to: T0 + 38 * MIN } }] } });
  });
});
