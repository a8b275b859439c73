import { describe, expect, it } from "vitest";
import { checkStateKey } from "../../runtime/adapters/stateKey";
import { CONTAINER_DETECTOR } from "../../runtime/detection/detectorProfiles";
import { emptyTrackerState } from "../../runtime/detection/incidentTracker";
import { ServiceDetector } from "../../runtime/detection/serviceDetector";
import { decodeDetector, decodeServiceState, detectorStateKey, encodeDetector, encodeServiceState, SERVICE_STATE_FORMAT, type ServiceState } from "../../runtime/handlers/detectorState";
import { packState } from "../../runtime/model/binaryState";
import { Random } from "../../runtime/model/random";
import type { SeasonalProfileState } from "../../runtime/model/seasonalProfile";
import { weeklyTraffic } from "../helpers/weeklyTraffic";
import { openEvent } from "../helpers/incidentEvents";

function detector(thresholdQuantile = 0): ServiceDetector {
  const d = new ServiceDetector({ inputs: 2, detector: { ...CONTAINER_DETECTOR, numTrees: 10, sampleSize: 32, thresholdQuantile }, scorer: "forest", replicaTtlMs: 3_600_000, groupTtlMs: 86_400_000 });
  const r = new Random(4);
  for (let s = 0; s < 80; s++) d.process(s * 60_000, ["t1/app", "t2/app", "t1/envoy"].map((c) => ({ container: c, containerName: c.split("/")[1], values: [10 + r.normal(), 50 + r.normal()] })));
  return d;
}

function state(d = detector()): ServiceState {
  return { format: SERVICE_STATE_FORMAT, modelId: "model-1", featureSetId: "fs-1", lastScoredStep: 79 * 60_000, tracker: emptyTrackerState(), scaling: { lastActionAt: 5 }, outbox: [openEvent()], eventCounts: { [openEvent().incident.id]: 1 }, detector: encodeDetector(d.toState()) };
}

