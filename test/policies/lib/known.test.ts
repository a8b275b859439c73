import { describe, expect, it } from "vitest";
import { isProvided, knownElements, knownEntries, readKnown } from "../../../policies/lib/known";
import { asPreview, UNKNOWN } from "../../helpers/previewValues";

describe("reading preview inputs", () => {
  const props = asPreview({ arn: UNKNOWN, name: "alerts", empty: "", list: ["a", UNKNOWN, "b"], env: { A: "1", B: UNKNOWN } });

  it("readKnown returns known values and undefined for unknown ones", () => {
    expect(readKnown(() => props.name)).toBe("alerts");
    expect(readKnown(() => props.arn)).toBeUndefined();
  });

  it("readKnown rethrows errors that are not about unknown values", () => {
    expect(() => readKnown(() => JSON.parse("{"))).toThrow(SyntaxError);
  });

  it("isProvided counts unknown values as set, empty and missing ones as not", () => {
    expect(isProvided(() => props.arn)).toBe(true);
    expect(isProvided(() => props.name)).toBe(true);
    expect(isProvided(() => props.empty)).toBe(false);
    expect(isProvided(() => (props as Record<string, unknown>)["missing"])).toBe(false);
  });

  it("knownEntries and knownElements keep the known values and count the rest", () => {
    expect(knownEntries(props.env)).toEqual({ A: "1" });
    expect(knownEntries(undefined)).toEqual({});
    expect(knownElements(props.list)).toEqual({ known: ["a", "b"], unknown: 1 });
    expect(knownElements(undefined)).toEqual({ known: [], unknown: 0 });
  });
});
