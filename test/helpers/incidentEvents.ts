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
    anomalyCount: 9,
    peakScore: 2.4137,
    peakGrade: 0.82,
    threshold: 1.2,
    topMetrics: [
      { metric: "container.cpu.utilization", role: "cpu", share: 0.71, value: 97.2, expected: 41.5 },
      { metric: "container.network.io.usage.rx_bytes", role: "network-rx", share: 0.2, value: 8.1e6, expected: 2.2e6 },
      { metric: "container.memory.percent", role: "memory", share: 0.09, value: 55, expected: 52 },
    ],
    ...overrides,
  };
}

/** An `open` event whose scale-out 2 -> 4 was applied. */
export function openEvent(overrides: Partial<IncidentEvent> = {}): IncidentEvent {
  return {
    type: "open",
    incident: incident(),
    scaling: { service: "checkout", action: "scale-out", fromTasks: 2, toTasks: 4, reason: "saturation: cpu above capacity", incidentId: `checkout:${T_START}`, applied: true },
    at: T_START + 12 * 60_000 + 5_000,
    ...overrides,
  };
}
