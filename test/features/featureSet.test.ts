import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { featureDim, featureSetDifferences, validateFeatureSet, type FeatureSet } from "../../runtime/features/featureSet";
import { minScaleForRole } from "../../runtime/features/roleScale";

describe("validateFeatureSet", () => {
  it("accepts the default feature set: 7 metrics, one per role the detector decides on, 60 s steps", () => {
    expect(validateFeatureSet(DEFAULT_FEATURE_SET)).toBe(DEFAULT_FEATURE_SET);
    expect(DEFAULT_FEATURE_SET.metrics.map((m) => m.role)).toEqual(["cpu", "memory", "network-rx", "network-tx", "restarts", "throttling", "latency"]);
    expect(DEFAULT_FEATURE_SET.stepSeconds).toBe(60);
    expect(featureDim(DEFAULT_FEATURE_SET)).toBe(7 * DEFAULT_FEATURE_SET.shingleSize);
  });

  const base = DEFAULT_FEATURE_SET;
  it.each<[string, FeatureSet, string]>([
    ["no metrics", { ...base, metrics: [] }, "model.json: metrics: must list at least one metric, got an array of 0"],
    ["an empty name", { ...base, metrics: [{ name: " ", role: "cpu" }] }, 'model.json: metrics[0].name: must be a non-empty string, got " "'],
    ["a metric twice", { ...base, metrics: [base.metrics[0], base.metrics[0]] }, 'model.json: metric "container.cpu.utilized" is listed twice'],
    ["an unknown role", { ...base, metrics: [{ name: "x", role: "disk" as "cpu" }] }, 'model.json: metrics[0].role: expected one of cpu, memory, network-rx, network-tx, restarts, throttling, latency, other, got "disk"'],
    ["a fractional step", { ...base, stepSeconds: 0.5 }, "model.json: stepSeconds: must be a positive integer, got 0.5"],
    ["a negative fill limit", { ...base, maxFillSteps: -1 }, "model.json: maxFillSteps: must be an integer >= 0, got -1"],
    ["shingle size 0", { ...base, shingleSize: 0 }, "model.json: shingleSize: must be an integer >= 1, got 0"],
  ])("rejects %s, naming the field", (_what, fs, message) => {
    expect(() => validateFeatureSet(fs, "model.json")).toThrow(message);
  });
});

describe("featureSetDifferences", () => {
  it("is empty for equal feature sets and names every difference otherwise", () => {
    expect(featureSetDifferences(DEFAULT_FEATURE_SET, { ...DEFAULT_FEATURE_SET })).toEqual([]);
    const serving: FeatureSet = { metrics: [...DEFAULT_FEATURE_SET.metrics].reverse(), stepSeconds: 30, maxFillSteps: 5, shingleSize: 4 };
    const diffs = featureSetDifferences(DEFAULT_FEATURE_SET, serving);
    expect(diffs).toHaveLength(4);
    expect(diffs[0]).toMatch(/^metrics: model has \[container\.cpu\.utilized, .*\], serving has \[http\.server\.latency\.p95, /);
    expect(diffs.slice(1)).toEqual([`stepSeconds: model 60, serving 30`, `shingleSize: model ${DEFAULT_FEATURE_SET.shingleSize}, serving 4`, `maxFillSteps: model ${DEFAULT_FEATURE_SET.maxFillSteps}, serving 5`]);
  });
});

describe("minScaleForRole", () => {
  it("gives counters an absolute floor and leaves the others to the relative one", () => {
    expect(minScaleForRole("restarts")).toBe(0.25);
    expect(minScaleForRole("throttling")).toBe(1);
    expect(minScaleForRole("cpu")).toBe(0);
    expect(minScaleForRole("latency")).toBe(0);
  });
});
