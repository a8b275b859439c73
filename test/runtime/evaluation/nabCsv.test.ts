import { describe, expect, it } from "vitest";
import { describeNabRepairs, parseNabData, parseNabScores, parseNabTime, parseNabWindows } from "../../../runtime/evaluation/nabCsv";

describe("NAB CSV parsing", () => {
  it("reads timestamp,value rows as UTC times and numbers", () => {
    const s = parseNabData("timestamp,value\n2014-02-14 14:30:00,0.132\r\n2014-02-14 14:35:00,7\n\n", "a/b.csv");
    expect(s.values).toEqual([0.132, 7]);
    expect(s.timestamps[1] - s.timestamps[0]).toBe(300_000);
    expect(s.timestampText[0]).toBe("2014-02-14 14:30:00");
    expect(parseNabTime("2014-04-10 07:15:00.000000")).toBe(Date.UTC(2014, 3, 10, 7, 15, 0));
  });

  it("names the file and line of a malformed row, a missing value, a bad timestamp and a bad header", () => {
    expect(() => parseNabData("timestamp,value\n2014-02-14 14:30:00,1\n2014-02-14 14:35:00\n", "c/f.csv")).toThrow(/^c\/f\.csv:3: expected 2 comma-separated fields, got 1/);
    expect(() => parseNabData("timestamp,value\n2014-02-14 14:30:00,\n", "c/f.csv")).toThrow(/^c\/f\.csv:2: missing value/);
    expect(() => parseNabData("timestamp,value\n2014-02-14 14:30:00,abc\n", "c/f.csv")).toThrow(/^c\/f\.csv:2: value "abc" is not a finite number/);
    expect(() => parseNabData("timestamp,value\nyesterday,1\n", "c/f.csv")).toThrow(/^c\/f\.csv:2: timestamp "yesterday"/);
    expect(() => parseNabData("time,val\n", "c/f.csv")).toThrow(/^c\/f\.csv:1: header must name the columns timestamp,value/);
  });

  it("reads results files and names a bad score's line", () => {
    expect(parseNabScores("timestamp,value,anomaly_score\n2014-02-14 14:30:00,1,0.5\n", "r.csv").scores).toEqual([0.5]);
    expect(() => parseNabScores("timestamp,value,anomaly_score\n2014-02-14 14:30:00,1,x\n", "r.csv")).toThrow(/^r\.csv:2: anomaly_score "x"/);
  });

  it("reads combined_windows.json and rejects malformed windows", () => {
    const w = parseNabWindows('{"a/b.csv": [["2014-04-10 07:15:00.000000", "2014-04-11 16:45:00.000000"]], "a/c.csv": []}', "w.json");
    const [start, end] = w.get("a/b.csv")?.[0] ?? [NaN, NaN];
    expect(end - start).toBe((33 * 60 + 30) * 60_000);
    expect(w.get("a/c.csv")).toEqual([]);
    expect(() => parseNabWindows('{"a/b.csv": [["2014-04-10 07:15:00"]]}', "w.json")).toThrow(/w\.json: "a\/b\.csv" window 0 must be/);
    expect(() => parseNabWindows("{", "w.json")).toThrow(/w\.json: not valid JSON/);
  });
});

describe("parseNabData: out-of-order and repeated timestamps", () => {
  it("sorts rows by time and keeps the first of a repeated timestamp, counting both for the user", () => {
    const text = "timestamp,value\n2014-02-14 14:35:00,2\n2014-02-14 14:30:00,1\n2014-02-14 14:35:00,9\n2014-02-14 14:40:00,3\n2014-02-14 14:40:00,3\n";
    const s = parseNabData(text, "a/b.csv");
    expect(s.timestampText).toEqual(["2014-02-14 14:30:00", "2014-02-14 14:35:00", "2014-02-14 14:40:00"]);
    expect(s.values).toEqual([1, 2, 3]);
    expect(s.report).toEqual({ rows: 5, outOfOrder: 1, duplicates: 2, conflictingDuplicates: 1 });
    expect(describeNabRepairs("a/b.csv", s.report)).toBe("a/b.csv: 1 row(s) out of time order (sorted); 2 repeated timestamp(s) dropped, the first kept (1 with a different value); 3 of 5 rows used");
  });

  it("says nothing for a clean file", () => {
    const s = parseNabData("timestamp,value\n2014-02-14 14:30:00,1\n2014-02-14 14:35:00,2\n", "a/b.csv");
    expect(s.report).toEqual({ rows: 2, outOfOrder: 0, duplicates: 0, conflictingDuplicates: 0 });
    expect(describeNabRepairs("a/b.csv", s.report)).toBeUndefined();
  });
});

