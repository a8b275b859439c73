import { expect, it } from "vitest";
import { MemoryRunMetrics } from "../../../runtime/adapters/memory/MemoryRunMetrics";

it("MemoryRunMetrics sums counters and keeps duration observations", () => {
  const m = new MemoryRunMetrics();
  m.record("alertsSent", 1);
  m.record("alertsSent", 2);
  m.record("scorerLatencyMs", 12.5);
  m.flush();
  expect(m.total("alertsSent")).toBe(3);
  expect(m.total("anomalies")).toBe(0);
  expect(m.observations.get("scorerLatencyMs")).toEqual([12.5]);
  expect(m.flushes).toBe(1);
  expect(() => m.record("anomalies", Number.POSITIVE_INFINITY)).toThrow(/finite/);
});
