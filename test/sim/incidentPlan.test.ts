import { describe, expect, it } from "vitest";
import { defaultIncidentPlan } from "../../runtime/sim/incidentPlan";
import { matchIncidents } from "../../runtime/sim/matchIncidents";
import type { Incident, IncidentEvent } from "../../runtime/types";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 5);

describe("defaultIncidentPlan", () => {
  it("leaves day 1 quiet and spreads one incident of each kind over days 2 and 3", () => {
    const plan = defaultIncidentPlan(START, 3, 6);
    expect(plan.map((p) => [p.kind, (p.start - START) / HOUR, (p.end - p.start) / MIN, p.task])).toEqual([
      ["load-spike", 24 + 10, 60, undefined],
      ["memory-leak", 24 + 16, 150, 1],
      ["cpu-throttling", 48 + 3, 45, 2],
      ["network-drop", 48 + 9, 30, 3],
      ["crash-loop", 48 + 14, 40, 4],
    ]);
  });

  it("packs the incidents into day 2 for a 2-day run, without overlaps; none for a single day", () => {
    const plan = defaultIncidentPlan(START, 2, 6);
    expect(plan).toHaveLength(5);
    expect(plan.every((p) => p.start >= START + DAY && p.end <= START + 2 * DAY)).toBe(true);
    const sorted = [...plan].sort((a, b) => a.start - b.start);
    sorted.forEach((p, i) => i > 0 && expect(p.start).toBeGreaterThanOrEqual(sorted[i - 1].end));
    expect(defaultIncidentPlan(START, 1, 6)).toEqual([]);
  });

  it("picks affected tasks that exist", () => {
    expect(defaultIncidentPlan(START, 3, 3).map((p) => p.task)).toEqual([undefined, 1, 2, 0, 1]);
  });
});

describe("matchIncidents", () => {
  const truths = defaultIncidentPlan(START, 3, 6).slice(0, 2);
  const open = (minutesFromStart: number, id: string): IncidentEvent => ({
    id: `${id}#1`,
    type: "open",
    incident: { id, kind: "saturation" } as Incident,
    at: truths[0].start + minutesFromStart * MIN,
  });

  it("matches the first open inside a window (or its grace period), counts minutes to detect, and flags the rest", () => {
    const events = [open(-30, "early"), open(6, "hit"), open(20, "second-in-window"), open(75, "tail"), { ...open(8, "hit"), type: "resolve" as const }];
    const report = matchIncidents(events, truths, 30 * MIN);
    expect(report.matches[0]).toMatchObject({ detectedBy: { incidentId: "hit", openedAt: truths[0].start + 6 * MIN }, minutesToDetect: 6 });
    expect(report.matches[1].detectedBy).toBeUndefined();
    // An open before the window is false; one in the window or its grace period is not (the tail of a real incident).
    expect(report.falseAlerts.map((f) => f.incidentId)).toEqual(["early"]);
  });

  it("one incident detects at most one injected window", () => {
    const overlapping = [truths[0], { ...truths[0], kind: "memory-leak" as const }];
    const report = matchIncidents([open(3, "only")], overlapping, 0);
    expect(report.matches.filter((m) => m.detectedBy)).toHaveLength(1);
  });
});
