import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { metricCellSchema, parseMetricCell } from "../../runtime/features/metricCellSchema";
import { roleCanBeNegative } from "../../runtime/features/roleBounds";
import type { MetricRole } from "../../runtime/types";

const CELLS = ["0", "12.5", "-3", "1e3", "-0.0", "1e308", "1e999", "abc", "0x10", "Infinity", " 1", "1,5", "", "-1e-9", ".5", "5."];
const ROLES: MetricRole[] = ["cpu", "memory", "network-rx", "network-tx", "restarts", "throttling", "latency", "other"];

describe("metric cells", () => {
  it("only `other` metrics may be negative", () => {
    expect(ROLES.filter(roleCanBeNegative)).toEqual(["other"]);
  });

  it("the fast path decides exactly as the schema does, for every role", () => {
    for (const role of ROLES) {
      const schema = metricCellSchema(role);
      for (const cell of CELLS) {
        const bySchema = v.safeParse(schema, cell, { abortPipeEarly: true });
        const parsed = parseMetricCell(schema, cell, roleCanBeNegative(role));
        expect("value" in parsed, `${role} ${JSON.stringify(cell)}`).toBe(bySchema.success);
        if ("value" in parsed && bySchema.success) expect(parsed.value).toBe(bySchema.output);
      }
    }
  });

  it("says what is wrong with a cell", () => {
    const memory = metricCellSchema("memory");
    expect(parseMetricCell(memory, "-12", false)).toEqual({ problem: "is negative, but a memory value cannot be" });
    expect(parseMetricCell(memory, "1e999", false)).toEqual({ problem: "is too large to be a number (out of range)" });
    expect(parseMetricCell(memory, "n/a", false)).toEqual({ problem: "is not a number (leave the cell empty for a missing value)" });
    expect(parseMetricCell(metricCellSchema("other"), "-12", true)).toEqual({ value: -12 });
  });
});
