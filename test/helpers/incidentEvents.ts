import type { Incident, IncidentEvent } from "../../runtime/types";

export const T_START = Date.UTC(2026, 10, 25, 0, 40);

/** A saturation incident of `checkout` on two containers, open for 12 minutes. Override any field. */
export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: `checkout:${T_START}`,
    service: "checkout",
    status: "open",
    kind: "saturation",
    start: T_START,
    lastAnomalyAt: T_START + 12 * 60_000,
    containers: ["task-a1/web", "task-b2/web"],
    containerNames: ["web"],
    anomalyCount: 9,
    peakScore: 2.4137,
    peakGrade: 0.82,
    confidence: 0.9,
    threshold: 1.2,
    topMetrics: [
      { metric: "container.cpu.utilization", role: "cpu", unit: "%", share: 0.71, value: 97.2, expected: 41.5, deviation: 9.3 },
      { metric: "container.network.io.usage.rx_bytes", role: "network-rx", unit: "bytes/s", share: 0.2, value: 8.1e6, expected: 2.2e6, deviation: 4.1 },
      { metric: "container.memory.percent", role: "memory", unit: "%", share: 0.09, value: 55, expected: 52, deviation: 0.6 },
    ],
    ...overrides,
  };
}

/** An `open` event whose scale-out 2 -> 4 was applied. */
export function openEvent(overrides: Partial<IncidentEvent> = {}): IncidentEvent {
  return {
    id: `checkout:${T_START}#1`,
    type: "open",
    incident: incident(),
    scaling: { service: "checkout", action: "scale-out", fromTasks: 2, toTasks: 4, reason: "saturation: cpu above capacity", incidentId: `checkout:${T_START}`, applied: true },
    at: T_START + 12 * 60_000 + 5_000,
    ...overrides,
  };
}
