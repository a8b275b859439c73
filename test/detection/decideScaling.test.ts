import { describe, expect, it } from "vitest";
import { decideScaling, validateScalingPolicy, type ScalingInput, type ScalingPolicy } from "../../runtime/detection/decideScaling";
import type { Incident, IncidentKind } from "../../runtime/types";

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 6, 10, 30);
const POLICY: ScalingPolicy = { minTasks: 2, maxTasks: 8, maxStep: 2, cooldownMs: 10 * MIN };

const incident = (kind: IncidentKind, over: Partial<Incident> = {}): Incident => ({
  id: "checkout:2026-01-06T10:20:00.000Z",
  service: "checkout",
  status: "open",
  kind,
  start: NOW - 10 * MIN,
  lastAnomalyAt: NOW - MIN,
  containers: ["c1", "c2", "c3", "c4"],
  containerNames: ["app"],
  anomalyCount: 30,
  peakScore: 3,
  peakGrade: 0.8,
  confidence: 1,
  threshold: 1.2,
  topMetrics: [],
  ...over,
});

const input = (over: Partial<ScalingInput> & { tasks?: number } = {}): ScalingInput => ({
  service: "checkout",
  incident: incident("saturation"),
  capacity: { desiredTasks: over.tasks ?? 4, runningTasks: over.tasks ?? 4, deploying: false },
  state: {},
  policy: POLICY,
  now: NOW,
  activeWithinMs: 5 * MIN,
  unansweredWithinMs: 30 * MIN,
  ...over,
});

