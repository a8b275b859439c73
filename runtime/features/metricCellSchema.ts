import * as v from "valibot";
import { roleCanBeNegative } from "./roleBounds";
import type { MetricRole } from "../types";

/** A decimal number as CSV files write it: no hex, no `Infinity`, no thousands separators. */
export const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The schema of one non-empty metric cell of a metrics file: a decimal number, finite, and not negative when the
 * metric's role cannot be (memory, bytes/s, …; see roleCanBeNegative). Messages are phrased to follow the cell.
 */
export function metricCellSchema(role: MetricRole | undefined) {
  const number = v.pipe(v.string(), v.regex(NUMBER_TEXT, "is not a number (leave the cell empty for a missing value)"), v.transform(Number), v.finite("is too large to be a number (out of range)"));
  return role !== undefined && !roleCanBeNegative(role) ? v.pipe(number, v.minValue(0, `is negative, but a ${role} value cannot be`)) : number;
}

export type MetricCellSchema = ReturnType<typeof metricCellSchema>;

/**
 * The value of `cell`, or the reason it is not one (the message of the first rule of the schema it breaks).
 * Metrics files run to millions of cells: a cell that plainly satisfies the schema's rules (a decimal number,
 * finite, and >= 0 unless negatives are allowed) is taken without running the schema, which halves the time of
 * reading a large file; anything else goes through the schema, which decides and words the problem.
 */
export function parseMetricCell(schema: MetricCellSchema, cell: string, negativeAllowed: boolean): { value: number } | { problem: string } {
  if (NUMBER_TEXT.test(cell)) {
    const value = Number(cell);
    if (Number.isFinite(value) && (negativeAllowed || value >= 0)) return { value };
  }
  const r = v.safeParse(schema, cell, { abortPipeEarly: true });
  return r.success ? { value: r.output } : { problem: r.issues[0].message };
}
