import { describe, expect, it } from "vitest";
import { NO_RULES } from "../../runtime/detection/alertRules";
import { feedbackFor, judgeFeedback, LARGER_DEVIATION_FACTOR, matchPattern, MAX_FEEDBACK_RECORDS, patternOf, SAME_TIME_MINUTES, withFeedback, type FeedbackRecord, type FeedbackVerdict } from "../../runtime/detection/feedback";
import { judgeStepWithFeedback } from "../../runtime/detection/judgeStepWithFeedback";
import type { Incident } from "../../runtime/types";
import { anomalyAt, T0 } from "../helpers/anomalies";

const CPU = "container.cpu.utilized";

/** An incident of the service "checkout" on container name "app" whose top metrics are those of `a`. */
function incidentOf(z: Parameters<typeof anomalyAt>[2], id = "checkout:2026-01-06T10:00:00.000Z"): Incident {
  const a = anomalyAt("c1", 0, z);
  return { id, service: "checkout", status: "resolved", kind: "saturation", start: T0, lastAnomalyAt: T0, resolvedAt: T0, containers: ["c1"], containerNames: ["app"], anomalyCount: 3, peakScore: 2, peakGrade: 0.5, confidence: 1, threshold: 1.2, topMetrics: a.attribution.filter((m) => m.share > 0) };
}

const mark = (verdict: FeedbackVerdict, z: Parameters<typeof anomalyAt>[2] = { cpu: 4 }): FeedbackRecord => feedbackFor(incidentOf(z), verdict, T0 + 60 * 60_000, "load test");

describe("the pattern of a marked incident", () => {
  it("keeps the leading metrics with their direction and size, the container names and the kind", () => {
    const p = patternOf(incidentOf({ cpu: 4, latency: -2 }));
    expect(p.kind).toBe("saturation");
    expect(p.containerNames).toEqual(["app"]);
    expect(p.metrics.map((m) => [m.metric, m.direction])).toEqual([
      [CPU, "up"],
      ["http.server.latency.p95", "down"],
    ]);
    expect(p.metrics[0].value - p.metrics[0].expected).toBeCloseTo(20); // 4 spreads of 5 points
  });

  it("a newer verdict on the same incident replaces the older one; the memory is bounded", () => {
    const memory = withFeedback([mark("false-alarm")], mark("real"));
    expect(memory.map((r) => r.verdict)).toEqual(["real"]);
    let many: FeedbackRecord[] = [];
    for (let i = 0; i < MAX_FEEDBACK_RECORDS + 5; i++) many = withFeedback(many, { ...mark("false-alarm"), incidentId: `checkout:${i}` });
    expect(many).toHaveLength(MAX_FEEDBACK_RECORDS);
    expect(many[0].incidentId).toBe("checkout:5");
  });
});

describe("matching a new anomaly with a mark", () => {
  it("matches the same service, container name, leading metric and direction", () => {
    expect(matchPattern(mark("false-alarm"), anomalyAt("c9", 5, { cpu: 4 }))).toEqual({ ratio: expect.closeTo(1, 6) });
  });

  it("does not match another direction, another leading metric, another container name or service", () => {
    const r = mark("false-alarm");
    expect(matchPattern(r, anomalyAt("c1", 5, { cpu: -4 }))).toBeUndefined();
    expect(matchPattern(r, anomalyAt("c1", 5, { memory: 4 }))).toBeUndefined();
    expect(matchPattern(r, { ...anomalyAt("c1", 5, { cpu: 4 }), containerName: "sidecar" })).toBeUndefined();
    expect(matchPattern(r, { ...anomalyAt("c1", 5, { cpu: 4 }), service: "payments" })).toBeUndefined();
  });

  it("matches where the marked incident was (its containers, any time) or when (its time of day, any container of the name)", () => {
    const r = mark("false-alarm"); // incident on c1, started 10:00 UTC
    expect(r.pattern.containers).toEqual(["c1"]);
    expect(r.pattern.minuteOfDay).toBe(600);
    const day = 24 * 60;
    // The next days, about the same hour, on another task: a nightly job's repeat on whichever task runs it.
    expect(matchPattern(r, anomalyAt("c9", day + SAME_TIME_MINUTES, { cpu: 4 }))).toBeDefined();
    expect(matchPattern(r, anomalyAt("c9", 2 * day - SAME_TIME_MINUTES, { cpu: 4 }))).toBeDefined();
    // Another task at another hour: a fault of the same shape is not taken for the marked one.
    expect(matchPattern(r, anomalyAt("c9", day + SAME_TIME_MINUTES + 1, { cpu: 4 }))).toBeUndefined();
    expect(matchPattern(r, anomalyAt("c9", 5 * 60, { cpu: 4 }))).toBeUndefined();
    // The marked task itself, at any hour.
    expect(matchPattern(r, anomalyAt("c1", 5 * 60, { cpu: 4 }))).toBeDefined();
  });

  it("scopes over midnight, and a mark stored without a scope matches on every container at every hour", () => {
    const late = { ...mark("false-alarm"), pattern: { ...mark("false-alarm").pattern, minuteOfDay: 23 * 60 + 30 } };
    const atHalfPastMidnight = anomalyAt("c9", 24 * 60 - 10 * 60 + 30, { cpu: 4 }); // 00:30 UTC the next day
    expect(matchPattern(late, atHalfPastMidnight)).toBeDefined();
    const { containers: _c, minuteOfDay: _m, ...unscoped } = mark("false-alarm").pattern;
    expect(matchPattern({ ...mark("false-alarm"), pattern: unscoped }, anomalyAt("c9", 5 * 60, { cpu: 4 }))).toBeDefined();
  });

  it("does not match when another metric of the pattern moves the other way with a sizeable share", () => {
    const r = mark("false-alarm", { cpu: 4, latency: 2 });
    expect(matchPattern(r, anomalyAt("c1", 5, { cpu: 4, latency: 2 }))).toBeDefined();
    expect(matchPattern(r, anomalyAt("c1", 5, { cpu: 4, latency: -2 }))).toBeUndefined();
  });
});

