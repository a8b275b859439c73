import { describe, expect, it } from "vitest";
import { DEFAULT_INCIDENT_SETTINGS, emptyTrackerState, trackStep, type IncidentSettings, type IncidentTrackerState, type TrackerEvent } from "../../runtime/detection/incidentTracker";
import type { Anomaly, MetricRole } from "../../runtime/types";
import { anomalyAt, FS, MIN, NORM, T0 } from "../helpers/anomalies";

type Z = Partial<Record<MetricRole, number>>;
/** Per minute: which containers are anomalous, and how. */
type Script = (minute: number) => [container: string, z: Z, grade?: number][];

/** Runs `minutes` scored steps of a 6-container service through the tracker; events with their minute. */
function run(script: Script, minutes: number, settings: IncidentSettings = DEFAULT_INCIDENT_SETTINGS, start: IncidentTrackerState = emptyTrackerState()) {
  let state = start;
  const events: (TrackerEvent & { minute: number })[] = [];
  for (let m = 0; m < minutes; m++) {
    const anomalies: Anomaly[] = script(m).map(([c, z, g]) => anomalyAt(c, m, z, g));
    const r = trackStep(state, { timestamp: T0 + m * MIN, anomalies, containers: 6 }, settings, FS, NORM);
    state = r.state;
    events.push(...r.events.map((e) => ({ ...e, minute: m })));
  }
  return { events, state, summary: events.map((e) => `${e.type}@${e.minute}:${e.incident.kind}`) };
}

const LEAK: Z = { memory: 6 };
const HOT: Z = { cpu: 6 };
const CRASH: Z = { restarts: 8, memory: -3 };

describe("incident tracking: a run of anomalous minutes is one incident", () => {
  it("opens once when one container is anomalous in 5 of 6 steps, sends nothing per minute, resolves after 10 quiet steps", () => {
    const { events, summary } = run((m) => (m < 30 ? [["c1", LEAK]] : []), 60);
    expect(summary).toEqual(["open@4:memory-leak", "resolve@39:memory-leak"]);
    const [open, resolve] = events;
    expect(open.incident).toMatchObject({ id: "checkout:2026-01-06T10:00:00.000Z", service: "checkout", status: "open", start: T0, lastAnomalyAt: T0 + 4 * MIN, containers: ["c1"], anomalyCount: 5, threshold: 1.2 });
    expect(open.at).toBe(T0 + 4 * MIN);
    expect(resolve.incident).toMatchObject({ id: open.incident.id, status: "resolved", start: T0, lastAnomalyAt: T0 + 29 * MIN, resolvedAt: T0 + 39 * MIN, anomalyCount: 30 });
    expect(resolve.incident.topMetrics[0]).toMatchObject({ metric: "container.memory.utilized", role: "memory", value: 510, expected: 450 });
  });

  it("reports the incident's top metrics with shares that sum to at most 1, in descending order", () => {
    const { events } = run((m) => (m < 8 ? [["c1", { memory: 6, cpu: 2, latency: 1 }]] : []), 8);
    const top = events[0].incident.topMetrics;
    expect(top.length).toBeLessThanOrEqual(5);
    expect(top.map((t) => t.role).slice(0, 3)).toEqual(["memory", "cpu", "latency"]);
    expect(top.every((t, i) => i === 0 || top[i - 1].share >= t.share)).toBe(true);
    expect(top[0].share).toBeCloseTo(6 / 9, 12);
  });

  it("sends an update only when the incident changed, at most once per updateMinIntervalMs", () => {
    // c2 joins at minute 10; the update waits for 15 min after the open (minute 4).
    const { summary, events } = run((m) => (m <= 40 ? [["c1", LEAK], ...(m >= 10 ? [["c2", LEAK] as [string, Z]] : [])] : []), 60);
    expect(summary).toEqual(["open@4:memory-leak", "update@19:memory-leak", "resolve@50:memory-leak"]);
    expect(events[1].incident.containers).toEqual(["c1", "c2"]);
  });

  it("survives a JSON round trip of its state between steps (it is persisted between runs)", () => {
    const script: Script = (m) => (m < 30 ? [["c1", LEAK]] : []);
    const whole = run(script, 60).summary;
    const first = run(script, 12);
    const restored = JSON.parse(JSON.stringify(first.state)) as IncidentTrackerState;
    const rest = run((m) => script(m + 12), 48, DEFAULT_INCIDENT_SETTINGS, restored).events.map((e) => `${e.type}@${e.minute + 12}:${e.incident.kind}`);
    expect([...first.summary, ...rest]).toEqual(whole);
  });
});

describe("incident tracking: confirmation per container", () => {
  it("ignores a single blip", () => {
    expect(run((m) => (m === 3 ? [["c1", HOT, 1]] : []), 30).events).toEqual([]);
  });

  it("does not open on scattered anomalies across containers, even one in every step", () => {
    const containers = ["c1", "c2", "c3", "c4", "c5", "c6"];
    expect(run((m) => [[containers[m % 6], HOT]], 120).events).toEqual([]);
    // Up to 4 of 6 steps in each container is still not confirmed.
    expect(run((m) => (m % 6 < 4 ? [["c1", HOT]] : []), 120).events).toEqual([]);
  });

  it("needs the strongest anomaly of the confirming container to reach minOpenGrade", () => {
    const settings = { ...DEFAULT_INCIDENT_SETTINGS, minOpenGrade: 0.5 };
    expect(run((m) => (m < 20 ? [["c1", LEAK, 0.2]] : []), 20, settings).events).toEqual([]);
    expect(run((m) => (m < 20 ? [["c1", LEAK, m === 2 ? 0.6 : 0.2]] : []), 20, settings).summary[0]).toBe("open@4:memory-leak");
  });

  it("an open incident is not kept alive by scattered single anomalies in other containers", () => {
    // Six others rotating: none is anomalous twice within a 6-step window.
    const others = ["c2", "c3", "c4", "c5", "c6", "c7"];
    const { summary } = run((m) => (m < 10 ? [["c1", LEAK]] : [[others[m % 6], HOT]]), 40);
    // c1's last anomalies keep it active until minute 13 (2 of the last 6 steps); then 10 quiet steps.
    expect(summary).toEqual(["open@4:memory-leak", "resolve@23:memory-leak"]);
  });
});

describe("incident tracking: an 'unknown' incident is split off when a specific problem starts", () => {
  it("resolves the unknown incident at once and opens the new one on its own confirmation", () => {
    // c1: one hot container (unknown, not saturation) minutes 0..4; c2 starts crash-looping at minute 6.
    const { summary, events } = run((m) => (m <= 4 ? [["c1", HOT]] : m >= 6 && m <= 20 ? [["c2", CRASH]] : []), 40);
    expect(summary).toEqual(["open@4:unknown", "resolve@6:unknown", "open@10:crash-loop", "resolve@30:crash-loop"]);
    expect(events[2].incident).toMatchObject({ start: T0 + 6 * MIN, containers: ["c2"] });
    expect(events[1].incident.containers).toEqual(["c1"]);
  });

  it("does not split an incident of a specific kind: it absorbs the new anomalies", () => {
    const { summary } = run((m) => (m < 20 ? [["c1", LEAK], ...(m >= 8 ? [["c2", CRASH] as [string, Z]] : [])] : []), 40);
    expect(summary.filter((s) => s.startsWith("open"))).toEqual(["open@4:memory-leak"]);
    expect(summary.filter((s) => s.startsWith("resolve"))).toEqual(["resolve@29:crash-loop"]);
  });
});
