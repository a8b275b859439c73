import { describe, expect, it } from "vitest";
import { checkRulesAgainst, filteredByRule, judgeAnomaly, judgeStep, NO_RULES, releaseHeldAlerts, type AlertRules } from "../../runtime/detection/alertRules";
import { anomalyAt, FS, MIN, T0 } from "../helpers/anomalies";

const CPU = "container.cpu.utilized";
const LATENCY = "http.server.latency.p95";
const rules = (over: Partial<AlertRules>): AlertRules => ({ ...NO_RULES, ...over });

describe("metric rules: minimum absolute and relative deviation, direction", () => {
  it("minAbsolute: a change smaller than it (either way) does not alert, a change at least as large does", () => {
    const rule = { metric: CPU, minAbsolute: 10 };
    expect(filteredByRule(rule, { value: 49, expected: 40 })).toBe(true);
    expect(filteredByRule(rule, { value: 31, expected: 40 })).toBe(true);
    expect(filteredByRule(rule, { value: 50, expected: 40 })).toBe(false);
    expect(filteredByRule(rule, { value: 25, expected: 40 })).toBe(false);
  });

  it("minRelative: measured against the expected value; any change from an expected 0 passes", () => {
    const rule = { metric: LATENCY, minRelative: 0.5 };
    expect(filteredByRule(rule, { value: 140, expected: 100 })).toBe(true);
    expect(filteredByRule(rule, { value: 150, expected: 100 })).toBe(false);
    expect(filteredByRule(rule, { value: 1, expected: 0 })).toBe(false);
    expect(filteredByRule(rule, { value: 0, expected: 0 })).toBe(true);
  });

  it("direction: `up` alerts only on values above the expected, `down` only below, `both` either", () => {
    expect(filteredByRule({ metric: LATENCY, direction: "up" }, { value: 50, expected: 100 })).toBe(true);
    expect(filteredByRule({ metric: LATENCY, direction: "up" }, { value: 150, expected: 100 })).toBe(false);
    expect(filteredByRule({ metric: LATENCY, direction: "down" }, { value: 150, expected: 100 })).toBe(true);
    expect(filteredByRule({ metric: LATENCY, direction: "down" }, { value: 50, expected: 100 })).toBe(false);
    expect(filteredByRule({ metric: LATENCY, direction: "both" }, { value: 50, expected: 100 })).toBe(false);
  });

  it("an anomaly counts only when the metrics the rules pass carry at least half its score", () => {
    // CPU +1.6 points (z 0.32 of spread 5 is tiny; here z = 2 → +10 points) and latency +1 spread.
    const mostlyCpu = anomalyAt("c1", 0, { cpu: 1.5, latency: 0.5 }); // CPU +7.5 points, 75 % of the score
    expect(judgeAnomaly([{ metric: CPU, minAbsolute: 10 }], mostlyCpu)).toEqual({ keep: false, filtered: [CPU] });
    const mostlyLatency = anomalyAt("c1", 0, { cpu: 1, latency: 3 }); // CPU +5 points, 25 % of the score
    expect(judgeAnomaly([{ metric: CPU, minAbsolute: 10 }], mostlyLatency)).toEqual({ keep: true, filtered: [CPU] });
    const bigCpu = anomalyAt("c1", 0, { cpu: 3 }); // +15 points
    expect(judgeAnomaly([{ metric: CPU, minAbsolute: 10 }], bigCpu).keep).toBe(true);
    const latencyDown = anomalyAt("c1", 0, { latency: -4 });
    expect(judgeAnomaly([{ metric: LATENCY, direction: "up" }], latencyDown)).toEqual({ keep: false, filtered: [LATENCY] });
    expect(judgeAnomaly([{ metric: LATENCY, direction: "up" }], anomalyAt("c1", 0, { latency: 4 })).keep).toBe(true);
  });
});

