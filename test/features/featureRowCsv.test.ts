import { describe, expect, it } from "vitest";
import { FeatureCsvError, formatFeatureRowsCsv, parseFeatureRowsCsv } from "../../runtime/features/featureRowCsv";
import type { FeatureRow } from "../../runtime/types";
import { CONTAINER_FEATURE_SET as FS } from "../helpers/featureSets";

const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const HEADER = "timestamp,service,container,container.cpu.utilization,container.memory.usage.total,container.network.io.usage.rx_bytes";

function row(container: string, step: number, values: number[]): FeatureRow {
  return { service: "checkout", container, timestamp: T0 + step * 60_000, values, filled: 0, gap: values.some(Number.isNaN) };
}

function parseError(text: string): FeatureCsvError {
  try {
    parseFeatureRowsCsv(text, FS, "metrics/x.csv");
  } catch (err) {
    if (err instanceof FeatureCsvError) return err;
    throw err;
  }
  throw new Error("expected parseFeatureRowsCsv to throw");
}

describe("formatFeatureRowsCsv", () => {
  it("writes the header in feature-set order, ISO UTC timestamps and empty cells for missing values", () => {
    const csv = formatFeatureRowsCsv([row("c-1", 0, [12.5, 1048576, 0.1]), row("c-1", 1, [NaN, 2e9, 3])], FS);
    expect(csv).toBe(`${HEADER}\n2026-11-25T01:00:00.000Z,checkout,c-1,12.5,1048576,0.1\n2026-11-25T01:01:00.000Z,checkout,c-1,,2000000000,3\n`);
  });

  it("quotes cells that hold commas, quotes or line breaks, and round-trips them", () => {
    const rows = [{ ...row('web,"a"\nb', 0, [1, 2, 3]) }];
    const csv = formatFeatureRowsCsv(rows, FS);
    expect(csv).toContain('"web,""a""\nb"');
    expect(parseFeatureRowsCsv(csv, FS, "q.csv")[0].container).toBe('web,"a"\nb');
  });

  it("round-trips values exactly, gaps included", () => {
    const rows = [row("c-1", 0, [0.1 + 0.2, 1 / 3, 1e-12]), row("c-2", 0, [NaN, NaN, 5]), row("c-2", 2, [4.25, 0, 7])];
    const back = parseFeatureRowsCsv(formatFeatureRowsCsv(rows, FS), FS, "r.csv");
    expect(back).toEqual(rows);
    expect(back[1].gap).toBe(true);
  });

  it("refuses rows whose width does not match the feature set, or infinite values", () => {
    expect(() => formatFeatureRowsCsv([row("c-1", 0, [1, 2])], FS)).toThrow(/has 2 values, the feature set has 3 metrics/);
    expect(() => formatFeatureRowsCsv([row("c-1", 0, [1, Infinity, 2])], FS)).toThrow(/container.memory.usage.total is Infinity/);
  });
});

