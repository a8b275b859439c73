import { describe, expect, it } from "vitest";
import { buildIncidentRows } from "../../../cli/report/reportIncidents";
import type { ReportScalingAction, TruthWindow } from "../../../cli/report/reportModel";
import type { Incident, IncidentEvent } from "../../../runtime/types";

const T0 = Date.UTC(2026, 0, 6);
const MIN = 60_000;
const at = (m: number) => T0 + m * MIN;

function incident(startMin: number, endMin: number | undefined, extra: Partial<Incident> = {}): Incident {
  return {
    id: `svc:${startMin}`,
    service: "svc",
    status: endMin === undefined ? "open" : "resolved",
    kind: "saturation",
    start: at(startMin),
    lastAnomalyAt: at((endMin ?? startMin + 5) - 1),
    ...(endMin !== undefined ? { resolvedAt: at(endMin) } : {}),
    containers: ["t1/app", "t0/app"],
    containerNames: ["app"],
    anomalyCount: 4,
    peakScore: 3,
    peakGrade: 0.8,
    confidence: 0.9,
    threshold: 1.5,
    topMetrics: [
      { metric: "cpu", role: "cpu", unit: "%", share: 0.7, value: 91, expected: 40, deviation: 6 },
      { metric: "mem", role: "memory", unit: "MiB", share: 0.2, value: 500, expected: 450, deviation: 2 },
      { metric: "rx", role: "network-rx", share: 0.06, value: 1, expected: 1, deviation: 0 },
      { metric: "tx", role: "network-tx", share: 0.04, value: 1, expected: 1, deviation: 0 },
    ],
    ...extra,
  };
}

/** The open event, and the resolve event when the incident resolved. */
function events(i: Incident, extra: IncidentEvent[] = []): IncidentEvent[] {
  const open: IncidentEvent = { id: `${i.id}#1`, type: "open", incident: { ...i, status: "open", resolvedAt: undefined }, at: i.start + 2 * MIN };
  const resolve: IncidentEvent[] = i.resolvedAt ? [{ id: `${i.id}#2`, type: "resolve", incident: i, at: i.resolvedAt }] : [];
  return [open, ...extra, ...resolve];
}

const truth = (startMin: number, endMin: number, kind = "load-spike", container?: string): TruthWindow => ({ service: "svc", start: at(startMin), end: at(endMin), kind, ...(container ? { container } : {}) });

describe("buildIncidentRows", () => {
  it("judges each incident against the ground truth and adds a row per known window nothing caught, numbered in order of start", () => {
    const caught = incident(60, 90);
    const lateTail = incident(200, 230); // starts 20 min after its window ends: within the 30-min grace
    const spurious = incident(400, 420);
    const rows = buildIncidentRows(
      [...events(caught), ...events(lateTail), ...events(spurious)],
      [],
      [truth(55, 100), truth(150, 180, "leak", "t1/app"), truth(300, 320, "network")],
      MIN,
    );
    expect(rows.map((r) => [r.ref, r.incidentId ?? r.kind, r.verdict])).toEqual([
      [1, "svc:60", "detected"],
      [2, "svc:200", "detected"], // matches the window 150–180, which therefore has no missed row
      [3, "network", "missed"],
      [4, "svc:400", "false"],
    ]);
    expect(rows[0].truth).toBe("load-spike, 00:55–01:40");
    expect(rows[1].truth).toBe("leak on t1/app, 02:30–03:00");
    expect(rows[2]).toMatchObject({ start: at(300), end: at(320), containers: [], topMetrics: [], actions: [], truth: "network, 05:00–05:20" });
    expect(rows[2].peakGrade).toBeUndefined();
    expect(rows[3].truth).toBeUndefined();
  });

  it("an incident starting more than 30 minutes after a window's end is a false alert, and the window is missed", () => {
    const rows = buildIncidentRows(events(incident(131, 140)), [], [truth(60, 100)], MIN);
    expect(rows.map((r) => r.verdict)).toEqual(["missed", "false"]);
  });

  it("carries what the table shows: end, containers sorted, three top metrics with actual and expected, grade and confidence", () => {
    const [row] = buildIncidentRows(events(incident(60, 90)), [], undefined, MIN, (c) => c.split("/")[1]);
    expect(row).toMatchObject({ ref: 1, start: at(60), end: at(90), open: false, kind: "saturation", peakGrade: 0.8, confidence: 0.9, containers: ["t0/app", "t1/app"], byName: "app 2" });
    expect(row.topMetrics).toEqual([
      { metric: "cpu", unit: "%", value: 91, expected: 40, share: 0.7 },
      { metric: "mem", unit: "MiB", value: 500, expected: 450, share: 0.2 },
      { metric: "rx", value: 1, expected: 1, share: 0.06 },
    ]);
    // Without ground truth: no verdicts, no missed rows.
    expect(row.verdict).toBeUndefined();
  });

  it("an incident still open at the end of the run ends with its last anomalous step", () => {
    const [row] = buildIncidentRows(events(incident(60, undefined)), [], undefined, MIN);
    expect([row.open, row.end]).toEqual([true, at(65)]);
    expect(row.byName).toBeUndefined(); // the data named no containers
  });

  it("lists alert events and scaling actions in time order, each once: by the decision's incident, or carried by an event", () => {
    const i = incident(60, 90);
    const decision = (action: "scale-out" | "restore" | "none", from: number, to: number, incidentId?: string) => ({ service: "svc", action, fromTasks: from, toTasks: to, reason: "r", ...(incidentId ? { incidentId } : {}) });
    const scaling: ReportScalingAction[] = [
      { at: at(63), decision: decision("scale-out", 6, 8, i.id), applied: true },
      { at: at(73), decision: decision("scale-out", 8, 10, i.id), applied: false },
      { at: at(74), decision: decision("none", 10, 10, i.id), applied: true },
      { at: at(75), decision: decision("scale-out", 2, 4, "svc:other"), applied: true },
    ];
    // The update at 73 carries the same scale-out as the scaler recorded; the restore after resolving names no incident.
    const update: IncidentEvent = { id: `${i.id}#u`, type: "update", incident: i, at: at(73), scaling: { ...decision("scale-out", 8, 10, i.id), applied: false } };
    const restore: IncidentEvent = { id: `${i.id}#r`, type: "update", incident: i, at: at(130), scaling: { ...decision("restore", 10, 6), applied: true } };
    const [row] = buildIncidentRows([...events(i, [update]), restore], scaling, undefined, MIN);
    expect(row.actions).toEqual([
      "01:02 alert sent",
      "01:03 scale-out 6→8 tasks",
      "01:13 alert updated",
      "01:13 scale-out 8→10 tasks (failed)",
      "01:30 resolved",
      "02:10 alert updated",
      "02:10 restore 10→6 tasks",
    ]);
  });
});
