import { describe, expect, it } from "vitest";
import { parseSplunkTime, splunkRowsToSamples } from "../../../runtime/adapters/splunk/splunkRowsToSamples";
import type { SplunkSearchSpec } from "../../../runtime/adapters/splunk/splunkSearch";

const SPEC: SplunkSearchSpec = { kind: "mstats", index: "m", metrics: ["cpu", "mem"], serviceField: "svc", containerFields: ["container.id"], stepSeconds: 60 };
const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const RANGE = { from: T0, to: T0 + 5 * 60_000 };

describe("splunkRowsToSamples", () => {
  it("reads ISO and epoch-second times, keeps the first of conflicting duplicates and reports it, drops rows outside the range", () => {
    const { samples, report, examples } = splunkRowsToSamples(
      [
        { _time: "2026-11-25T01:01:00.000+00:00", "container.id": "c1", m0: "10", m1: "" },
        { _time: String(T0 / 1000), "container.id": "c1", m0: "9.5", m1: "100" },
        { _time: "2026-11-25T02:01:00.000+01:00", "container.id": "c1", m0: "11" },
        { _time: "2026-11-25T01:10:00Z", "container.id": "c1", m0: "1", m1: "1" },
        { _time: "yesterday", "container.id": "c1", m0: "1" },
        { _time: "2026-11-25T01:02:00Z", "container.id": "c1", m0: " 1e3 ", m1: "NaN" },
      ],
      SPEC,
      "web",
      RANGE,
    );
    expect(samples.map((s) => [s.metric, (s.timestamp - T0) / 60_000, s.value])).toEqual([
      ["cpu", 0, 9.5],
      ["cpu", 1, 10],
      ["cpu", 2, 1000],
      ["mem", 0, 100],
    ]);
    expect(report).toEqual({ rows: 6, samples: 4, badTime: 1, missingContainer: 0, outOfRange: 1, missingValue: 2, nonNumeric: 1, duplicates: 1, conflictingDuplicates: 1, outOfOrder: 1, negative: 0 });
    expect(examples).toContain("row 2: cpu of c1 at 2026-11-25T01:01:00.000Z repeated with 11 (kept 10)");
    expect(examples).toContain('row 4: _time "yesterday" is not a timestamp');
    expect(examples).toContain('row 5: mem of c1 is "NaN", not a number');
  });

  it("takes the container's name from OpenTelemetry's container.name when it is one of the container fields", () => {
    const spec = { ...SPEC, containerFields: ["aws.ecs.task.id", "container.name"] };
    const rows = [
      { _time: String(T0 / 1000), "aws.ecs.task.id": "t1", "container.name": "app", m0: "10", m1: "100" },
      { _time: String(T0 / 1000), "aws.ecs.task.id": "t1", "container.name": "envoy", m0: "2", m1: "40" },
    ];
    const { samples } = splunkRowsToSamples(rows, spec, "web", RANGE);
    expect(samples.filter((s) => s.metric === "cpu").map((s) => [s.container, s.containerName])).toEqual([
      ["t1/app", "app"],
      ["t1/envoy", "envoy"],
    ]);
    // Without it, containers carry no name: they form one group.
    expect(splunkRowsToSamples([{ _time: String(T0 / 1000), "container.id": "c1", m0: "1", m1: "1" }], SPEC, "web", RANGE).samples[0].containerName).toBeUndefined();
  });

  it("parses Splunk's time formats and nothing else", () => {
    expect(parseSplunkTime("1764032400.500")).toBe(1764032400500);
    expect(parseSplunkTime("2026-11-25T01:00:00.000-05:00")).toBe(Date.UTC(2026, 10, 25, 6));
    expect(parseSplunkTime("25/11/2026")).toBeUndefined();
    expect(parseSplunkTime(undefined)).toBeUndefined();
  });
});