describe("decideScaling: scale out on saturation, within bounds", () => {
  it("adds tasks for an active saturation incident and remembers the baseline and the time", () => {
    const { decision, state } = decideScaling(input());
    expect(decision).toEqual({ service: "checkout", action: "scale-out", fromTasks: 4, toTasks: 6, reason: "saturation on 4 container(s): 4 → 6 tasks (max 8)", incidentId: "checkout:2026-01-06T10:20:00.000Z" });
    expect(state).toEqual({ baselineTasks: 4, lastActionAt: NOW });
    // A second scale-out in the same episode keeps the first baseline.
    expect(decideScaling(input({ tasks: 6, state: { baselineTasks: 4, lastActionAt: NOW - 20 * MIN } })).state.baselineTasks).toBe(4);
  });

  it("never goes above maxTasks", () => {
    expect(decideScaling(input({ tasks: 7 })).decision).toMatchObject({ action: "scale-out", fromTasks: 7, toTasks: 8 });
    expect(decideScaling(input({ tasks: 8 })).decision).toMatchObject({ action: "none", toTasks: 8, reason: "already at maxTasks (8)" });
    expect(decideScaling(input({ tasks: 12 })).decision).toMatchObject({ action: "none", reason: "already at maxTasks (8)" });
  });

  it("adds at most maxStep tasks, and at most half the current count", () => {
    const wide = { ...POLICY, maxTasks: 40, maxStep: 3 };
    expect(decideScaling(input({ tasks: 10, policy: wide })).decision.toTasks).toBe(13);
    expect(decideScaling(input({ tasks: 2, policy: wide })).decision.toTasks).toBe(3);
    expect(decideScaling(input({ tasks: 1, policy: wide })).decision.toTasks).toBe(2);
  });

  it("never leaves the service below minTasks", () => {
    expect(decideScaling(input({ tasks: 1, policy: { ...POLICY, minTasks: 4 } })).decision).toMatchObject({ action: "scale-out", fromTasks: 1, toTasks: 4 });
  });

  it("waits for the cooldown after the last action", () => {
    const cooling = decideScaling(input({ state: { baselineTasks: 4, lastActionAt: NOW - 4 * MIN } }));
    expect(cooling.decision).toMatchObject({ action: "none", reason: "in cooldown for 6 more min after the last action" });
    expect(cooling.state).toEqual({ baselineTasks: 4, lastActionAt: NOW - 4 * MIN });
    expect(decideScaling(input({ state: { baselineTasks: 4, lastActionAt: NOW - 10 * MIN } })).decision.action).toBe("scale-out");
  });

  it("never scales during a deployment", () => {
    const { decision } = decideScaling(input({ capacity: { desiredTasks: 4, runningTasks: 5, deploying: true } }));
    expect(decision).toMatchObject({ action: "none", reason: "a deployment is in progress: no scaling until it completes" });
  });

  it("never scales in a maintenance window, out or back, and keeps its state for after it", () => {
    const out = decideScaling(input({ maintenance: "db-patch" }));
    expect(out.decision).toMatchObject({ action: "none", reason: 'maintenance window "db-patch": no scaling until it ends' });
    const back = decideScaling(input({ incident: undefined, tasks: 6, state: { baselineTasks: 4, lastActionAt: NOW - 60 * MIN }, maintenance: "db-patch" }));
    expect(back).toMatchObject({ decision: { action: "none" }, state: { baselineTasks: 4, lastActionAt: NOW - 60 * MIN } });
  });

  it.each<IncidentKind>(["memory-leak", "crash-loop", "cpu-throttling", "network", "unknown"])("never scales on a %s incident (alert only)", (kind) => {
    const { decision, state } = decideScaling(input({ incident: incident(kind) }));
    expect(decision).toMatchObject({ action: "none", fromTasks: 4, toTasks: 4, reason: `incident kind "${kind}": more tasks would not help, alert only` });
    expect(state).toEqual({});
  });

  it("holds when a saturation incident a scale-out has answered has gone quiet", () => {
    const quiet = incident("saturation", { lastAnomalyAt: NOW - 6 * MIN });
    const { decision } = decideScaling(input({ tasks: 6, incident: quiet, state: { baselineTasks: 4, lastActionAt: NOW - 11 * MIN + MIN } }));
    expect(decision).toMatchObject({ action: "none", reason: "saturation incident is quiet now: holding" });
  });

  it("scales out again for an answered, quiet saturation incident while the CPU per task stays above the restore limit", () => {
    const quiet = incident("saturation", { lastAnomalyAt: NOW - 6 * MIN });
    const answered = { baselineTasks: 4, lastActionAt: NOW - 10 * MIN };
    // Learnt as the new normal, but the service is still hot: 66 % per task against the 60 % restoring treats as safe.
    expect(decideScaling(input({ tasks: 6, incident: quiet, state: answered, cpuPercent: 66 })).decision).toMatchObject({ action: "scale-out", fromTasks: 6, toTasks: 8, reason: "saturation on 4 container(s) still at 66 % CPU per task (over 60 %): 6 → 8 tasks (max 8)" });
    // At or under the limit, or without a CPU figure, it holds.
    expect(decideScaling(input({ tasks: 6, incident: quiet, state: answered, cpuPercent: 60 })).decision).toMatchObject({ action: "none", reason: "saturation incident is quiet now: holding" });
    expect(decideScaling(input({ tasks: 6, incident: quiet, state: answered })).decision).toMatchObject({ action: "none", reason: "saturation incident is quiet now: holding" });
    // Not once the incident has been quiet longer than unansweredWithinMs (a backlog drained hours later).
    const old = incident("saturation", { start: NOW - 60 * MIN, lastAnomalyAt: NOW - 31 * MIN });
    expect(decideScaling(input({ tasks: 6, incident: old, state: { baselineTasks: 4, lastActionAt: NOW - 40 * MIN }, cpuPercent: 66 })).decision).toMatchObject({ action: "none", reason: "saturation incident is quiet now: holding" });
    // The policy's own limit counts, and the cooldown still holds.
    const strict = { ...POLICY, restoreMaxCpuPercent: 70 };
    expect(decideScaling(input({ tasks: 6, incident: quiet, state: answered, cpuPercent: 66, policy: strict })).decision).toMatchObject({ action: "none" });
    expect(decideScaling(input({ tasks: 6, incident: quiet, state: { ...answered, lastActionAt: NOW - 2 * MIN }, cpuPercent: 66 })).decision).toMatchObject({ action: "none", reason: "in cooldown for 8 more min after the last action" });
  });

  it("holds for a saturation a pulse's end raised (its CPU had come back), until an anomaly comes after it", () => {
    const pulse = incident("saturation", { start: NOW - 9 * MIN, pulseEnd: NOW - MIN, lastAnomalyAt: NOW - MIN });
    expect(decideScaling(input({ incident: pulse, cpuPercent: 70 })).decision).toMatchObject({ action: "none", reason: "a pulse that is over (its metrics came back): alert only" });
    // It comes again: scaled out as any active saturation.
    const again = { ...pulse, lastAnomalyAt: NOW };
    expect(decideScaling(input({ incident: again })).decision).toMatchObject({ action: "scale-out", fromTasks: 4, toTasks: 6 });
  });

  it("still scales out for a quiet saturation incident no scale-out has answered (learnt as normal, not over)", () => {
    const quiet = incident("saturation", { lastAnomalyAt: NOW - 6 * MIN });
    // Never scaled (the attempt failed, or the run that found it caught up on a window).
    expect(decideScaling(input({ incident: quiet })).decision).toMatchObject({ action: "scale-out", fromTasks: 4, toTasks: 6 });
    // The last action answered an earlier episode, before this incident started.
    const earlier = { baselineTasks: 4, lastActionAt: quiet.start - 30 * MIN };
    expect(decideScaling(input({ incident: quiet, state: earlier })).decision).toMatchObject({ action: "scale-out", fromTasks: 4, toTasks: 6 });
    // Not for long: quiet for longer than unansweredWithinMs, it is over (a backlog drained hours later).
    const over = incident("saturation", { start: NOW - 60 * MIN, lastAnomalyAt: NOW - 31 * MIN });
    expect(decideScaling(input({ incident: over })).decision).toMatchObject({ action: "none", reason: "saturation incident is quiet now: holding" });
    // Within the cooldown it waits, as an active incident does.
    const young = incident("saturation", { start: NOW - 7 * MIN, lastAnomalyAt: NOW - 6 * MIN });
    expect(decideScaling(input({ incident: young, state: { lastActionAt: NOW - 8 * MIN } })).decision).toMatchObject({ action: "none", reason: "in cooldown for 2 more min after the last action" });
  });
});

