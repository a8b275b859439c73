import { describe, expect, it } from "vitest";
import { classifyIncident, type MetricEvidence } from "../../runtime/detection/classifyIncident";
import type { MetricRole } from "../../runtime/types";

/** Evidence from [role, share, extreme z] triples. */
const ev = (...xs: [MetricRole, number, number][]): MetricEvidence[] => xs.map(([role, share, extremeZ]) => ({ role, share, extremeZ }));

describe("classifyIncident", () => {
  it("crash-loop when restarts are clearly up, whatever else moves", () => {
    expect(classifyIncident(ev(["restarts", 0.2, 4], ["memory", 0.5, -8], ["cpu", 0.3, 5]), 1, 6)).toBe("crash-loop");
    // Restarts win over throttling (rule order).
    expect(classifyIncident(ev(["restarts", 0.1, 3], ["throttling", 0.9, 20]), 1, 6)).toBe("crash-loop");
  });

  it("cpu-throttling when throttling is clearly up", () => {
    expect(classifyIncident(ev(["throttling", 0.3, 25], ["cpu", 0.4, 4], ["latency", 0.3, 5]), 1, 6)).toBe("cpu-throttling");
    expect(classifyIncident(ev(["throttling", 0.3, 2.9], ["cpu", 0.4, 4], ["latency", 0.3, 5]), 1, 6)).not.toBe("cpu-throttling");
  });

  it("memory-leak when memory carries the largest share and is up (not when it is down)", () => {
    expect(classifyIncident(ev(["memory", 0.7, 6], ["cpu", 0.3, 1]), 1, 6)).toBe("memory-leak");
    expect(classifyIncident(ev(["memory", 0.7, -6], ["cpu", 0.3, 1]), 1, 6)).toBe("unknown");
    expect(classifyIncident(ev(["memory", 0.3, 6], ["cpu", 0.7, 1]), 1, 6)).not.toBe("memory-leak");
  });

  it("network when both rx and tx are well below normal", () => {
    expect(classifyIncident(ev(["network-rx", 0.3, -4], ["network-tx", 0.3, -2], ["latency", 0.4, 9]), 1, 6)).toBe("network");
    // Only one direction low: not a network fault.
    expect(classifyIncident(ev(["network-rx", 0.3, -4], ["network-tx", 0.3, 0], ["latency", 0.4, 9]), 1, 6)).not.toBe("network");
  });

  it("saturation when CPU or latency leads, CPU is up, one of them clearly, on at least half the containers", () => {
    expect(classifyIncident(ev(["cpu", 0.6, 5], ["latency", 0.4, 2]), 3, 6)).toBe("saturation");
    expect(classifyIncident(ev(["latency", 0.6, 4], ["cpu", 0.4, 1]), 4, 6)).toBe("saturation");
    // CPU not up: latency alone is not saturation.
    expect(classifyIncident(ev(["latency", 0.6, 4], ["cpu", 0.4, -1]), 6, 6)).toBe("unknown");
    // Nothing clearly out of range.
    expect(classifyIncident(ev(["cpu", 0.6, 2.5], ["latency", 0.4, 2.5]), 6, 6)).toBe("unknown");
  });

  it("a single hot container is not saturation: more tasks would not help it", () => {
    expect(classifyIncident(ev(["cpu", 0.8, 9], ["latency", 0.2, 6]), 1, 6)).toBe("unknown");
    expect(classifyIncident(ev(["cpu", 0.8, 9], ["latency", 0.2, 6]), 2, 6)).toBe("unknown");
    expect(classifyIncident(ev(["cpu", 0.8, 9], ["latency", 0.2, 6]), 1, 0)).toBe("unknown");
  });

  it("unknown for anything else, and sums shares of several metrics of one role", () => {
    expect(classifyIncident([], 1, 6)).toBe("unknown");
    expect(classifyIncident(ev(["other", 1, 10]), 6, 6)).toBe("unknown");
    // Two memory metrics of 0.3 each outweigh CPU's 0.4.
    expect(classifyIncident(ev(["memory", 0.3, 4], ["memory", 0.3, 1], ["cpu", 0.4, 1]), 1, 6)).toBe("memory-leak");
  });
});
