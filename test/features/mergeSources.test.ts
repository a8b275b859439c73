import { describe, expect, it } from "vitest";
import { mergeSources } from "../../runtime/features/mergeSources";
import type { MetricSample } from "../../runtime/types";

const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const s = (metric: string, container: string, minute: number, value: number, second = 0): MetricSample => ({
  service: "checkout",
  container,
  metric,
  timestamp: T0 + minute * 60_000 + second * 1000,
  value,
});

describe("mergeSources", () => {
  it("keeps the first-listed source's sample when both report the same container, metric and step, and counts the override", () => {
    const splunk = [s("cpu", "c1", 0, 10), s("cpu", "c1", 1, 11), s("mem", "c1", 0, 100)];
    const dynatrace = [s("cpu", "c1", 0, 10.05, 30), s("cpu", "c1", 2, 12), s("mem", "c1", 0, 500), s("cpu", "c2", 0, 5)];
    const { samples, report } = mergeSources([{ name: "splunk", samples: splunk }, { name: "dynatrace", samples: dynatrace }], 60_000);

    expect(samples).toEqual([
      { ...s("cpu", "c1", 0, 10), source: "splunk" },
      { ...s("cpu", "c1", 1, 11), source: "splunk" },
      { ...s("mem", "c1", 0, 100), source: "splunk" },
      { ...s("cpu", "c1", 2, 12), source: "dynatrace" },
      { ...s("cpu", "c2", 0, 5), source: "dynatrace" },
    ]);
    expect(report).toEqual({ kept: { splunk: 3, dynatrace: 2 }, overridden: { splunk: 0, dynatrace: 2 }, disagreements: 1 });
  });

  it("reversing the priority reverses the winner", () => {
    const a = [s("cpu", "c1", 0, 1)];
    const b = [s("cpu", "c1", 0, 2)];
    expect(mergeSources([{ name: "b", samples: b }, { name: "a", samples: a }], 60_000).samples).toEqual([{ ...b[0], source: "b" }]);
  });

  it("keeps several samples of one source in one step (alignment averages them)", () => {
    const { samples, report } = mergeSources([{ name: "splunk", samples: [s("cpu", "c1", 0, 1), s("cpu", "c1", 0, 3, 30)] }], 60_000);
    expect(samples).toHaveLength(2);
    expect(report.overridden).toEqual({ splunk: 0 });
  });

  it("rejects an ambiguous priority list and a bad step", () => {
    expect(() => mergeSources([{ name: "x", samples: [] }, { name: "x", samples: [] }], 60_000)).toThrow('source "x" is listed twice');
    expect(() => mergeSources([], 0)).toThrow("stepMs must be a positive number, got 0");
  });
});