describe("decideScaling: restore to the baseline", () => {
  const after = (over: Partial<ScalingInput> & { tasks?: number } = {}) => input({ incident: undefined, tasks: 8, state: { baselineTasks: 4, lastActionAt: NOW - 30 * MIN }, cpuPercent: 25, ...over });

  it("restores once no incident is open, the cooldown is over and the projected CPU is under the limit", () => {
    const { decision, state } = decideScaling(after());
    expect(decision).toMatchObject({ action: "restore", fromTasks: 8, toTasks: 4, reason: "incident resolved: back to the baseline of 4 tasks" });
    expect(state).toEqual({ lastActionAt: NOW });
  });

  it("not within the cooldown", () => {
    const { decision } = decideScaling(after({ state: { baselineTasks: 4, lastActionAt: NOW - 3 * MIN } }));
    expect(decision).toMatchObject({ action: "none", reason: "incident resolved; restoring 4 tasks after the cooldown (7 min)" });
  });

  it("not when the CPU per task would exceed the limit at the smaller count (default 60 %)", () => {
    // 35 % on 8 tasks is 70 % on 4.
    expect(decideScaling(after({ cpuPercent: 35 })).decision).toMatchObject({ action: "none", reason: "holding 8 tasks: CPU would be 70 % per task at 4 tasks (limit 60 %)" });
    expect(decideScaling(after({ cpuPercent: 30 })).decision.action).toBe("restore");
    expect(decideScaling(after({ cpuPercent: 35, policy: { ...POLICY, restoreMaxCpuPercent: 75 } })).decision.action).toBe("restore");
  });

  it("never restores below minTasks", () => {
    const { decision } = decideScaling(after({ state: { baselineTasks: 1, lastActionAt: 0 }, policy: { ...POLICY, minTasks: 3 }, cpuPercent: 10 }));
    expect(decision).toMatchObject({ action: "restore", toTasks: 3 });
  });

  it("while an incident is still open, it does not restore", () => {
    expect(decideScaling(after({ incident: incident("memory-leak") })).decision.action).toBe("none");
  });

  it("forgets the baseline once the count is back at it, and does nothing without one", () => {
    const back = decideScaling(after({ tasks: 4 }));
    expect(back.decision).toMatchObject({ action: "none", reason: "task count is back at its baseline" });
    expect(back.state).toEqual({ lastActionAt: NOW - 30 * MIN });
    expect(decideScaling(input({ incident: undefined })).decision).toMatchObject({ action: "none", reason: "no open incident" });
  });
});

describe("validateScalingPolicy", () => {
  it("accepts a sound policy", () => {
    expect(validateScalingPolicy(POLICY, "checkout")).toBe(POLICY);
  });
  it.each<[string, Partial<ScalingPolicy>, string]>([
    ["negative minTasks", { minTasks: -1 }, "service checkout: minTasks must be an integer >= 0, got -1"],
    ["zero maxTasks", { maxTasks: 0 }, "service checkout: maxTasks must be an integer >= 1, got 0"],
    ["min above max", { minTasks: 9 }, "service checkout: minTasks (9) is greater than maxTasks (8)"],
    ["a fractional step", { maxStep: 1.5 }, "service checkout: maxStep must be an integer >= 1, got 1.5"],
    ["a negative cooldown", { cooldownMs: -1 }, "service checkout: cooldownMs must be >= 0, got -1"],
    ["a NaN cooldown", { cooldownMs: NaN }, "service checkout: cooldownMs must be >= 0, got NaN"],
    ["a CPU limit above 100", { restoreMaxCpuPercent: 120 }, "service checkout: restoreMaxCpuPercent must be in (0, 100], got 120"],
  ])("rejects %s, naming the field", (_what, change, message) => {
    expect(() => validateScalingPolicy({ ...POLICY, ...change }, "service checkout")).toThrow(message);
  });
});
