import { describe, expect, it } from "vitest";
import { benchFanOut } from "../../bench/fanOutBench";

describe("the fan-out bench line", () => {
  it("runs one 5-minute cycle over every service and reports the line's fields", async () => {
    const line = await benchFanOut(3, 1);
    expect(line).toMatchObject({ name: "fan-out", services: 3, containersPerService: 20, metrics: 7, steps: 5, workers: 1 });
    expect(Object.keys(line)).toEqual(["name", "services", "containersPerService", "metrics", "steps", "workers", "wallMs", "p50ServiceMs", "p95ServiceMs", "stateBytesTotal"]);
    // The services read the same containers, so they store states of one size.
    expect(line.stateBytesTotal % 3).toBe(0);
    expect(line.stateBytesTotal).toBeGreaterThan(0);
    expect(line.p95ServiceMs).toBeGreaterThanOrEqual(line.p50ServiceMs);
  }, 120_000);
});
