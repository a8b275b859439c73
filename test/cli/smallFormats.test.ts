import { describe, expect, it } from "vitest";
import { formatTestChannel, formatTrainChannel } from "../../cli/sageMakerChannels";
import { formatCsvNumber as plainDecimal } from "../../training/sageMakerCsv";
import { formatTruthCsv, inTruthWindow, parseTruthCsv } from "../../cli/truthWindows";
import { histogram } from "../../cli/train/train";

describe("SageMaker CSV channels", () => {
  it("writes plain decimals, no header, label first in the test channel", () => {
    expect(plainDecimal(-0)).toBe("0");
    expect(plainDecimal(1.5)).toBe("1.5");
    expect(plainDecimal(1e-7)).toBe("0.0000001");
    expect(plainDecimal(-2.5e-8)).toBe("-0.000000025");
    expect(() => plainDecimal(NaN)).toThrow("only finite numbers");
    expect(formatTrainChannel([[1, -2.25], [0, 3]])).toBe("1,-2.25\n0,3\n");
    expect(formatTestChannel([[1, 2], [3, 4]], [0, 1])).toBe("0,1,2\n1,3,4\n");
    expect(() => formatTestChannel([[1]], [])).toThrow("0 labels for 1 vectors");
  });
});

describe("truth windows CSV", () => {
  const windows = [
    { service: "checkout", start: Date.UTC(2026, 0, 6, 10), end: Date.UTC(2026, 0, 6, 11), kind: "load-spike" },
    { service: "checkout", start: Date.UTC(2026, 0, 6, 16), end: Date.UTC(2026, 0, 6, 18), kind: "memory-leak", container: "c-1" },
  ];
  it("round-trips, and a window without container covers every container", () => {
    const text = formatTruthCsv(windows);
    expect(text.split("\n")[0]).toBe("service,start,end,kind,container");
    expect(parseTruthCsv(text, "t.csv")).toEqual(windows);
    expect(inTruthWindow(windows, "checkout", "any", Date.UTC(2026, 0, 6, 10, 30))).toBe(true);
    expect(inTruthWindow(windows, "checkout", "c-2", Date.UTC(2026, 0, 6, 17))).toBe(false);
    expect(inTruthWindow(windows, "checkout", "c-1", Date.UTC(2026, 0, 6, 18))).toBe(false);
  });
  it.each([
    ["", /^t\.csv:1: empty file/],
    ["service,begin,end\n", /^t\.csv:1: unknown column "begin" \(column 2\)/],
    ["service,end\n", /^t\.csv:1: missing column "start"/],
    ["service,start,end\ns,2026-01-06T10:00:00Z,2026-01-06T09:00:00Z\n", /^t\.csv:2: "end" \(2026-01-06T09:00:00Z\) must be after "start"/],
    ["service,start,end\ns,yesterday,2026-01-06T09:00:00Z\n", /^t\.csv:2: column 2 \("start"\): "yesterday" is not an ISO-8601 time/],
  ])("rejects %j", (text, message) => {
    expect(() => parseTruthCsv(text, "t.csv")).toThrow(message);
  });
});

describe("histogram", () => {
  it("puts every score in one of equal-width bins, the maximum in the last", () => {
    const h = histogram([0, 1, 2, 3, 4], 4);
    expect(h.map((b) => b.count)).toEqual([1, 1, 1, 2]);
    expect(h[0].from).toBe(0);
    expect(h[3].to).toBe(4);
    expect(histogram([2, 2], 3).map((b) => b.count)).toEqual([2, 0, 0]);
  });
});
