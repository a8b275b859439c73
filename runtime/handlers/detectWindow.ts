import { NO_RULES, releaseHeldAlerts, type AlertRules } from "../detection/alertRules";
import type { FeedbackRecord } from "../detection/feedback";
import { judgeStepWithFeedback } from "../detection/judgeStepWithFeedback";
import { anomalyOf } from "../detection/anomalyOf";
import { calendarView, detectionAtLevel, divideByLevel, rowAtLevel, shapedByCalendar, type ServiceCalendar } from "../detection/serviceCalendar";
import { trackStep, type IncidentSettings, type IncidentTrackerState, type TrackerEvent } from "../detection/incidentTracker";
import type { ContainerDetection, ReplicaRow, ServiceDetector } from "../detection/serviceDetector";
import { alignSamples } from "../features/alignSamples";
import type { FeatureSet } from "../features/featureSet";
import { toVectors } from "../features/toVectors";
import type { Log, MetricSource, RunMetrics, Scorer } from "../ports";
import type { Anomaly, FeatureRow } from "../types";
import type { DetectionModel } from "./detectionModel";

/** One step's detections with the rows they judged (for reports: values, expected values, grades). */
export interface ObservedStep {
  readonly service: string;
  readonly timestamp: number;
  readonly rows: readonly FeatureRow[];
  readonly detections: readonly ContainerDetection[];
}

export interface WindowInput {
  readonly service: string;
  readonly source: MetricSource;
  /** The external scorer (SageMaker); required when the model's scorer is `sagemaker`. */
  readonly scorer?: Scorer;
  readonly model: DetectionModel;
  readonly detector: ServiceDetector;
  readonly tracker: IncidentTrackerState;
  readonly incidents: IncidentSettings;
  /** Operators' alert rules (which anomalies count, which events are tagged); none by default. */
  readonly rules?: AlertRules;
  /** Operators' feedback marks of the service (runtime/detection/feedback.ts); none by default. */
  readonly feedback?: readonly FeedbackRecord[];
  /** Whether the service is deploying during this run (read once per run from the service's state). */
  readonly deploying?: boolean;
  /** The service's calendar: load-like metrics are divided by its level before scoring (none: scored as they are). */
  readonly calendar?: ServiceCalendar;
  /** First step to score (inclusive) and the end of the window (exclusive), epoch ms on step boundaries. */
  readonly from: number;
  readonly end: number;
  readonly log: Log;
  readonly metrics?: RunMetrics;
  readonly observe?: (step: ObservedStep) => void;
}

export interface WindowResult {
  readonly stepsScored: number;
  readonly rowsScored: number;
  /** Every anomaly the detector found (before the alert rules). */
  readonly anomalies: readonly Anomaly[];
  /** Anomalies the alert rules or the feedback left out of incidents. */
  readonly anomaliesDropped: number;
  /** Of those, the anomalies the feedback left out (matching a false-alarm / expected mark). */
  readonly anomaliesSuppressed?: number;
  /** The tracker's events, each with the tags of the rules in force at its step (`rules`, absent when none). */
  readonly events: readonly TrackerEvent[];
  readonly tracker: IncidentTrackerState;
  /** Every raw score of the window (model health). */
  readonly scores: readonly number[];
  /** Mean CPU % of the busiest container name at the newest step (scaling's restore test). */
  readonly cpuPercent?: number;
}

/**
 * Detects on one service's window: fetch the samples (with enough earlier steps to fill short gaps and, for an
 * external model, to complete its shingles), align them to steps, then step by step hand every container's row
 * to the service's detector and the anomalies to the incident tracker. With the SageMaker scorer, the vectors of
 * the whole window are scored in one call first (the static model's score of a vector does not depend on
 * the detector's state), so the decisions are the same however the steps are split into runs.
 */
