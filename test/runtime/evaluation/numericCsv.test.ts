import { describe, expect, it } from "vitest";
import { parseNumericRows, splitHeader } from "../../../runtime/evaluation/numericCsv";

describe("parseNumericRows with missing values", () => {
  it("reads an empty cell and NaN / NA / null / None in any case as NaN", () => {
    const rows = parseNumericRows("1,,3\nNaN,nan,NA\nnull,None,2", "f.csv", 1, { missing: true });
    expect(rows.map((r) => r.map((x) => (Number.isNaN(x) ? "-" : x)))).toEqual([[1, "-", 3], ["-", "-", "-"], ["-", "-", 2]]);
  });

  it("still refuses any other text, naming file, line and column", () => {
    expect(() => parseNumericRows("1,2\n3,x", "f.csv", 1, { missing: true })).toThrow('f.csv:2: column 2 "x" is not a finite number or a missing value (empty, NaN, NA, null)');
    expect(() => parseNumericRows("1,Infinity", "f.csv", 1, { missing: true })).toThrow("f.csv:1: column 2");
  });

  it("refuses a missing value without the option", () => {
    expect(() => parseNumericRows("1,", "f.csv")).toThrow('f.csv:1: column 2 "" is not a finite number');
  });
});

describe("splitHeader beside missing values", () => {
  it("takes a first line of words as a header, but a first line of missing values (NaN, NA, null) as data", () => {
    expect(splitHeader("cpu,mem\n1,2").header).toBe("cpu,mem");
    expect(splitHeader("NaN,NA\n1,2")).toEqual({ header: null, body: "NaN,NA\n1,2", firstLine: 1 });
    expect(splitHeader("cpu,NaN\n1,2").header).toBe("cpu,NaN");
  });
});
