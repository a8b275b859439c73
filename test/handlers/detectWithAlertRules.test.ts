import { describe, expect, it } from "vitest";
import { NO_RULES, type AlertRules } from "../../runtime/detection/alertRules";
import { makeHarness, MIN, SATURATION_FROM, T0 } from "../helpers/detectHarness";

/** Clock at SATURATION_FROM + 12 min: without rules the window opens one saturation incident and scales out. */
const DURING = SATURATION_FROM + 12;
const harness = (rules: Partial<AlertRules>) => makeHarness({ settings: { firstRunSteps: 30, rules: { ...NO_RULES, ...rules } } });

describe("the detect handler under operators' alert rules (the same path as the Lambda, cad demo and cad backtest)", () => {
  it("metric rules: CPU and latency changes under their minimum never alert; the detector still scores and reports the anomalies", async () => {
    const h = harness({ metrics: [{ metric: "cpu", minAbsolute: 1000 }, { metric: "latency", minRelative: 100 }] });
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    // Every container's first saturated steps are scored anomalous (then the forest learns the saturation).
    const saturated = s.anomalies.filter((a) => a.timestamp >= T0 + SATURATION_FROM * MIN);
    expect(new Set(saturated.filter((a) => a.timestamp === T0 + SATURATION_FROM * MIN).map((a) => a.container)).size).toBe(4);
    expect(saturated.length).toBeGreaterThanOrEqual(4 * 3);
    expect(s.events).toEqual([]);
    expect(h.sink.sent).toEqual([]);
    expect(h.scaler.applied).toEqual([]);
  });

  it("direction: alerting on CPU and latency going down only ignores a saturation (both up)", async () => {
    const h = harness({ metrics: [{ metric: "cpu", direction: "down" }, { metric: "latency", direction: "down" }] });
    h.minute = DURING;
    expect((await h.detect()).services[0].events).toEqual([]);
  });

  it("direction `up` on the same metrics leaves the saturation alerting as without rules", async () => {
    const h = harness({ metrics: [{ metric: "cpu", direction: "up" }, { metric: "latency", direction: "up" }] });
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    expect(s.events.map((e) => `${e.type}:${e.incident.kind}`)).toEqual(["open:saturation"]);
    expect(s.events[0].rules).toBeUndefined();
  });

  it("a suppressing one-off window: no incident, no alert, no scaling while it holds", async () => {
    const h = harness({ maintenance: [{ name: "db-patch", mode: "suppress", start: T0 + (SATURATION_FROM - 5) * MIN, end: T0 + (SATURATION_FROM + 60) * MIN }] });
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    expect(s.events).toEqual([]);
    expect(h.scaler.applied).toEqual([]);
  });

  it("a tagging recurring window: the incident alerts with the window's tag, and the service is not scaled", async () => {
    // T0 is Monday 2026-01-05 00:00 UTC; the saturation starts at 10:40 UTC = 11:40 in Berlin.
    const h = harness({ maintenance: [{ name: "release", mode: "tag", days: ["mon"], at: "11:00", durationMinutes: 120, timeZone: "Europe/Berlin" }] });
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    expect(s.events.map((e) => `${e.type}:${e.incident.kind}`)).toEqual(["open:saturation"]);
    expect(s.events[0].rules).toEqual(["maintenance:release"]);
    expect(s.events[0].scaling).toBeUndefined();
    expect(h.scaler.applied).toEqual([]);
    expect(h.scaler.attempts).toEqual([]);
    expect(h.sink.sent[0]).toMatchObject({ rules: ["maintenance:release"] });
  });

  it("an incident open when a suppressing window starts gets no more anomalies: it resolves after the quiet steps, and the resolve says why", async () => {
    const start = T0 + (DURING + 3) * MIN;
    const h = harness({ maintenance: [{ name: "db-patch", mode: "suppress", start, end: start + 120 * MIN }] });
    h.minute = DURING;
    const first = (await h.detect()).services[0];
    expect(first.events.map((e) => e.type)).toEqual(["open"]);
    h.minute = DURING + 30;
    const second = (await h.detect()).services[0];
    const resolve = second.events.find((e) => e.type === "resolve");
    expect(resolve?.rules).toEqual(["maintenance:db-patch"]);
    expect(resolve?.incident.resolvedAt).toBeGreaterThanOrEqual(start);
  });

  it("during a deployment: `tag` alerts with the tag, `hold` holds the alert, `alert` alerts as usual", async () => {
    const tagged = harness({ onDeployment: "tag" });
    tagged.scaler.deploying = true;
    tagged.minute = DURING;
    const t = (await tagged.detect()).services[0];
    expect(t.events.map((e) => [e.type, e.rules])).toEqual([["open", ["deployment"]]]);
    expect(tagged.scaler.attempts).toEqual([]);

    // `hold` holds the alert while the deployment lasts. A deployment ending within the saturation's first minutes:
    // it is still anomalous at the next run and opens then, untagged.
    const held = harness({ onDeployment: "hold" });
    held.scaler.deploying = true;
    held.minute = SATURATION_FROM + 5;
    expect((await held.detect()).services[0].events).toEqual([]);
    held.scaler.deploying = false;
    held.minute = SATURATION_FROM + 10;
    const after = (await held.detect()).services[0];
    expect(after.events.map((e) => [e.type, e.rules])).toEqual([["open", undefined]]);
    // A saturation held for longer than a dozen steps has been learnt as the new normal by then (the forest learns a
    // confirmed anomaly as observed): after a long deployment nothing opens, its level is the service's new normal.
    const long = harness({ onDeployment: "hold" });
    long.scaler.deploying = true;
    for (long.minute = SATURATION_FROM + 5; long.minute <= SATURATION_FROM + 20; long.minute += 5) expect((await long.detect()).services[0].events).toEqual([]);
    long.scaler.deploying = false;
    long.minute = SATURATION_FROM + 25;
    expect((await long.detect()).services[0].events).toEqual([]);

    const plain = harness({ onDeployment: "alert" });
    plain.scaler.deploying = true;
    plain.minute = DURING;
    expect((await plain.detect()).services[0].events.map((e) => [e.type, e.rules])).toEqual([["open", undefined]]);
  });

  it("refuses rules on a metric the feature set does not have, naming the feature set's metrics", () => {
    expect(() => harness({ metrics: [{ metric: "container.cpu.utilized", minAbsolute: 10 }] })).toThrow('alert rules: metrics[0].metric "container.cpu.utilized" is not a metric of the feature set (its metrics: cpu, memory, latency)');
  });
});