describe("a step under the rules", () => {
  const hot = [anomalyAt("c1", 0, { cpu: 1.5 }), anomalyAt("c2", 0, { memory: 6 })];

  it("without rules every anomaly counts and nothing is tagged", () => {
    expect(judgeStep(NO_RULES, T0, hot, true)).toEqual({ anomalies: hot, dropped: 0, droppedAnomalies: [], tags: [], windows: [] });
  });

  it("metric rules drop the filtered anomalies and tag the step with the rule's metric", () => {
    const r = judgeStep(rules({ metrics: [{ metric: CPU, minAbsolute: 10 }] }), T0, hot, false);
    expect(r.anomalies).toEqual([hot[1]]);
    expect(r).toMatchObject({ dropped: 1, tags: [`metric:${CPU}`] });
  });

  it("a suppressing window drops every anomaly of its steps; a tagging one keeps them and tags the step", () => {
    const suppress = rules({ maintenance: [{ name: "patch", mode: "suppress", start: T0, end: T0 + 60 * MIN }] });
    expect(judgeStep(suppress, T0, hot, false)).toMatchObject({ anomalies: [], dropped: 2, tags: ["maintenance:patch"] });
    expect(judgeStep(suppress, T0 + 60 * MIN, hot, false)).toMatchObject({ anomalies: hot, dropped: 0, tags: [] });
    const tag = rules({ maintenance: [{ name: "release", mode: "tag", days: ["tue"], at: "10:00", durationMinutes: 30, timeZone: "UTC" }] });
    // T0 is Tuesday 2026-01-06 10:00 UTC.
    expect(judgeStep(tag, T0, hot, false)).toMatchObject({ anomalies: hot, dropped: 0, tags: ["maintenance:release"] });
  });

  it("during a deployment: `alert` changes nothing, `tag` tags the step, `hold` drops its anomalies", () => {
    expect(judgeStep(rules({ onDeployment: "alert" }), T0, hot, true)).toMatchObject({ anomalies: hot, tags: [] });
    expect(judgeStep(rules({ onDeployment: "tag" }), T0, hot, true)).toMatchObject({ anomalies: hot, tags: ["deployment"] });
    expect(judgeStep(rules({ onDeployment: "hold" }), T0, hot, true)).toMatchObject({ anomalies: [], dropped: 2, tags: ["deployment"] });
    expect(judgeStep(rules({ onDeployment: "hold" }), T0, hot, false)).toMatchObject({ anomalies: hot, tags: [] });
  });
});

describe("alerts the rules dropped", () => {
  const hold = rules({ onDeployment: "hold" });
  const step = (minute: number, alert: boolean, deploying: boolean) => judgeStep(hold, T0 + minute * MIN, [anomalyAt("c1", minute, { cpu: 6 }, 0.5, alert)], deploying);

  it("an episode whose alert was held alerts at its first counted anomaly, however long it stayed anomalous while held", () => {
    let held: Record<string, number> = {};
    let r = releaseHeldAlerts(held, step(0, true, true), T0, 6 * MIN);
    expect(r).toEqual({ anomalies: [], held: { c1: T0 } });
    held = r.held;
    for (let m = 1; m < 20; m++) held = releaseHeldAlerts(held, step(m, false, true), T0 + m * MIN, 6 * MIN).held;
    expect(held).toEqual({ c1: T0 + 19 * MIN });
    r = releaseHeldAlerts(held, step(20, false, false), T0 + 20 * MIN, 6 * MIN);
    expect(r.anomalies.map((a) => a.alert)).toEqual([true]);
    expect(r.held).toEqual({});
  });

  it("is forgotten when the container stays quiet longer than the horizon", () => {
    const held = releaseHeldAlerts({}, step(0, true, true), T0, 6 * MIN).held;
    const later = releaseHeldAlerts(held, step(7, false, false), T0 + 7 * MIN, 6 * MIN);
    expect(later.anomalies.map((a) => a.alert)).toEqual([false]);
    expect(later.held).toEqual({});
  });
});

describe("rules against the feature set", () => {
  it("names an unknown metric with the feature set's metrics, and a metric ruled twice", () => {
    expect(() => checkRulesAgainst(rules({ metrics: [{ metric: "cpu" }] }), FS, "rules.json")).toThrow(
      `rules.json: metrics[0].metric "cpu" is not a metric of the feature set (its metrics: ${FS.metrics.map((m) => m.name).join(", ")})`,
    );
    expect(() => checkRulesAgainst(rules({ metrics: [{ metric: CPU }, { metric: CPU, minAbsolute: 1 }] }), FS, "rules.json")).toThrow('rules.json: metrics[1].metric "container.cpu.utilized" has a rule already');
    expect(checkRulesAgainst(rules({ metrics: [{ metric: CPU }] }), FS, "x").metrics).toHaveLength(1);
  });
});
