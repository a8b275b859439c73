import { describe, expect, it } from "vitest";
import { encodeWorkMessage, parseWorkMessage } from "../../runtime/handlers/workMessage";
import type { WorkMessage } from "../../runtime/ports";

const THROUGH = Date.UTC(2026, 0, 5, 10, 5);

describe("work messages", () => {
  it("round-trip, with and without a found service's cluster and bounds", () => {
    const configured: WorkMessage = { kind: "detect", service: "checkout", through: THROUGH };
    const found: WorkMessage = { kind: "detect", service: "reports", through: THROUGH, discovered: { cluster: "prod", minTasks: 0, maxTasks: 3 } };
    expect(parseWorkMessage(encodeWorkMessage(configured), "detect", "m1")).toEqual(configured);
    expect(parseWorkMessage(encodeWorkMessage(found), "detect", "m2")).toEqual(found);
    expect(encodeWorkMessage(found)).toBe(`{"kind":"detect","service":"reports","through":${THROUGH},"discovered":{"cluster":"prod","minTasks":0,"maxTasks":3}}`);
  });

  it("refuses crossed or malformed bounds, naming the field", () => {
    const body = (discovered: unknown) => JSON.stringify({ kind: "detect", service: "reports", through: THROUGH, discovered });
    expect(() => parseWorkMessage(body({ cluster: "prod", minTasks: 5, maxTasks: 3 }), "detect", "m3")).toThrow("m3: discovered: expected minTasks <= maxTasks");
    expect(() => parseWorkMessage(body({ cluster: "prod", minTasks: 0, maxTasks: 0 }), "detect", "m4")).toThrow("m4: discovered.maxTasks: expected an integer >= 1");
    expect(() => parseWorkMessage(body({ cluster: "", minTasks: 0, maxTasks: 2 }), "detect", "m5")).toThrow("m5: discovered.cluster: expected a non-empty cluster name");
  });
});
