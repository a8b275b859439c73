import type { ReportInput } from "../../cli/report/reportModel";
import type { DetectedStep } from "../../cli/replay/DetectionRecorder";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { Random } from "../../runtime/model/random";
import type { FeatureRow, Incident, IncidentEvent } from "../../runtime/types";

const MIN = 60_000;
export const SCENARIO_T0 = Date.UTC(2026, 0, 5);
const at = (h: number, m = 0) => SCENARIO_T0 + (h * 60 + m) * MIN;

/** The container that goes bad (index into the sorted container list) and when (epoch ms, end exclusive). */
export const BAD_CONTAINER = 17;
export const BAD_FROM = at(10);
export const BAD_TO = at(10, 45);

/** Container ids as ECS would name them: one app container per task. Sorted, so index = row of the heat map. */
export const scenarioContainers = (n: number): string[] => Array.from({ length: n }, (_, i) => `web-${String(i).padStart(2, "0")}-${(0x1000 + i * 7919).toString(16)}/app`);

function incident(id: string, from: number, to: number, containers: string[], cpu: number): Incident {
  return {
    id,
    service: "web",
    status: "resolved",
    kind: "saturation",
    start: from,
    lastAnomalyAt: to - MIN,
    resolvedAt: to,
    containers,
    containerNames: ["app"],
    anomalyCount: 30,
    peakScore: 3.1,
    peakGrade: 0.9,
    confidence: 0.95,
    threshold: 1.4,
    topMetrics: [
      { metric: "container.cpu.utilized", role: "cpu", unit: "%", share: 0.8, value: cpu, expected: 40, deviation: 8 },
      { metric: "http.server.latency.p95", role: "latency", unit: "ms", share: 0.15, value: 240, expected: 80, deviation: 5 },
    ],
  };
}

/**
 * One day of 1-minute data for `n` containers of service "web" (seeded noise), the first 6 hours training: one
 * container saturated 10:00–10:45 (an incident that matches a known window, with a scale-out and a restore), a
 * second incident on another container at 15:00 that no known window covers (a false alert), and a known window
 * at 20:00 nothing caught (missed).
 */
export function fiftyContainerScenario(n = 50): ReportInput {
  const rng = new Random(5);
  const containers = scenarioContainers(n);
  const rows: FeatureRow[] = [];
  const detections: DetectedStep[] = [];
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < 24 * 60; i++) {
      const t = SCENARIO_T0 + i * MIN;
      const bad = c === BAD_CONTAINER && t >= BAD_FROM && t < BAD_TO;
      const cpu = bad ? 95 + rng.next() * 3 : 40 + 10 * Math.sin((2 * Math.PI * i) / 1440) + rng.next() * 4;
      const values = [cpu, 400 + c, 5e4 + rng.next() * 1e4, 2e5, 0, 0, bad ? 240 : 80 + rng.next() * 5];
      rows.push({ service: "web", container: containers[c], containerName: "app", timestamp: t, values, filled: 0, gap: false });
      if (t < at(6)) continue;
      const grade = bad ? 0.9 : c === 3 && t >= at(15) && t < at(15, 20) ? 0.6 : 0;
      detections.push({ service: "web", container: containers[c], containerName: "app", timestamp: t, score: 1 + grade, threshold: 1.4, grade, alert: grade > 0, expected: [42, 400 + c, 5.5e4, 2e5, 0, 0, 82], spread: [3, 2, 3e3, 1e4, 0.1, 0.1, 2] });
    }
  }
  const a = incident(`web:${BAD_FROM}`, BAD_FROM, at(10, 50), [containers[BAD_CONTAINER]], 97);
  const b = incident(`web:${at(15)}`, at(15), at(15, 25), [containers[3]], 70);
  const events: IncidentEvent[] = [
    { id: `${a.id}#1`, type: "open", incident: { ...a, status: "open", resolvedAt: undefined }, at: at(10, 3) },
    { id: `${a.id}#2`, type: "resolve", incident: a, at: at(10, 50) },
    { id: `${b.id}#1`, type: "open", incident: { ...b, status: "open", resolvedAt: undefined }, at: at(15, 3) },
    { id: `${b.id}#2`, type: "resolve", incident: b, at: at(15, 25) },
  ];
  return {
    title: `${n} containers, one goes bad`,
    subtitle: "synthetic scenario of the report test",
    featureSet: DEFAULT_FEATURE_SET,
    rows,
    detections,
    events,
    scaling: [
      { at: at(10, 5), decision: { service: "web", action: "scale-out", fromTasks: n, toTasks: n + 2, reason: "saturation", incidentId: a.id }, applied: true },
      { at: at(10, 55), decision: { service: "web", action: "restore", fromTasks: n + 2, toTasks: n, reason: "resolved", incidentId: a.id }, applied: true },
    ],
    truth: [
      { service: "web", start: at(9, 55), end: at(10, 45), kind: "cpu-hog", container: containers[BAD_CONTAINER] },
      { service: "web", start: at(20), end: at(20, 30), kind: "labelled outage" },
    ],
    training: { start: SCENARIO_T0, end: at(6) },
  };
}
