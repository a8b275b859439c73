import { describe, expect, it } from "vitest";
import { attributeAnomaly } from "../../runtime/detection/attributeAnomaly";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { FS, NORM, rowAt } from "../helpers/anomalies";

const sum = (xs: readonly { share: number }[]) => xs.reduce((s, x) => s + x.share, 0);
const descending = (xs: readonly { share: number }[]) => xs.every((x, i) => i === 0 || xs[i - 1].share >= x.share);

describe("attributeAnomaly", () => {
  it("without a scorer attribution: shares from |z| of the newest row, summing to 1, in descending order", () => {
    const row = rowAt("c1", 0, { memory: 6, cpu: -2, latency: 1 });
    const attr = attributeAnomaly(row, FS, NORM);
    expect(attr.map((a) => a.metric)).toEqual(["container.memory.utilized", "container.cpu.utilized", "http.server.latency.p95", "container.network.rate.rx", "container.network.rate.tx", "container.restarts", "container.cpu.throttled"]);
    expect(attr.slice(0, 3).map((a) => a.share)).toEqual([6 / 9, 2 / 9, 1 / 9].map((x) => expect.closeTo(x, 12) as unknown as number));
    expect(sum(attr)).toBeCloseTo(1, 12);
    expect(descending(attr)).toBe(true);
    expect(attr[0]).toMatchObject({ role: "memory", value: 510, expected: 450 });
  });

  it("with a scorer attribution: sums each metric's dimensions over the shingle, ignoring negative parts", () => {
    const fs: FeatureSet = { metrics: FS.metrics.slice(0, 3), stepSeconds: 60, maxFillSteps: 1, shingleSize: 2 };
    const norm = { mean: NORM.mean.slice(0, 3), std: NORM.std.slice(0, 3) };
    const row = { ...rowAt("c1", 0, {}), values: [40, 450, 8e4] };
    // dims: [cpu, mem, rx] (older row) then [cpu, mem, rx] (newest row)
    const attr = attributeAnomaly(row, fs, norm, [0.1, 0.2, -0.5, 0.3, 0.4, 0]);
    expect(Object.fromEntries(attr.map((a) => [a.role, a.share]))).toEqual({ cpu: expect.closeTo(0.4, 12), memory: expect.closeTo(0.6, 12), "network-rx": 0 });
    expect(attr[0].role).toBe("memory");
    expect(sum(attr)).toBeCloseTo(1, 12);
  });

  it("falls back to z-scores when the scorer's attribution has the wrong length, and splits evenly when nothing deviates", () => {
    const row = rowAt("c1", 0, { cpu: 3 });
    expect(attributeAnomaly(row, FS, NORM, [1, 2, 3])[0]).toMatchObject({ role: "cpu", share: 1 });
    const flat = attributeAnomaly(rowAt("c1", 0, {}), FS, NORM);
    flat.forEach((a) => expect(a.share).toBeCloseTo(1 / 7, 12));
  });
});
