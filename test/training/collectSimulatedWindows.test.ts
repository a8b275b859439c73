import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { parseFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import { defaultIncidentPlan } from "../../runtime/sim/incidentPlan";
import { collectSimulatedWindows } from "../../training/collectSimulatedWindows";
import { MemoryObjectStore } from "../helpers/memoryObjectStore";

const START = Date.UTC(2026, 0, 5);

describe("collectSimulatedWindows", () => {
  it("writes the simulated service as the collector would: one window per hour, every step of every container", async () => {
    const objects = new MemoryObjectStore();
    const r = await collectSimulatedWindows({ service: "checkout", tasks: 2, seed: 3, startMs: START, days: 1, incidents: [], featureSet: DEFAULT_FEATURE_SET, objects, prefix: "dev/" });
    expect(r.keys).toHaveLength(24);
    expect(r.keys[0]).toBe("dev/metrics/service=checkout/date=2026-01-05/2026-01-05T00-00-00Z.csv");
    expect(r.keys[23]).toBe("dev/metrics/service=checkout/date=2026-01-05/2026-01-05T23-00-00Z.csv");
    expect(await objects.list("dev/")).toEqual(r.keys);
    expect(r.rows).toBe(2 * 2 * 1440); // 2 tasks of an app and a sidecar
    const first = parseFeatureRowsCsv(objects.text(r.keys[0]), DEFAULT_FEATURE_SET, r.keys[0]);
    expect(first).toHaveLength(240);
    expect(new Set(first.map((row) => row.containerName))).toEqual(new Set(["app", "envoy"]));
    expect(first.every((row) => !row.gap && row.timestamp >= START && row.timestamp < START + 3_600_000)).toBe(true);
  });

  it("returns the injected incidents as incident windows naming the affected container", async () => {
    const plan = defaultIncidentPlan(START, 3, 4);
    const r = await collectSimulatedWindows({ service: "checkout", tasks: 4, seed: 3, startMs: START, days: 3, incidents: plan, featureSet: DEFAULT_FEATURE_SET, objects: new MemoryObjectStore() });
    expect(r.keys).toHaveLength(72);
    expect(r.incidents).toHaveLength(plan.length);
    expect(r.incidents[0]).toEqual({ service: "checkout", from: plan[0].start, to: plan[0].end }); // the load spike hits the whole service
    expect(r.incidents[1]).toMatchObject({ service: "checkout", from: plan[1].start, to: plan[1].end, container: expect.stringMatching(/^checkout-1-/) });
  });

  it("refuses a start that is not a whole hour", async () => {
    await expect(collectSimulatedWindows({ service: "s", tasks: 1, seed: 1, startMs: START + 60_000, days: 1, incidents: [], featureSet: DEFAULT_FEATURE_SET, objects: new MemoryObjectStore() })).rejects.toThrow(
      "startMs must be a whole hour, got 2026-01-05T00:01:00.000Z",
    );
  });
});
