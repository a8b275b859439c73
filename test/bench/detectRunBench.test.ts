import { describe, expect, it } from "vitest";
import { benchDetectRun } from "../../bench/detectRunBench";

describe("benchDetectRun", () => {
  it("measures one scheduled run's compute, the stored state and its load + save, with the fields of the bench line", async () => {
    const r = await benchDetectRun(20, 2);
    expect(Object.keys(r).sort()).toEqual(["computeMs", "containers", "loadSaveMs", "metrics", "modelBytes", "name", "runs", "stateBytes", "stateBytesPerContainer", "steps"]);
    expect(r).toMatchObject({ name: "detect-run", containers: 20, metrics: 7, steps: 5, runs: 2 });
    // Compute is the run's time less a separately timed load + save: finite, but at 20 containers it may come
    // out near zero either way on a busy machine, so only its kind is checked here.
    expect(Number.isFinite(r.computeMs)).toBe(true);
    expect(r.loadSaveMs).toBeGreaterThan(0);
    expect(r.stateBytes).toBeGreaterThan(r.modelBytes);
    // A replica's part of the state is small: its shingle, previous values and alert bookkeeping.
    expect(r.stateBytesPerContainer).toBeGreaterThan(0);
    expect(r.stateBytesPerContainer).toBeLessThan(2048);
  });
});