export async function detectWindow(w: WindowInput): Promise<WindowResult> {
  const fs = w.model.featureSet;
  const stepMs = fs.stepSeconds * 1000;
  const contextFrom = w.from - (fs.shingleSize - 1 + fs.maxFillSteps) * stepMs;
  const fetched = await w.source.fetch(w.service, { from: contextFrom, to: w.end });
  // A non-numeric value must not block detection run after run: leave it out (as a gap), count it and say where.
  const samples = fetched.filter((x) => Number.isFinite(x.value) && Number.isFinite(x.timestamp));
  if (samples.length < fetched.length) {
    const bad = fetched.find((x) => !Number.isFinite(x.value) || !Number.isFinite(x.timestamp)) as (typeof fetched)[number];
    w.log.warn("samples with non-numeric values or timestamps left out", { service: w.service, count: fetched.length - samples.length, example: { container: bad.container, metric: bad.metric, timestamp: String(bad.timestamp), value: String(bad.value) } });
    w.metrics?.record("rowsSkipped", fetched.length - samples.length);
  }
  const empty: WindowResult = { stepsScored: 0, rowsScored: 0, anomalies: [], anomaliesDropped: 0, events: [], tracker: w.tracker, scores: [] };
  if (samples.length === 0) {
    w.log.warn("no samples for service in window", { service: w.service, from: new Date(w.from).toISOString(), to: new Date(w.end).toISOString() });
    return empty;
  }
  const { rows, report } = alignSamples(samples, fs, { from: contextFrom, to: w.end });
  if (report.duplicates > 0 || report.outOfOrder > 0 || report.unknownMetric > 0) w.log.info("input cleaned while aligning", { service: w.service, ...report });
  const view = w.calendar ? calendarView(w.calendar, fs) : undefined;
  const external = w.model.scorer === "sagemaker" ? await externalScores(w, view ? rows.map((r) => (r.gap ? r : rowAtLevel(r, view))) : rows) : undefined;

  const byStep = new Map<number, FeatureRow[]>();
  for (const r of rows) {
    if (r.timestamp < w.from) continue;
    let list = byStep.get(r.timestamp);
    if (!list) byStep.set(r.timestamp, (list = []));
    list.push(r);
  }
  const anomalies: Anomaly[] = [];
  const events: TrackerEvent[] = [];
  const scores: number[] = [];
  let tracker = w.tracker;
  let rowsScored = 0;
  let anomaliesDropped = 0;
  let anomaliesSuppressed = 0;
  let newest: { rows: readonly FeatureRow[] } | undefined;
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  for (const ts of steps) {
    const stepRows = byStep.get(ts) as FeatureRow[];
    // With a calendar the detector sees load relative to the hour's expected level; its expectations are scaled back.
    const reading = view?.at(ts);
    const input: ReplicaRow[] = stepRows.map((r) => ({
      container: r.container,
      containerName: r.containerName ?? "",
      values: r.gap ? null : view && reading ? divideByLevel(r.values, view.scaled, reading.level) : r.values,
      ...(external ? { score: external.get(`${r.container}\u0000${ts}`) } : {}),
    }));
    const scored = w.detector.process(ts, input);
    const detections = view && reading ? scored.map((d) => detectionAtLevel(d, view.scaled, reading.level)) : scored;
    const valuesOf = new Map(stepRows.map((r) => [r.container, r.values]));
    const stepAnomalies: Anomaly[] = [];
    for (const d of detections) {
      scores.push(d.score);
      if (d.grade > 0 || d.alert) stepAnomalies.push(anomalyOf(w.service, d, valuesOf.get(d.container) as readonly number[], fs));
    }
    rowsScored += detections.length;
    anomalies.push(...stepAnomalies);
    // The rules decide what counts toward incidents; the detector above learned and scored as always.
    const judged = judgeStepWithFeedback(w.rules ?? NO_RULES, ts, stepAnomalies, w.deploying ?? false, w.feedback ?? []);
    anomaliesDropped += judged.dropped;
    anomaliesSuppressed += judged.suppressed;
    const counted = releaseHeldAlerts(tracker.held ?? {}, judged, ts, w.incidents.activityWindowSteps * stepMs);
    const r = trackStep(tracker, { timestamp: ts, anomalies: counted.anomalies, containers: detections.length, containersByName: countByName(detections) }, w.incidents);
    tracker = Object.keys(counted.held).length > 0 ? { ...r.state, held: counted.held } : r.state;
    const withTags = r.events.map((e) => ({ ...e, ...(judged.tags.length > 0 ? { rules: judged.tags } : {}), ...(judged.feedback.length > 0 ? { feedback: judged.feedback } : {}) }));
    events.push(...(reading && shapedByCalendar(reading) ? withTags.map((e) => ({ ...e, calendar: reading })) : withTags));
    w.observe?.({ service: w.service, timestamp: ts, rows: stepRows, detections });
    newest = { rows: stepRows };
  }
  return { stepsScored: steps.length, rowsScored, anomalies, anomaliesDropped, anomaliesSuppressed, events, tracker, scores, cpuPercent: newest ? busiestCpuPercent(newest.rows, fs) : undefined };
}

/** The external model's score of every vector of the window, by container and step, in one scorer call. */
async function externalScores(w: WindowInput, rows: readonly FeatureRow[]): Promise<Map<string, number>> {
  if (!w.scorer) throw new Error("the model scores with SageMaker but no scorer was wired");
  const vectors = toVectors(rows, w.model.featureSet, w.model.normalisation, w.from);
  const started = Date.now();
  const results = vectors.length > 0 ? await w.scorer.score(vectors.map((v) => v.vector)) : [];
  if (vectors.length > 0) w.metrics?.record("scorerLatencyMs", Date.now() - started);
  if (results.length !== vectors.length) throw new Error(`scorer returned ${results.length} scores for ${vectors.length} vectors`);
  return new Map(vectors.map((v, i) => [`${v.row.container}\u0000${v.row.timestamp}`, results[i].score]));
}

function countByName(detections: readonly ContainerDetection[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of detections) out[d.containerName] = (out[d.containerName] ?? 0) + 1;
  return out;
}

/**
 * Mean of the CPU-role metric over the containers of each container name at a step, the highest of them:
 * the container that would run out first decides whether fewer tasks could carry the load (undefined without a
 * CPU metric or a complete row).
 */
function busiestCpuPercent(rows: readonly FeatureRow[], fs: FeatureSet): number | undefined {
  const m = fs.metrics.findIndex((x) => x.role === "cpu");
  if (m < 0) return undefined;
  const byName = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    if (r.gap) continue;
    const k = r.containerName ?? "";
    const acc = byName.get(k) ?? { sum: 0, n: 0 };
    acc.sum += r.values[m];
    acc.n++;
    byName.set(k, acc);
  }
  if (byName.size === 0) return undefined;
  return Math.max(...[...byName.values()].map((a) => a.sum / a.n));
}