describe("detectorState", () => {
  it("keys each service's state under detector/, percent-encoding any name into a key every store accepts", () => {
    expect(detectorStateKey("checkout")).toBe("detector/checkout.bin");
    for (const name of ["checkout", "web api/v2", "..", "svc!'()*~", "ünïcode", "a.b_c-d"]) expect(() => checkStateKey(detectorStateKey(name))).not.toThrow();
    expect(detectorStateKey("svc!'()*~")).toBe("detector/svc%21%27%28%29%2A%7E.bin");
    expect(detectorStateKey("a/b")).toBe("detector/a%2Fb.bin"); // one segment, not a sub-folder
  });

  it("round-trips a service's state through its binary form: the detector continues bit for bit", () => {
    const d = detector();
    const back = decodeServiceState(encodeServiceState(state(d)), "k");
    expect({ ...back, detector: undefined }).toEqual({ ...state(d), detector: undefined });
    const restored = ServiceDetector.fromState(d.config, decodeDetector(back.detector, "k"));
    const rows = ["t1/app", "t2/app", "t1/envoy"].map((c, i) => ({ container: c, containerName: c.split("/")[1], values: [30 + i, 50] }));
    expect(restored.process(80 * 60_000, rows)).toEqual(d.process(80 * 60_000, rows));
    expect(restored.groupNames()).toEqual(["app", "envoy"]);
  });

  it("round-trips a detector with a threshold quantile (its score histogram passes the state schema)", () => {
    const d = detector(0.99);
    const restored = ServiceDetector.fromState(d.config, decodeDetector(encodeDetector(d.toState()), "k"));
    const rows = ["t1/app", "t2/app", "t1/envoy"].map((c, i) => ({ container: c, containerName: c.split("/")[1], values: [30 + i, 50] }));
    expect(restored.process(80 * 60_000, rows)).toEqual(d.process(80 * 60_000, rows));
    const state = d.toState();
    const [group] = state.groups;
    const badTail = { ...state, groups: [{ ...group, model: { ...group.model, thresholder: { ...group.model.thresholder, tail: ["x"] } } }] };
    expect(() => decodeDetector(packState(badTail), "k")).toThrow(/k: detector: groups\[0\]\.model\.thresholder\.tail\[0\]: expected a number/);
  });

  it("round-trips a detector whose seasonal view holds a week at 2-minute steps (its long cycle's bins pass the state schema)", () => {
    const d = new ServiceDetector({ inputs: 1, detector: { ...CONTAINER_DETECTOR, numTrees: 10, sampleSize: 32 }, scorer: "forest", replicaTtlMs: 3_600_000, groupTtlMs: 30 * 86_400_000 });
    const day = 720;
    const values = weeklyTraffic(23 * day, 5, day);
    const row = (t: number) => [{ container: "t1/app", containerName: "app", values: [values[t]] }];
    for (let t = 0; t < 22 * day; t++) d.process(t * 120_000, row(t));
    const decoded = decodeDetector(encodeDetector(d.toState()), "k");
    expect(decoded).toEqual(d.toState());
    const seasonal = (decoded.groups[0].model as unknown as { seasonal: { profiles: SeasonalProfileState[] } }).seasonal.profiles[0];
    expect(seasonal.period).toBe(day);
    expect(seasonal.coarse?.binsPerCycle).toBe(24);
    expect(seasonal.long?.bins.length).toBeGreaterThan(0);
    const restored = ServiceDetector.fromState(d.config, decoded);
    for (let t = 22 * day; t < 23 * day; t++) expect(restored.process(t * 120_000, row(t))).toEqual(d.process(t * 120_000, row(t)));
  });

  it("keeps what the alert rules add: a rule-tagged event in the outbox and the tracker's held alerts", () => {
    const d = detector();
    const tagged: ServiceState = { ...state(d), outbox: [{ ...openEvent(), rules: ["maintenance:db-patch", "deployment"] }], tracker: { ...emptyTrackerState(), held: { "t1/app": 60_000 } } };
    const back = decodeServiceState(encodeServiceState(tagged), "k");
    expect(back.outbox[0].rules).toEqual(["maintenance:db-patch", "deployment"]);
    expect(back.tracker.held).toEqual({ "t1/app": 60_000 });
  });

  it.each<[string, (good: Uint8Array) => Uint8Array, RegExp]>([
    ["truncated", (b) => b.subarray(0, b.length - 100), /k: binary state is corrupt or truncated/],
    ["a flipped byte", (b) => Uint8Array.from(b, (x, i) => (i === b.length - 40 ? x ^ 0xff : x)), /k: binary state is corrupt/],
    ["JSON text", () => Buffer.from(JSON.stringify({ format: "cad-detector-state/1" })), /k: not a binary detector state \(expected it to start with "CADS", it starts with "\{"format"/],
    ["`{}` packed", () => packState({}), /k: format is undefined, this build reads "cad-service-state\/2"/],
    ["an older format", () => packState({ format: "cad-detector-state/1", tracker: {} }), /k: format is "cad-detector-state\/1"/],
    ["wrong types", () => encodeServiceState({ ...state(), tracker: { recent: [{ timestamp: "yesterday", anomalies: [] }] } } as unknown as ServiceState), /k: tracker\.recent\[0\]\.timestamp: expected a number, got "yesterday"/],
    ["a newer codec version", (b) => Uint8Array.from(b, (x, i) => (i === 4 ? 9 : x)), /k: binary state codec version 9, this build reads version 1/],
  ])("refuses %s, saying why", (_what, edit, message) => {
    expect(() => decodeServiceState(edit(encodeServiceState(state())), "k")).toThrow(message);
  });

  it("refuses a detector part of the wrong shape, naming the field", () => {
    const bad = encodeDetector({ ...detector().toState(), replicas: [{ container: "", group: "app", lastSeen: 0 }] } as never);
    expect(() => decodeDetector(bad, "k")).toThrow(/k: detector: replicas\[0\]\.container/);
  });
});