describe("parseFeatureRowsCsv", () => {
  it("accepts columns in any order, CRLF line ends and blank lines", () => {
    const text = `service,timestamp,container.network.io.usage.rx_bytes,container,container.memory.usage.total,container.cpu.utilization\r\ncheckout,2026-11-25T01:00:00Z,3,c-1,2,1\r\n\r\n`;
    expect(parseFeatureRowsCsv(text, FS, "o.csv")).toEqual([row("c-1", 0, [1, 2, 3])]);
  });

  it("names the file for an empty input", () => {
    expect(parseError("").message).toMatch(/^metrics\/x.csv:1: empty file: expected the header "timestamp,service,container,container.cpu.utilization/);
  });

  it("names unknown, duplicate and missing columns", () => {
    expect(parseError(`${HEADER},disk\n`).message).toBe(
      'metrics/x.csv:1: unknown column "disk" (column 7); expected exactly: timestamp, service, container, container.cpu.utilization, container.memory.usage.total, container.network.io.usage.rx_bytes',
    );
    expect(parseError("timestamp,service,container,container.cpu.utilization,container.cpu.utilization\n").message).toBe(
      'metrics/x.csv:1: column "container.cpu.utilization" appears twice in the header',
    );
    expect(parseError("timestamp,service,container,container.cpu.utilization\n").message).toBe(
      'metrics/x.csv:1: missing columns "container.memory.usage.total", "container.network.io.usage.rx_bytes"',
    );
  });

  it("names line and column of a non-numeric cell", () => {
    const err = parseError(`${HEADER}\n2026-11-25T01:00:00.000Z,checkout,c-1,1,2,3\n2026-11-25T01:01:00.000Z,checkout,c-1,1,n/a,3\n`);
    expect(err.line).toBe(3);
    expect(err.message).toBe('metrics/x.csv:3: column 5 ("container.memory.usage.total"): "n/a" is not a number (leave the cell empty for a missing value)');
    expect(parseError(`${HEADER}\n2026-11-25T01:00:00.000Z,checkout,c-1,1,1e999,3\n`).message).toMatch(/:2: column 5 .*"1e999" is too large to be a number \(out of range\)$/);
    expect(parseError(`${HEADER}\n2026-11-25T01:00:00.000Z,checkout,c-1,1,0x10,3\n`).message).toMatch(/"0x10" is not a number/);
    expect(parseError(`${HEADER}\n2026-11-25T01:00:00.000Z,checkout,c-1,1,-2048,3\n`).message).toBe('metrics/x.csv:2: column 5 ("container.memory.usage.total"): "-2048" is negative, but a memory value cannot be');
  });

  it("rejects timestamps that are not ISO-8601 UTC, impossible dates and off-step times", () => {
    for (const ts of ["1764032400000", "2026-11-25 01:00:00", "2026-11-25T01:00:00+01:00", "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z"]) {
      expect(parseError(`${HEADER}\n${ts},checkout,c-1,1,2,3\n`).message).toBe(
        `metrics/x.csv:2: column 1 ("timestamp"): "${ts}" is not an ISO-8601 UTC timestamp like 2026-11-25T01:00:00.000Z`,
      );
    }
    expect(parseError(`${HEADER}\n2026-11-25T01:00:30Z,checkout,c-1,1,2,3\n`).message).toBe(
      'metrics/x.csv:2: column 1 ("timestamp"): 2026-11-25T01:00:30Z is not on a 60-second step boundary',
    );
  });

  it("rejects wrong cell counts, empty keys, duplicate rows and broken quoting", () => {
    expect(parseError(`${HEADER}\n2026-11-25T01:00:00Z,checkout,c-1,1,2\n`).message).toBe("metrics/x.csv:2: expected 6 cells, found 5");
    expect(parseError(`${HEADER}\n2026-11-25T01:00:00Z,,c-1,1,2,3\n`).message).toBe('metrics/x.csv:2: column 2 ("service") is empty');
    expect(parseError(`${HEADER}\n2026-11-25T01:00:00Z,checkout,,1,2,3\n`).message).toBe('metrics/x.csv:2: column 3 ("container") is empty');
    const dup = `${HEADER}\n2026-11-25T01:00:00Z,checkout,c-1,1,2,3\n2026-11-25T01:01:00Z,checkout,c-1,1,2,3\n2026-11-25T01:00:00.000Z,checkout,c-1,4,5,6\n`;
    expect(parseError(dup).message).toBe('metrics/x.csv:4: duplicate row: "checkout"/"c-1" at 2026-11-25T01:00:00.000Z already appears on line 2');
    expect(parseError(`${HEADER}\n2026-11-25T01:00:00Z,"checkout,c-1,1,2,3\n`).message).toBe("metrics/x.csv:2: a quoted cell is never closed");
    expect(parseError(`${HEADER}\n2026-11-25T01:00:00Z,check"out,c-1,1,2,3\n`).message).toMatch(/:2: a quote inside an unquoted cell \(cell 2\)/);
  });
});
