import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { incidentSchema } from "../../runtime/detection/incidentSchemas";
import { DEFAULT_INCIDENT_SETTINGS, emptyTrackerState, trackStep, type IncidentSettings, type IncidentTrackerState, type TrackerEvent } from "../../runtime/detection/incidentTracker";
import type { Anomaly, MetricRole } from "../../runtime/types";
import { anomalyAt, MIN, T0 } from "../helpers/anomalies";

type Z = Partial<Record<MetricRole, number>>;
/** Per minute: which containers are anomalous, how, and whether the detector alerted for them at that step. */
type Script = (minute: number) => [container: string, z: Z, options?: { grade?: number; alert?: boolean }][];

/** Runs `minutes` scored steps of a 6-container service through the tracker; events with their minute. */
function run(script: Script, minutes: number, settings: IncidentSettings = DEFAULT_INCIDENT_SETTINGS, start: IncidentTrackerState = emptyTrackerState()) {
  let state = start;
  const events: (TrackerEvent & { minute: number })[] = [];
  for (let m = 0; m < minutes; m++) {
    const anomalies: Anomaly[] = script(m).map(([c, z, o]) => anomalyAt(c, m, z, o?.grade ?? 0.5, o?.alert ?? false));
    const r = trackStep(state, { timestamp: T0 + m * MIN, anomalies, containers: 6, containersByName: { app: 6 } }, settings);
    state = r.state;
    events.push(...r.events.map((e) => ({ ...e, minute: m })));
  }
  return { events, state, summary: events.map((e) => `${e.type}@${e.minute}:${e.incident.kind}`) };
}

const LEAK: Z = { memory: 6 };
const HOT: Z = { cpu: 6 };
const CRASH: Z = { restarts: 8, memory: -3 };
/** The detector alerts once at `at` (after confirming) for a run of anomalous steps. */
const alertAt = (at: number) => (m: number) => ({ alert: m === at });

describe("incident tracking: the detector's alert opens an incident; its anomalous steps keep it going", () => {
  it("opens at a container's alert, starting at its first anomalous step of the recent window; nothing per minute; resolves after 10 quiet steps", () => {
    const { events, summary } = run((m) => (m < 30 ? [["c1", LEAK, alertAt(4)(m)]] : []), 60);
    expect(summary).toEqual(["open@4:memory-leak", "resolve@39:memory-leak"]);
    const [open, resolve] = events;
    expect(open.incident).toMatchObject({ id: "checkout:2026-01-06T10:00:00.000Z", service: "checkout", status: "open", start: T0, lastAnomalyAt: T0 + 4 * MIN, containers: ["c1"], containerNames: ["app"], anomalyCount: 5, threshold: 1.2, confidence: 1 });
    expect(open.at).toBe(T0 + 4 * MIN);
    expect(resolve.incident).toMatchObject({ id: open.incident.id, status: "resolved", start: T0, lastAnomalyAt: T0 + 29 * MIN, resolvedAt: T0 + 39 * MIN, anomalyCount: 30 });
    expect(resolve.incident.topMetrics[0]).toMatchObject({ metric: "container.memory.utilized", role: "memory", value: 510, expected: 450, deviation: 6 });
  });

  it("anomalous steps without an alert open nothing (the detector did not decide to alert)", () => {
    expect(run((m) => (m < 30 ? [["c1", LEAK]] : []), 40).events).toEqual([]);
  });

  it("reports the incident's top metrics with shares that sum to at most 1, in descending order", () => {
    const { events } = run((m) => (m < 8 ? [["c1", { memory: 6, cpu: 2, latency: 1 }, alertAt(0)(m)]] : []), 8);
    const top = events[0].incident.topMetrics;
    expect(top.length).toBeLessThanOrEqual(5);
    expect(top.map((t) => t.role).slice(0, 3)).toEqual(["memory", "cpu", "latency"]);
    expect(top.every((t, i) => i === 0 || top[i - 1].share >= t.share)).toBe(true);
    expect(top[0].share).toBeCloseTo(6 / 9, 12);
  });

  it("sends an update only when the incident changed, at most once per updateMinIntervalMs", () => {
    // c2 joins at minute 10; the update waits for 15 min after the open (minute 4).
    const { summary, events } = run((m) => (m <= 40 ? [["c1", LEAK, alertAt(4)(m)], ...(m >= 10 ? [["c2", LEAK] as [string, Z]] : [])] : []), 60);
    expect(summary).toEqual(["open@4:memory-leak", "update@19:memory-leak", "resolve@50:memory-leak"]);
    expect(events[1].incident.containers).toEqual(["c1", "c2"]);
  });

  it("survives a JSON round trip of its state between steps (it is persisted between runs)", () => {
    const script: Script = (m) => (m < 30 ? [["c1", LEAK, alertAt(4)(m)]] : []);
    const whole = run(script, 60).summary;
    const first = run(script, 12);
    const restored = JSON.parse(JSON.stringify(first.state)) as IncidentTrackerState;
    const rest = run((m) => script(m + 12), 48, DEFAULT_INCIDENT_SETTINGS, restored).events.map((e) => `${e.type}@${e.minute + 12}:${e.incident.kind}`);
    expect([...first.summary, ...rest]).toEqual(whole);
  });

  it("needs the alerting anomaly to reach minOpenGrade", () => {
    const settings = { ...DEFAULT_INCIDENT_SETTINGS, minOpenGrade: 0.5 };
    expect(run((m) => (m < 20 ? [["c1", LEAK, { grade: 0.2, alert: m === 2 }]] : []), 20, settings).events).toEqual([]);
    expect(run((m) => (m < 20 ? [["c1", LEAK, { grade: m === 6 ? 0.6 : 0.2, alert: m === 2 || m === 6 }]] : []), 20, settings).summary[0]).toBe("open@6:memory-leak");
  });

  it("an open incident is not kept alive by scattered single anomalies in other containers", () => {
    // Six others rotating: none is anomalous twice within a 6-step window.
    const others = ["c2", "c3", "c4", "c5", "c6", "c7"];
    const { summary } = run((m) => (m < 10 ? [["c1", LEAK, alertAt(4)(m)]] : [[others[m % 6], HOT]]), 40);
    // c1's last anomalies keep it active until minute 13 (2 of the last 6 steps); then 10 quiet steps.
    expect(summary).toEqual(["open@4:memory-leak", "resolve@23:memory-leak"]);
  });

  it("a container's new alert keeps an open incident going even alone in the window", () => {
    const { summary, events } = run((m) => (m < 5 ? [["c1", LEAK, alertAt(0)(m)]] : m === 12 ? [["c2", HOT, { alert: true }]] : []), 40);
    expect(summary).toEqual(["open@0:memory-leak", "resolve@22:memory-leak"]);
    expect(events[1].incident.containers).toEqual(["c1", "c2"]);
  });
});

