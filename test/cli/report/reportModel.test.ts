import { describe, expect, it } from "vitest";
import { buildReportModel, type ReportInput } from "../../../cli/report/reportModel";
import type { FeatureSet } from "../../../runtime/features/featureSet";
import type { FeatureRow, Incident } from "../../../runtime/types";

const FS: FeatureSet = { metrics: [{ name: "cpu", role: "cpu" }, { name: "mem", role: "memory" }], stepSeconds: 60, maxFillSteps: 2, shingleSize: 1 };
const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;

/** `minutes` steps for `containers` containers; cpu = 10 except one spike, mem = minute index. */
function rows(minutes: number, containers: number, spikeAt: number): FeatureRow[] {
  const out: FeatureRow[] = [];
  for (let c = 0; c < containers; c++) for (let i = 0; i < minutes; i++) out.push({ service: "svc", container: `c${c}`, timestamp: T0 + i * MIN, values: [c === 0 && i === spikeAt ? 99 : 10, i], filled: 0, gap: false });
  return out;
}

const incident: Incident = {
  id: "svc:1",
  service: "svc",
  status: "resolved",
  kind: "saturation",
  start: T0 + 10 * MIN,
  lastAnomalyAt: T0 + 20 * MIN,
  resolvedAt: T0 + 25 * MIN,
  containers: ["c0"],
  containerNames: [""],
  anomalyCount: 3,
  peakScore: 3.5,
  peakGrade: 1,
  confidence: 1,
  threshold: 1.2,
  topMetrics: [],
};

function detected(container: string, minute: number, grade: number, expected: number[], spread: number[]) {
  return { service: "svc", container, containerName: "", timestamp: T0 + minute * MIN, score: 1 + grade, threshold: 1.2, grade, alert: grade > 0.5, expected, spread };
}

function input(minutes: number, containers: number, extra: Partial<ReportInput> = {}): ReportInput {
  return {
    title: "t",
    subtitle: "s",
    featureSet: FS,
    rows: rows(minutes, containers, 1234 % minutes),
    detections: [
      detected("c1", 12, 0.9, [10, 12], [1, 0.5]),
      detected("c0", 12, 0, [10, 12], [1, 0.5]),
      detected("c0", 13, 0.2, [11, 13], [2, 0.5]),
    ],
    events: [
      { id: "svc:1#1", type: "open", incident: { ...incident, status: "open", resolvedAt: undefined }, at: T0 + 12 * MIN },
      { id: "svc:1#2", type: "resolve", incident, at: T0 + 25 * MIN },
    ],
    scaling: [{ at: T0 + 12 * MIN, decision: { service: "svc", action: "scale-out", fromTasks: 2, toTasks: 4, reason: "r" }, applied: true }],
    truth: [{ service: "svc", start: T0 + 9 * MIN, end: T0 + 30 * MIN, kind: "load-spike" }],
    ...extra,
  };
}

describe("buildReportModel: the expected band", () => {
  it("stops at 0 for a metric that never went negative in the run, and goes below 0 for one that did", () => {
    const wide = [detected("c0", 12, 0, [10, 1], [5, 2])];
    const nonNegative = buildReportModel(input(60, 1, { detections: wide })).services[0];
    expect(nonNegative.metrics[0].bands[0].lo[12]).toBe(0);
    expect(nonNegative.metrics[1].bands[0].lo[12]).toBe(0);
    expect(nonNegative.metrics[0].bands[0].hi[12]).toBe(25);
    const withNegative = rows(60, 1, 5).map((r, i) => (i === 3 ? { ...r, values: [-4, r.values[1]] } : r));
    const signed = buildReportModel(input(60, 1, { detections: wide, rows: withNegative })).services[0];
    expect(signed.metrics[0].bands[0].lo[12]).toBe(-5);
    expect(signed.metrics[1].bands[0].lo[12]).toBe(0);
  });
});

