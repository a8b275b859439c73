import { describe, expect, it } from "vitest";
import { DEFAULT_LIVE_DETECTORS, LiveDetectors } from "../../runtime/handlers/liveDetectors";
import type { LiveDetector } from "../../runtime/handlers/serviceStateLoader";
import { ServiceDetector } from "../../runtime/detection/serviceDetector";
import { makeHarness, SATURATION_FROM } from "../helpers/detectHarness";

const detector = new ServiceDetector({ inputs: 3, detector: {}, scorer: "forest", replicaTtlMs: 60_000, groupTtlMs: 60_000 });
const entry = (version: string): LiveDetector => ({ version, detector });

describe("LiveDetectors", () => {
  it("keeps at most `max` detectors, dropping the least recently kept first", () => {
    const live = new LiveDetectors(2);
    live.keep("a", entry("1"));
    live.keep("b", entry("1"));
    live.keep("a", entry("2")); // a is now the most recent
    live.keep("c", entry("1"));
    expect(live.services()).toEqual(["a", "c"]);
    expect(live.take("b")).toBeUndefined();
    expect(live.take("a")?.version).toBe("2");
    expect(live.take("a")).toBeUndefined(); // taken out: a failed run leaves nothing behind
    expect(live.services()).toEqual(["c"]);
  });

  it("under memory pressure keeps no new detector and drops the oldest kept one per save", () => {
    let short = false;
    const live = new LiveDetectors(10, () => short);
    for (const s of ["a", "b", "c"]) live.keep(s, entry("1"));
    short = true;
    live.keep("d", entry("1"));
    expect(live.services()).toEqual(["b", "c"]);
    live.keep("b", entry("2")); // b's own earlier save goes too: it is not the one stored now
    expect(live.services()).toEqual([]);
    short = false;
    live.keep("e", entry("1"));
    expect(live.services()).toEqual(["e"]);
  });

  it("keeps none with max 0, defaults to DEFAULT_LIVE_DETECTORS, and refuses a bound that is not a whole number >= 0", () => {
    const none = new LiveDetectors(0);
    none.keep("a", entry("1"));
    expect(none.take("a")).toBeUndefined();
    expect(new LiveDetectors().max).toBe(DEFAULT_LIVE_DETECTORS);
    expect(() => new LiveDetectors(-1)).toThrow("liveDetectors must be a whole number >= 0 (0 keeps none), got -1");
    expect(() => new LiveDetectors(1.5)).toThrow("got 1.5");
  });

  it("in the detect handler: a detector decoded from the store detects exactly as the one kept in memory", async () => {
    const kept = makeHarness();
    const decoded = makeHarness({ settings: { ...kept.deps.settings, liveDetectors: 0 } });
    const runs = [];
    for (const minute of [SATURATION_FROM - 20, SATURATION_FROM - 5, SATURATION_FROM + 6, SATURATION_FROM + 12]) {
      kept.minute = minute;
      decoded.minute = minute;
      runs.push([(await kept.detect()).services[0], (await decoded.detect()).services[0]]);
    }
    for (const [a, b] of runs) {
      expect(b.error).toBeUndefined();
      expect(b.anomalies).toEqual(a.anomalies);
      expect(b.events).toEqual(a.events);
    }
    expect(runs.flatMap(([a]) => a.events).length).toBeGreaterThan(0);
    expect(() => makeHarness({ settings: { liveDetectors: -2 } })).toThrow("liveDetectors must be a whole number >= 0");
  });
});
