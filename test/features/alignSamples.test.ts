import { describe, expect, it } from "vitest";
import { alignSamples, fillShortGaps, InvalidSampleError } from "../../runtime/features/alignSamples";
import type { FeatureSet } from "../../runtime/features/featureSet";
import type { MetricSample } from "../../runtime/types";

const T0 = Date.UTC(2026, 0, 5, 10, 0);
const MIN = 60_000;
const FS: FeatureSet = {
  metrics: [
    { name: "cpu", role: "cpu" },
    { name: "mem", role: "memory" },
  ],
  stepSeconds: 60,
  maxFillSteps: 2,
  shingleSize: 1,
};

const s = (metric: string, timestamp: number, value: number, container = "c1", service = "checkout"): MetricSample => ({ service, container, metric, timestamp, value });
/** Both metrics of `container` at minute `i`, a few seconds into the step. */
const both = (i: number, cpu: number, mem: number, container = "c1"): MetricSample[] => [s("cpu", T0 + i * MIN + 7_000, cpu, container), s("mem", T0 + i * MIN + 9_000, mem, container)];

describe("alignSamples: one row per container per step", () => {
  it("aligns to the step start and averages several samples of one metric in one step", () => {
    const { rows, report } = alignSamples([s("cpu", T0 + 5_000, 10), s("cpu", T0 + 30_000, 20), s("cpu", T0 + 59_999, 60), s("mem", T0 + 1_000, 500), ...both(1, 40, 510)], FS);
    expect(rows.map((r) => r.timestamp)).toEqual([T0, T0 + MIN]);
    expect(rows[0]).toEqual({ service: "checkout", container: "c1", timestamp: T0, values: [30, 500], filled: 0, gap: false });
    expect(rows[1].values).toEqual([40, 510]);
    expect(report).toMatchObject({ samples: 6, duplicates: 0, outOfOrder: 0, unknownMetric: 0, rows: 2, filledValues: 0, gapRows: 0 });
  });

  it("keeps the feature set's metric order whatever order samples arrive in, and sorts rows by service, container, time", () => {
    const samples = [...both(1, 2, 20, "b"), s("mem", T0 + 1_000, 10, "b"), s("cpu", T0 + 2_000, 1, "b"), ...both(0, 7, 70, "a"), { ...s("cpu", T0, 99, "z"), service: "api" }, { ...s("mem", T0, 98, "z"), service: "api" }];
    const { rows } = alignSamples(samples, FS);
    expect(rows.map((r) => `${r.service}/${r.container}@${(r.timestamp - T0) / MIN}`)).toEqual(["api/z@0", "checkout/a@0", "checkout/b@0", "checkout/b@1"]);
    expect(rows[2].values).toEqual([1, 10]);
    expect(rows[0].values).toEqual([99, 98]);
  });

  it("fills a short gap forward from the previous value and counts it on the row and in the report", () => {
    // cpu missing at minutes 1 and 2 (= maxFillSteps): carried forward from minute 0.
    const samples = [...both(0, 10, 100), s("mem", T0 + MIN, 101), s("mem", T0 + 2 * MIN, 102), ...both(3, 13, 103)];
    const { rows, report } = alignSamples(samples, FS);
    expect(rows.map((r) => r.values)).toEqual([
      [10, 100],
      [10, 101],
      [10, 102],
      [13, 103],
    ]);
    expect(rows.map((r) => r.filled)).toEqual([0, 1, 1, 0]);
    expect(rows.every((r) => !r.gap)).toBe(true);
    expect(report.filledValues).toBe(2);
    expect(report.gapRows).toBe(0);
  });

  it("fills a short gap at the start of a series backward from the next value", () => {
    const samples = [s("mem", T0, 100), ...both(1, 11, 101)];
    const { rows } = alignSamples(samples, FS);
    expect(rows[0]).toMatchObject({ timestamp: T0, values: [11, 100], filled: 1, gap: false });
  });

  it("marks rows of a gap longer than maxFillSteps (NaN, gap: true) instead of inventing values", () => {
    // No cpu for minutes 1..3 (3 > maxFillSteps 2).
    const samples = [...both(0, 10, 100), ...[1, 2, 3].map((i) => s("mem", T0 + i * MIN, 100 + i)), ...both(4, 14, 104)];
    const { rows, report } = alignSamples(samples, FS);
    expect(rows.map((r) => r.gap)).toEqual([false, true, true, true, false]);
    expect(rows[2].values[0]).toBeNaN();
    expect(rows[2].values[1]).toBe(102);
    expect(report.gapRows).toBe(3);
    expect(report.filledValues).toBe(0);
  });

  it("marks steps with no sample at all between two observed steps as gaps", () => {
    const { rows } = alignSamples([...both(0, 1, 1), ...both(5, 2, 2)], FS);
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.gap)).toEqual([false, true, true, true, true, false]);
  });

  it("clips rows to a range [from, to)", () => {
    const samples = [0, 1, 2, 3].flatMap((i) => both(i, i, i));
    const { rows } = alignSamples(samples, FS, { from: T0 + MIN, to: T0 + 3 * MIN });
    expect(rows.map((r) => (r.timestamp - T0) / MIN)).toEqual([1, 2]);
  });
});