describe("buildReportModel", () => {
  it("short runs: every step shown, one series per container, highest grade per step, expected band, windows in seconds", () => {
    const m = buildReportModel(input(60, 2));
    const svc = m.services[0];
    expect(svc.bucketSeconds).toBe(60);
    expect(svc.x).toHaveLength(60);
    expect(svc.x[0]).toBe(T0 / 1000);
    expect(svc.metrics.map((c) => c.name)).toEqual(["cpu", "mem"]);
    expect(svc.metrics[1].series).toHaveLength(2);
    expect(svc.metrics[1].series[0].slice(0, 3)).toEqual([0, 1, 2]);
    expect(svc.maxGrade[12]).toBe(0.9);
    expect(svc.maxGrade[13]).toBe(0.2);
    expect(svc.maxGrade[0]).toBeNull();
    // The band of the (unnamed) container group: lowest expected − 3 spread and highest expected + 3 spread.
    expect(svc.metrics[0].bands).toHaveLength(1);
    expect(svc.metrics[0].bands[0].lo[12]).toBe(7);
    expect(svc.metrics[0].bands[0].hi[12]).toBe(13);
    expect(svc.metrics[0].bands[0].hi[13]).toBe(17);
    expect(svc.metrics[0].bands[0].lo[0]).toBeNull();
    // mem never goes below 0 in the run: its band (12 − 3·0.5 at minute 12) stays at or above 0 anyway; see the next test for the floor.
    expect(svc.metrics[1].bands[0].lo[12]).toBe(10.5);
    expect(svc.incidents).toEqual([{ from: (T0 + 10 * MIN) / 1000, to: (T0 + 25 * MIN) / 1000, ref: 1, verdict: "detected", label: "#1 saturation (1 container, peak grade 1.00)" }]);
    expect(svc.truth).toEqual([{ from: (T0 + 9 * MIN) / 1000, to: (T0 + 30 * MIN) / 1000, label: "load-spike", verdict: "detected" }]);
    expect(svc.scaling).toEqual([{ at: (T0 + 12 * MIN) / 1000, action: "scale-out", label: "scale-out 2→4" }]);
    // The heat map: one row per container, one value per bucket, the container's own highest grade.
    expect(svc.containerGrades).toHaveLength(2);
    expect(svc.containerGrades[0]).toHaveLength(60);
    expect([svc.containerGrades[0][12], svc.containerGrades[0][13], svc.containerGrades[1][12], svc.containerGrades[1][13], svc.containerGrades[0][0]]).toEqual([0, 0.2, 0.9, null, null]);
    expect(svc.table.map((r) => [r.ref, r.incidentId, r.verdict])).toEqual([[1, "svc:1", "detected"]]);
    expect(m.summary).toEqual([
      {
        service: "svc",
        containersAtStart: 2,
        containersAtMost: 2,
        containersSeen: "2",
        from: "2026-01-05 00:00",
        to: "2026-01-05 01:00",
        scored: 3,
        anomalies: 2,
        incidents: 1,
        kinds: "saturation",
        alerts: 2,
        scalingActions: 1,
        truthDetected: "1/1",
        falseAlerts: "0",
      },
    ]);
  });

  it("counts containers as an SRE reads them: at the start, at most at once, and every id seen (replacements included) per container name", () => {
    // Two tasks of two containers each (app, envoy); task 1 is replaced at minute 30 by task 2.
    const named: FeatureRow[] = [];
    const task = (id: string, from: number, to: number) => {
      for (const name of ["app", "envoy"]) for (let i = from; i < to; i++) named.push({ service: "svc", container: `${id}/${name}`, containerName: name, timestamp: T0 + i * MIN, values: [10, i], filled: 0, gap: false });
    };
    task("t0", 0, 60);
    task("t1", 0, 30);
    task("t2", 30, 60);
    const s = buildReportModel({ ...input(60, 1), rows: named }).summary[0];
    expect([s.containersAtStart, s.containersAtMost, s.containersSeen]).toEqual([4, 4, "6 (app 3, envoy 3)"]);
  });

  it("shades the training period where it lies in the charts' range, clipped to it", () => {
    const m = buildReportModel({ ...input(60, 1), training: { start: T0 - 60 * MIN, end: T0 + 20 * MIN } });
    expect(m.services[0].training).toEqual({ from: T0 / 1000, to: (T0 + 20 * MIN) / 1000, label: "training" });
    expect(buildReportModel({ ...input(60, 1), training: { start: T0 - 60 * MIN, end: T0 } }).services[0].training).toBeUndefined();
  });

  it("a week of 1-minute data for 20 containers is drawn as min/max per bucket, keeping a one-minute spike", () => {
    const week = 7 * 24 * 60;
    const m = buildReportModel(input(week, 20));
    const svc = m.services[0];
    expect(svc.bucketSeconds).toBe(Math.ceil(week / 720) * 60);
    expect(svc.x.length).toBeLessThanOrEqual(2 * 720);
    expect(svc.metrics[0].series).toHaveLength(20);
    for (const s of svc.metrics[0].series) expect(s).toHaveLength(svc.x.length);
    // The spike (one minute, one container) survives as a bucket maximum; other containers stay flat.
    expect(Math.max(...(svc.metrics[0].series[0] as number[]))).toBe(99);
    expect(Math.max(...(svc.metrics[0].series[1] as number[]))).toBe(10);
    // x ascends strictly (uPlot needs it).
    expect(svc.x.every((t, i) => i === 0 || t > svc.x[i - 1])).toBe(true);
    expect(JSON.stringify(m).length).toBeLessThan(2_000_000);
  });

  it("one section per service, each with its own rows, detections, incidents and truth", () => {
    const base = input(30, 2);
    const other = rows(30, 3, 5).map((r) => ({ ...r, service: "api" }));
    const m = buildReportModel({ ...base, rows: [...base.rows, ...other] });
    expect(m.services.map((s) => s.name)).toEqual(["api", "svc"]);
    expect(m.summary.map((s) => [s.service, s.containersAtStart, s.scored, s.incidents, s.truthDetected])).toEqual([
      ["api", 3, 0, 0, "0/0"],
      ["svc", 2, 3, 1, "1/1"],
    ]);
    expect(m.services[0].incidents).toEqual([]);
    expect(m.services[0].scaling).toEqual([]);
    expect(m.services[0].maxGrade.every((v) => v === null)).toBe(true);
  });

  it("without ground truth the summary says '-'", () => {
    const m = buildReportModel(input(30, 1, { truth: undefined }));
    expect(m.summary[0].truthDetected).toBe("-");
    expect(m.summary[0].falseAlerts).toBe("-");
    expect(m.services[0].truth).toEqual([]);
  });
});