describe("incident tracking: an 'unknown' incident is split off when a specific problem starts", () => {
  it("resolves the unknown incident at once and opens the new one at its alert", () => {
    // c1: one hot container (unknown, not saturation) minutes 0..4; c2 starts crash-looping at minute 6, alert at 8.
    const { summary, events } = run((m) => (m <= 4 ? [["c1", HOT, alertAt(2)(m)]] : m >= 6 && m <= 20 ? [["c2", CRASH, alertAt(8)(m)]] : []), 40);
    expect(summary).toEqual(["open@2:unknown", "resolve@6:unknown", "open@8:crash-loop", "resolve@30:crash-loop"]);
    expect(events[2].incident).toMatchObject({ start: T0 + 6 * MIN, containers: ["c2"] });
    expect(events[1].incident.containers).toEqual(["c1"]);
  });

  it("does not split an incident of a specific kind: it absorbs the new anomalies", () => {
    const { summary } = run((m) => (m < 20 ? [["c1", LEAK, alertAt(4)(m)], ...(m >= 8 ? [["c2", CRASH, alertAt(10)(m)] as [string, Z, { alert: boolean }]] : [])] : []), 40);
    expect(summary.filter((s) => s.startsWith("open"))).toEqual(["open@4:memory-leak"]);
    expect(summary.filter((s) => s.startsWith("resolve"))).toEqual(["resolve@29:crash-loop"]);
  });
});

describe("incident tracking: how much of the service is affected counts per container name", () => {
  it("a saturation of every app container is broad although the sidecars are fine", () => {
    let state = emptyTrackerState();
    let kind = "";
    for (let m = 0; m < 3; m++) {
      const anomalies = ["t1/app", "t2/app", "t3/app"].map((c) => anomalyAt(c, m, { cpu: 6, latency: 4 }, 0.5, m === 2));
      const r = trackStep(state, { timestamp: T0 + m * MIN, anomalies, containers: 6, containersByName: { app: 3, envoy: 3 } }, DEFAULT_INCIDENT_SETTINGS);
      state = r.state;
      for (const e of r.events) kind = e.incident.kind;
    }
    expect(kind).toBe("saturation");
  });
});

describe("incident tracking: an alert raised when a pulse ended", () => {
  /** c1's CPU at 8 spreads from minute 10 to 17; the detector alerts at 18, when it came back (a pulse of 8 steps). */
  function pulse() {
    let state = emptyTrackerState();
    const events: TrackerEvent[] = [];
    for (let m = 0; m < 40; m++) {
      const anomalies: Anomaly[] = [];
      if (m === 10) anomalies.push(anomalyAt("c1", m, HOT, 0.2, false));
      if (m === 18) anomalies.push({ ...anomalyAt("c1", m, HOT, 0.2, true), pulse: 8, pulseStart: T0 + 10 * MIN });
      const r = trackStep(state, { timestamp: T0 + m * MIN, anomalies, containers: 6, containersByName: { app: 6 } }, DEFAULT_INCIDENT_SETTINGS);
      state = r.state;
      events.push(...r.events);
    }
    return events;
  }

  it("starts the incident where the pulse began, and says when it ended", () => {
    const [open, resolve] = pulse();
    expect(open).toMatchObject({ type: "open", at: T0 + 18 * MIN });
    // The jump at minute 10 lies outside the recent window of 6 steps; the pulse's start still dates the incident.
    expect(open.incident).toMatchObject({ id: "checkout:2026-01-06T10:10:00.000Z", start: T0 + 10 * MIN, pulseEnd: T0 + 18 * MIN, lastAnomalyAt: T0 + 18 * MIN, anomalyCount: 1 });
    expect(resolve.incident).toMatchObject({ status: "resolved", start: T0 + 10 * MIN, pulseEnd: T0 + 18 * MIN });
    // Stored as the tracker's state stores incidents: kept, and a pulse end that is not a time refused by name.
    expect(v.parse(incidentSchema, open.incident)).toEqual(open.incident);
    const bad = v.safeParse(incidentSchema, { ...open.incident, pulseEnd: "soon" });
    expect(bad.success ? [] : bad.issues.map((i) => v.getDotPath(i))).toEqual(["pulseEnd"]);
  });

  it("an alert that ends no pulse sets no pulse end", () => {
    const { events } = run((m) => (m < 8 ? [["c1", HOT, alertAt(2)(m)]] : []), 8);
    expect(events[0].incident.start).toBe(T0);
    expect("pulseEnd" in events[0].incident).toBe(false);
  });
});
