import { describe, expect, it } from "vitest";
import { Random } from "../../runtime/model/random";
import { formatCsvNumber, formatCsvRecord, parseCsvPart } from "../../training/sageMakerCsv";

describe("formatCsvNumber", () => {
  it("writes plain decimals, never exponents or -0", () => {
    expect(formatCsvNumber(0)).toBe("0");
    expect(formatCsvNumber(-0)).toBe("0");
    expect(formatCsvNumber(1.5)).toBe("1.5");
    expect(formatCsvNumber(-12)).toBe("-12");
    expect(formatCsvNumber(1.2e-7)).toBe("0.00000012");
    expect(formatCsvNumber(-3.0000000000000004e-9)).toBe("-0.0000000030000000000000004");
    expect(formatCsvNumber(1e21)).toBe("1000000000000000000000");
    expect(formatCsvNumber(1.25e22)).toBe("12500000000000000000000");
  });

  it("reads back as exactly the same double", () => {
    const rng = new Random(11);
    for (let i = 0; i < 5000; i++) {
      const v = (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 30 - 15);
      const text = formatCsvNumber(v);
      expect(text).toMatch(/^-?\d+(\.\d+)?$/);
      expect(Number(text)).toBe(v === 0 ? 0 : v);
    }
  });

  it("refuses NaN and infinities", () => {
    expect(() => formatCsvNumber(NaN)).toThrow("cannot write NaN to SageMaker CSV: only finite numbers");
    expect(() => formatCsvNumber(Infinity)).toThrow("cannot write Infinity");
  });
});

describe("formatCsvRecord / parseCsvPart", () => {
  it("round-trips train and labelled test records", () => {
    const text = [formatCsvRecord([1, -0.5]), formatCsvRecord([2e-8, 3])].join("\n") + "\n";
    expect(text).toBe("1,-0.5\n0.00000002,3\n");
    expect(parseCsvPart(text, 2, false, "train/part-0000.csv")).toEqual({ vectors: [[1, -0.5], [2e-8, 3]] });
    expect(parseCsvPart("1,0.5,2\n0,1,1\n", 2, true, "t")).toEqual({ vectors: [[0.5, 2], [1, 1]], labels: [1, 0] });
  });

  it("names file, line and cell of a bad record", () => {
    expect(() => parseCsvPart("1,2\n1,2,3\n", 2, false, "train/part-0001.csv")).toThrow("train/part-0001.csv:2: expected 2 numbers (feature_dim 2), found 3");
    expect(() => parseCsvPart("1,1e-7\n", 2, false, "p")).toThrow('p:1: cell 2 "1e-7" is not a plain decimal number');
    expect(() => parseCsvPart("2,1,1\n", 2, true, "p")).toThrow("p:1: label is 2, expected 0 or 1");
  });
});
