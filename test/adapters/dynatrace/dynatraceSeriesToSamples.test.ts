import { describe, expect, it } from "vitest";
import { dynatraceSeriesToSamples } from "../../../runtime/adapters/dynatrace/dynatraceSeriesToSamples";

const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const MIN = 60_000;
const opts = { service: "web", metric: "cpu", dimension: "dt.entity.container_group_instance", slotMs: MIN, range: { from: T0, to: T0 + 5 * MIN } };

describe("dynatraceSeriesToSamples", () => {
  const series = [
    { dimensionMap: { "dt.entity.container_group_instance": "CGI-1", "dt.entity.container_group": "CG-app" }, timestamps: [T0 + MIN, T0 + 2 * MIN], values: [10, null] },
    { dimensionMap: { "dt.entity.container_group_instance": "CGI-2", "dt.entity.container_group": "CG-envoy" }, timestamps: [T0 + MIN], values: [2] },
  ];

  it("names each container's replica group from the configured name dimension", () => {
    const { samples } = dynatraceSeriesToSamples(series, { ...opts, nameDimension: "dt.entity.container_group" });
    expect(samples.map((s) => [s.container, s.containerName, s.timestamp - T0, s.value])).toEqual([
      ["CGI-1", "CG-app", 0, 10],
      ["CGI-2", "CG-envoy", 0, 2],
    ]);
  });

  it("leaves containers unnamed (one group) without a name dimension, or when a series lacks it", () => {
    expect(dynatraceSeriesToSamples(series, opts).samples.every((s) => s.containerName === undefined)).toBe(true);
    const unnamed = [{ dimensionMap: { "dt.entity.container_group_instance": "CGI-3" }, timestamps: [T0 + MIN], values: [1] }];
    expect(dynatraceSeriesToSamples(unnamed, { ...opts, nameDimension: "dt.entity.container_group" }).samples[0].containerName).toBeUndefined();
  });
});