describe("what feedback does to a step", () => {
  const step = (verdict: FeedbackVerdict, z: Parameters<typeof anomalyAt>[2]) => judgeStepWithFeedback(NO_RULES, T0, [anomalyAt("c1", 5, z)], false, [mark(verdict)]);

  it("a false alarm suppresses the same pattern, and the step says so", () => {
    const r = step("false-alarm", { cpu: 4 });
    expect(r.anomalies).toEqual([]);
    expect(r).toMatchObject({ dropped: 1, suppressed: 1, droppedAnomalies: [] });
    expect(r.feedback).toEqual([{ incidentId: "checkout:2026-01-06T10:00:00.000Z", verdict: "false-alarm", effect: "suppressed" }]);
  });

  it(`a deviation just under ${LARGER_DEVIATION_FACTOR}× the marked one is still suppressed; ${LARGER_DEVIATION_FACTOR}× alerts, tagged "larger"`, () => {
    expect(step("false-alarm", { cpu: 11.9 }).anomalies).toEqual([]);
    const larger = step("false-alarm", { cpu: 12 });
    expect(larger.anomalies).toHaveLength(1);
    expect(larger.feedback).toEqual([expect.objectContaining({ verdict: "false-alarm", effect: "larger" })]);
  });

  it("expected behaves like a false alarm and is recorded as expected", () => {
    const r = step("expected", { cpu: 4 });
    expect(r.anomalies).toEqual([]);
    expect(r.feedback).toEqual([expect.objectContaining({ verdict: "expected", effect: "suppressed" })]);
  });

  it("an anomaly of another pattern is untouched and carries no feedback", () => {
    const r = step("false-alarm", { memory: 4 });
    expect(r.anomalies).toHaveLength(1);
    expect(r.feedback).toEqual([]);
  });

  it("real keeps the pattern alerting despite a metric rule and a false-alarm mark of the same pattern", () => {
    const rules = { ...NO_RULES, metrics: [{ metric: CPU, minAbsolute: 50 }] };
    const a = anomalyAt("c1", 5, { cpu: 4 });
    const quiet = { ...mark("false-alarm"), incidentId: "checkout:earlier" };
    expect(judgeStepWithFeedback(rules, T0, [a], false, [quiet]).anomalies).toEqual([]);
    const r = judgeStepWithFeedback(rules, T0, [a], false, [quiet, mark("real")]);
    expect(r.anomalies).toEqual([a]);
    expect(r.feedback).toEqual([expect.objectContaining({ verdict: "real", effect: "protected" })]);
  });

  it("real raises again an alert the detector withheld as a recurrence of the same shape; a false alarm does not", () => {
    const withheld = { ...anomalyAt("c1", 5, { cpu: 4 }), alert: false, recurrence: true };
    const r = judgeStepWithFeedback(NO_RULES, T0, [withheld], false, [mark("real")]);
    expect(r.anomalies).toEqual([{ ...withheld, alert: true }]);
    const larger = { ...anomalyAt("c1", 5, { cpu: 12 }), alert: false, recurrence: true };
    expect(judgeStepWithFeedback(NO_RULES, T0, [larger], false, [mark("false-alarm")]).anomalies).toEqual([larger]);
  });

  it("real does not override a suppressing maintenance window", () => {
    const rules = { ...NO_RULES, maintenance: [{ name: "patch", mode: "suppress" as const, start: T0 - 1, end: T0 + 1 }] };
    const r = judgeStepWithFeedback(rules, T0, [anomalyAt("c1", 5, { cpu: 4 })], false, [mark("real")]);
    expect(r.anomalies).toEqual([]);
    expect(r.tags).toEqual(["maintenance:patch"]);
  });

  it("without marks the step is judged by the rules alone", () => {
    const a = anomalyAt("c1", 5, { cpu: 4 });
    expect(judgeFeedback([], [a])).toEqual({ protectedAnomalies: [], suppressed: [], others: [a], tags: [] });
    expect(judgeStepWithFeedback(NO_RULES, T0, [a], false, [])).toMatchObject({ anomalies: [a], suppressed: 0, feedback: [] });
  });
});
