import { describe, expect, it } from "vitest";
import { RecordingScaler } from "../../../cli/replay/RecordingScaler";
import { ReplayMetricSource } from "../../../cli/replay/ReplayMetricSource";
import { ScoreRecorder } from "../../../cli/replay/ScoreRecorder";
import type { FeatureSet } from "../../../runtime/features/featureSet";
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

describe("ScoreRecorder", () => {
  const fs: FeatureSet = { metrics: [{ name: "cpu", role: "cpu" }], stepSeconds: 60, maxFillSteps: 0, shingleSize: 2 };
  const norm = { mean: [0], std: [1] };

  it("pairs each score with the container and step of the vector scored", async () => {
    const rec = new ScoreRecorder(fs, norm);
    const source = rec.source(new ReplayMetricSource([0, 1, 2, 3].flatMap((m) => [sample("s", "a", m), sample("s", "b", m, 5 + m)])));
    const scorer = rec.scorer({ score: async (v) => v.map((x) => ({ score: x[1] })) });
    // Values stay inside the z-score clip. As the handler does: fetch with one step of shingle context before `from` = minute 2, then score those vectors.
    await source.fetch("s", { from: 1 * MIN, to: 4 * MIN });
    await scorer.score([
      [1, 2],
      [2, 3],
      [6, 7],
      [7, 8],
    ]);
    expect(rec.scores).toEqual([
      { service: "s", container: "a", timestamp: 2 * MIN, score: 2 },
      { service: "s", container: "a", timestamp: 3 * MIN, score: 3 },
      { service: "s", container: "b", timestamp: 2 * MIN, score: 7 },
      { service: "s", container: "b", timestamp: 3 * MIN, score: 8 },
    ]);
  });

  it("refuses to guess when the scored vectors are not the ones the window gives", async () => {
    const rec = new ScoreRecorder(fs, norm);
    const source = rec.source(new ReplayMetricSource([0, 1, 2].map((m) => sample("s", "a", m))));
    const scorer = rec.scorer({ score: async (v) => v.map(() => ({ score: 1 })) });
    await expect(scorer.score([[1, 2]])).rejects.toThrow("without a preceding fetch");
    await source.fetch("s", { from: 1 * MIN, to: 3 * MIN });
    await expect(scorer.score([[9, 9]])).rejects.toThrow("the 1 scored vectors are not the 1 rebuilt from the fetched window");
  });
});
