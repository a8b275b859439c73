import { describe, expect, it } from "vitest";
import { parseMetricsCsv, parseTimestamp } from "../../runtime/features/metricsCsv";

const KNOWN = ["cpu", "mem"];
const parse = (text: string) => parseMetricsCsv(text, "data.csv", { knownMetrics: KNOWN });
const T0 = Date.UTC(2026, 0, 5);

describe("parseMetricsCsv: layouts", () => {
  it("reads feature rows (columns in any order), an empty cell being a missing value", () => {
    const r = parse("service,timestamp,container,mem,cpu\ncheckout,2026-01-05T00:00:00.000Z,c1,100,12.5\ncheckout,2026-01-05T00:01:00Z,c1,,13\n");
    expect(r.layout).toBe("feature-rows");
    expect(r.splunk).toBe(false);
    expect(r.metrics).toEqual(["mem", "cpu"]);
    expect(r.emptyCells).toBe(1);
    expect(r.samples).toEqual([
      { service: "checkout", container: "c1", metric: "mem", timestamp: T0, value: 100, source: "csv" },
      { service: "checkout", container: "c1", metric: "cpu", timestamp: T0, value: 12.5, source: "csv" },
      { service: "checkout", container: "c1", metric: "cpu", timestamp: T0 + 60_000, value: 13, source: "csv" },
    ]);
  });

  it("reads the long format, listing metrics in order of first appearance", () => {
    const r = parse("timestamp,service,container,metric,value\n2026-01-05T00:00:00Z,s,c,mem,5\n2026-01-05T00:00:00Z,s,c,cpu,1e2\n");
    expect(r.layout).toBe("long");
    expect(r.metrics).toEqual(["mem", "cpu"]);
    expect(r.samples.map((s) => [s.metric, s.value])).toEqual([
      ["mem", 5],
      ["cpu", 100],
    ]);
  });

  it("recognises a Splunk export: _time with an offset or as epoch seconds, other _ columns ignored", () => {
    const r = parse('_time,service,container,cpu,_span\n"2026-01-05T01:00:00.000+01:00",s,c,1,60\n1767571260,s,c,2,60\n2026-01-05 00:02:00.000 +0000,s,c,3,60\n');
    expect(r.splunk).toBe(true);
    expect(r.samples.map((s) => s.timestamp)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(r.samples.map((s) => s.value)).toEqual([1, 2, 3]);
  });
});

describe("parseMetricsCsv: errors name file, line and column", () => {
  it.each([
    ["", /^data\.csv:1: empty file/],
    ["timestamp,service,container,cpu\n", /^data\.csv:1: no data lines after the header/],
    ["time,service,container,cpu\nx,s,c,1\n", /^data\.csv:1: no time column: expected "timestamp"/],
    ["timestamp,container,cpu\n2026-01-05T00:00:00Z,c,1\n", /^data\.csv:1: missing column "service"/],
    ["timestamp,service,container,cpu,disk\n2026-01-05T00:00:00Z,s,c,1,2\n", /^data\.csv:1: unknown column "disk" \(column 5\); known metrics: cpu, mem/],
    ["timestamp,service,container,metric,value,host\n2026-01-05T00:00:00Z,s,c,cpu,1,h\n", /^data\.csv:1: unknown column "host" \(column 6\); a long-format file has only timestamp, service, container, metric, value/],
    ["timestamp,service,container,metric\n2026-01-05T00:00:00Z,s,c,cpu\n", /long format needs both "metric" and "value" columns; "value" is missing/],
    ["timestamp,service,container,metric,value\n2026-01-05T00:00:00Z,s,c,disk,1\n", /^data\.csv:2: column 4 \("metric"\): unknown metric "disk"/],
    ["timestamp,service,container,cpu\n2026-01-05T00:00:00,s,c,1\n", /^data\.csv:2: column 1 \("timestamp"\): "2026-01-05T00:00:00" is not a timestamp with a time zone/],
    ["timestamp,service,container,cpu\n2026-02-30T00:00:00Z,s,c,1\n", /^data\.csv:2: column 1 \("timestamp"\)/],
    ["timestamp,service,container,cpu\n2026-01-05T00:00:00Z,s,c,abc\n", /^data\.csv:2: column 4 \("cpu"\): "abc" is not a number \(leave the cell empty for a missing value\)$/],
    ["timestamp,service,container,cpu\n2026-01-05T00:00:00Z,s,c\n", /^data\.csv:2: expected 4 cells like the header, found 3/],
    ["timestamp,service,container,cpu\n2026-01-05T00:00:00Z,,c,1\n", /^data\.csv:2: column 2 \("service"\) is empty/],
    ["timestamp,service,container,cpu\n2026-01-05T00:00:00Z,s,c,\n", /^data\.csv:1: 1 data line\(s\) but not one value/],
    ["timestamp,service,service,cpu\n", /column "service" appears twice in the header \(columns 2 and 3\)/],
    ["_time,timestamp,service,container,cpu\n1,2,s,c,1\n", /both "_time" and "timestamp" columns/],
  ])("%j", (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});

describe("parseTimestamp", () => {
  it("needs a zone; epoch seconds only where allowed", () => {
    expect(parseTimestamp("2026-01-05T00:00:00Z", false)).toBe(T0);
    expect(parseTimestamp("2026-01-05T02:00:00+0200", false)).toBe(T0);
    expect(parseTimestamp("2026-01-05T00:00Z", false)).toBe(T0);
    expect(parseTimestamp("1767571200", false)).toBeUndefined();
    expect(parseTimestamp("1767571200.5", true)).toBe(T0 + 500);
    expect(parseTimestamp("2026-01-05T24:00:00Z", false)).toBeUndefined();
  });
});