describe("alignSamples: bad input is reported or rejected clearly", () => {
  it("sorts out-of-order samples and counts them, rather than failing", () => {
    const ordered = [0, 1, 2].flatMap((i) => both(i, i, 10 * i));
    const shuffled = [ordered[4], ordered[5], ordered[0], ordered[1], ordered[2], ordered[3]];
    const a = alignSamples(ordered, FS);
    const b = alignSamples(shuffled, FS);
    expect(b.rows).toEqual(a.rows);
    expect(b.report.outOfOrder).toBe(4);
    expect(a.report.outOfOrder).toBe(0);
  });

  it("drops duplicate (container, metric, timestamp) samples, keeps the first, and counts them", () => {
    const samples = [...both(0, 10, 100), s("cpu", T0 + 7_000, 999), s("mem", T0 + 9_000, 999)];
    const { rows, report } = alignSamples(samples, FS);
    expect(rows[0].values).toEqual([10, 100]);
    expect(report.duplicates).toBe(2);
    expect(report.samples).toBe(4);
  });

  it("ignores metrics outside the feature set and counts them", () => {
    const { rows, report } = alignSamples([...both(0, 1, 2), s("disk", T0, 3)], FS);
    expect(rows[0].values).toEqual([1, 2]);
    expect(report.unknownMetric).toBe(1);
  });

  it("rejects empty input", () => {
    expect(() => alignSamples([], FS)).toThrow(InvalidSampleError);
    expect(() => alignSamples([], FS)).toThrow("no samples to align: the input is empty");
  });

  it.each([
    ["NaN", NaN, "NaN"],
    ["Infinity", Infinity, "Infinity"],
    ["a numeric string", "12.5" as unknown as number, '"12.5"'],
    ["null", null as unknown as number, "null"],
    ["undefined", undefined as unknown as number, "undefined"],
  ])("rejects a sample value that is %s, naming service, container, metric and time", (_what, value, shown) => {
    const bad = { ...s("mem", T0 + MIN + 9_000, 0, "task-7/web"), value };
    const run = () => alignSamples([...both(0, 1, 2), bad], FS);
    expect(run).toThrow(InvalidSampleError);
    expect(run).toThrow(`sample value is not a finite number: service "checkout", container "task-7/web", metric "mem", timestamp 2026-01-05T10:01:09.000Z, value ${shown}`);
  });

  it("rejects a non-numeric timestamp, naming the sample", () => {
    const bad = { ...s("cpu", 0, 1), timestamp: "yesterday" as unknown as number };
    expect(() => alignSamples([bad], FS)).toThrow('sample timestamp is not a number: service "checkout", container "c1", metric "cpu", timestamp yesterday');
  });
});

describe("fillShortGaps", () => {
  it("fills runs up to maxFill (forward, or backward at the start) and leaves longer runs and an all-NaN column alone", () => {
    const col = Float64Array.from([NaN, 1, NaN, 3, NaN, NaN, NaN, 7, NaN]);
    const filledAt = new Uint16Array(col.length);
    expect(fillShortGaps(col, 2, filledAt)).toBe(3);
    expect(Array.from(col)).toEqual([1, 1, 1, 3, NaN, NaN, NaN, 7, 7]);
    expect(Array.from(filledAt)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1]);
    const empty = Float64Array.from([NaN, NaN]);
    expect(fillShortGaps(empty, 5, new Uint16Array(2))).toBe(0);
    expect(fillShortGaps(Float64Array.from([NaN, 2]), 0, new Uint16Array(2))).toBe(0);
  });
});
