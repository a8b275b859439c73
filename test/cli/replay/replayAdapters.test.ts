import { describe, expect, it } from "vitest";
import { RecordingScaler } from "../../../cli/replay/RecordingScaler";
import { ReplayMetricSource } from "../../../cli/replay/ReplayMetricSource";
import { DetectionRecorder } from "../../../cli/replay/DetectionRecorder";
import type { MetricSample } from "../../../runtime/types";

const MIN = 60_000;
const sample = (service: string, container: string, minute: number, value = minute): MetricSample => ({ service, container, metric: "cpu", timestamp: minute * MIN, value });

describe("ReplayMetricSource", () => {
  it("returns a service's samples in [from, to), whatever order they were loaded in", async () => {
    const src = new ReplayMetricSource([sample("a", "c", 3), sample("b", "c", 1), sample("a", "c", 1), sample("a", "c", 2), sample("a", "d", 2)]);
    expect(src.services()).toEqual(["a", "b"]);
    expect((await src.fetch("a", { from: 2 * MIN, to: 3 * MIN })).map((s) => [s.container, s.timestamp / MIN])).toEqual([
      ["c", 2],
      ["d", 2],
    ]);
    expect(await src.fetch("a", { from: 4 * MIN, to: 9 * MIN })).toEqual([]);
    expect(await src.fetch("zzz", { from: 0, to: 9 * MIN })).toEqual([]);
  });
});

describe("RecordingScaler", () => {
  it("tracks the task count per service and records each action at the replay clock's time", async () => {
    let now = 5;
    const scaler = new RecordingScaler(new Map([["svc", 3]]), { now: () => now });
    expect(await scaler.describe("svc")).toEqual({ desiredTasks: 3, runningTasks: 3, deploying: false });
    now = 42;
    await scaler.apply({ service: "svc", action: "scale-out", fromTasks: 3, toTasks: 5, reason: "r" });
    expect(await scaler.describe("svc")).toEqual({ desiredTasks: 5, runningTasks: 5, deploying: false });
    expect(scaler.actions).toEqual([{ at: 42, decision: { service: "svc", action: "scale-out", fromTasks: 3, toTasks: 5, reason: "r" } }]);
    await expect(scaler.describe("other")).rejects.toThrow('unknown service "other"');
    expect(() => new RecordingScaler(new Map([["svc", 0]]), { now: () => 0 })).toThrow("must be a positive integer, got 0");
  });
});

describe("DetectionRecorder", () => {
  it("keeps every detection the handler observes, with its service, container name and expected values", () => {
    const rec = new DetectionRecorder();
    const detection = { container: "t1/app", containerName: "app", timestamp: 2 * MIN, index: 5, score: 1.7, grade: 0.4, alert: true, seasonal: false, confidence: 0.9, likelihood: 0.7, threshold: 1.3, attribution: [1.7], expected: [40], spread: [2], deviations: [5] };
    rec.observe({ service: "s", timestamp: 2 * MIN, rows: [], detections: [detection, { ...detection, container: "t2/app", grade: 0, alert: false }] });
    expect(rec.steps).toEqual([
      { service: "s", container: "t1/app", containerName: "app", timestamp: 2 * MIN, score: 1.7, threshold: 1.3, grade: 0.4, alert: true, expected: [40], spread: [2] },
      { service: "s", container: "t2/app", containerName: "app", timestamp: 2 * MIN, score: 1.7, threshold: 1.3, grade: 0, alert: false, expected: [40], spread: [2] },
    ]);
  });
});
