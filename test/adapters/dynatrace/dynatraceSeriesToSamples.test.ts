import { describe, expect, it } from "vitest";
import { dynatraceSeriesToSamples, resolutionMs } from "../../../runtime/adapters/dynatrace/dynatraceSeriesToSamples";

const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const M = 60_000;
const OPTS = { service: "web", metric: "cpu", dimension: "dt.entity.container_group_instance", slotMs: M, range: { from: T0, to: T0 + 3 * M } };

describe("dynatraceSeriesToSamples", () => {
  it("moves slot ends to step starts, skips nulls as gaps, and counts every other bad point", () => {
    const { samples, report } = dynatraceSeriesToSamples(
      [
        { dimensionMap: { "dt.entity.container_group_instance": "CGI-1" }, timestamps: [T0 + M, T0 + 2 * M, T0 + 3 * M, T0 + 4 * M], values: [1, null, 3, 4] },
        { dimensionMap: { "dt.entity.container_group_instance": "CGI-2" }, timestamps: [T0 + M, T0 + M, T0 + 2 * M], values: [5, 6, "7"] },
        { dimensionMap: { other: "x" }, timestamps: [T0 + M], values: [1] },
        { dimensionMap: { "dt.entity.container_group_instance": "CGI-3" }, timestamps: [T0 + M], values: [1, 2] },
        null,
      ],
      OPTS,
    );
    expect(samples).toEqual([
      { service: "web", container: "CGI-1", metric: "cpu", timestamp: T0, value: 1, source: "dynatrace" },
      { service: "web", container: "CGI-1", metric: "cpu", timestamp: T0 + 2 * M, value: 3, source: "dynatrace" },
      { service: "web", container: "CGI-2", metric: "cpu", timestamp: T0, value: 5, source: "dynatrace" },
    ]);
    expect(report).toEqual({ series: 5, points: 8, samples: 3, nulls: 1, nonNumeric: 1, missingDimension: 1, malformedSeries: 2, outOfRange: 1, duplicates: 1, negative: 0 });
  });

  it("reads resolutions", () => {
    expect(resolutionMs("1m")).toBe(60_000);
    expect(resolutionMs("5m")).toBe(300_000);
    expect(resolutionMs("1h")).toBe(3_600_000);
    expect(resolutionMs("Inf")).toBeUndefined();
    expect(resolutionMs("0m")).toBeUndefined();
  });
});

const NAMED_OPTS = { service: "web", metric: "cpu", dimension: "dt.entity.container_group_instance", slotMs: 60_000, range: { from: T0, to: T0 + 5 * 60_000 } };

describe("dynatraceSeriesToSamples: the container name", () => {
  const named = [
    { dimensionMap: { "dt.entity.container_group_instance": "CGI-1", "dt.entity.container_group": "CG-app" }, timestamps: [T0 + 60_000, T0 + 2 * 60_000], values: [10, null] },
    { dimensionMap: { "dt.entity.container_group_instance": "CGI-2", "dt.entity.container_group": "CG-envoy" }, timestamps: [T0 + 60_000], values: [2] },
  ];

  it("names each container's replica group from the configured name dimension", () => {
    const { samples } = dynatraceSeriesToSamples(named, { ...NAMED_OPTS, nameDimension: "dt.entity.container_group" });
    expect(samples.map((s) => [s.container, s.containerName, s.timestamp - T0, s.value])).toEqual([
      ["CGI-1", "CG-app", 0, 10],
      ["CGI-2", "CG-envoy", 0, 2],
    ]);
  });

  it("leaves containers unnamed (one group) without a name dimension, or when a series lacks it", () => {
    expect(dynatraceSeriesToSamples(named, NAMED_OPTS).samples.every((s) => s.containerName === undefined)).toBe(true);
    const unnamed = [{ dimensionMap: { "dt.entity.container_group_instance": "CGI-3" }, timestamps: [T0 + 60_000], values: [1] }];
    expect(dynatraceSeriesToSamples(unnamed, { ...NAMED_OPTS, nameDimension: "dt.entity.container_group" }).samples[0].containerName).toBeUndefined();
  });
});
