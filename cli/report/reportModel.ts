import type { FeatureSet } from "../../runtime/features/featureSet";
import type { FeatureRow, IncidentEvent, ScalingDecision } from "../../runtime/types";
import type { DetectedStep } from "../replay/DetectionRecorder";
import { timeSpan } from "../timeSpan";
import { buildIncidentRows, type IncidentRow, type Verdict } from "./reportIncidents";

/** A known-anomalous window (injected by the simulator, or labelled by a person). Epoch ms, end exclusive. */
export interface TruthWindow {
  readonly service: string;
  readonly start: number;
  readonly end: number;
  readonly kind: string;
  /** The affected container, when the label names one. */
  readonly container?: string;
}

/** A scaling action the run took (or tried), with when. */
export interface ReportScalingAction {
  /** Epoch ms. */
  readonly at: number;
  readonly decision: ScalingDecision;
  readonly applied: boolean;
}

/** Everything a run produced that the report shows. Units: epoch ms; values raw (not normalised). */
export interface ReportInput {
  readonly title: string;
  /** One line under the title (data source, model, period). */
  readonly subtitle: string;
  readonly featureSet: FeatureSet;
  readonly rows: readonly FeatureRow[];
  /** Every detection of the run (what the detect handler's detector said per container and step). */
  readonly detections: readonly DetectedStep[];
  readonly events: readonly IncidentEvent[];
  readonly scaling: readonly ReportScalingAction[];
  readonly truth?: readonly TruthWindow[];
  /** The period the model was trained on, when it lies in the rows (shaded and labelled on every chart). Epoch ms, end exclusive. */
  readonly training?: { readonly start: number; readonly end: number };
  /** Buckets per chart; more steps than this are shown as min/max per bucket. Default 720. */
  readonly maxBuckets?: number;
}

/** A shaded time window on the charts. Seconds (uPlot's time unit). */
export interface ChartWindow {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  /** The incident table's row number, when the window has a row. */
  readonly ref?: number;
  /** Compared with the ground truth (only when it was given). */
  readonly verdict?: Verdict;
}

export interface MetricChart {
  readonly name: string;
  readonly role: string;
  /** Unit of the values, when the feature set names one. */
  readonly unit?: string;
  /** One series per container (null where the container has no value in the bucket). */
  readonly series: (number | null)[][];
  /**
   * The expected band per container name (replica group): the lowest expected − 3·spread and the highest
   * expected + 3·spread of its containers in the bucket, as the detector saw them.
   */
  readonly bands: readonly { readonly containerName: string; readonly lo: (number | null)[]; readonly hi: (number | null)[] }[];
}

export interface ServiceCharts {
  readonly name: string;
  readonly containers: readonly string[];
  /** Shared x values, epoch seconds, ascending. Two per bucket (its min, then its max) when downsampled. */
  readonly x: readonly number[];
  /** Bucket width in seconds (the step when nothing was downsampled). */
  readonly bucketSeconds: number;
  readonly metrics: readonly MetricChart[];
  /** Highest container anomaly grade per bucket (0 = normal, > 0 anomalous, up to 1). */
  readonly maxGrade: readonly (number | null)[];
  readonly incidents: readonly ChartWindow[];
  readonly truth: readonly ChartWindow[];
  readonly scaling: readonly { readonly at: number; readonly action: "scale-out" | "restore"; readonly label: string }[];
  /** The training period (seconds), when it lies in the charts' range. */
  readonly training?: ChartWindow;
  /**
   * The heat map: per container (same order as `containers`), its highest anomaly grade per bucket (one value per
   * bucket, not two); null where the container was not scored in the bucket.
   */
  readonly containerGrades: readonly (readonly (number | null)[])[];
  /** The incident table (incidents and, with ground truth, missed known windows), in order of start. */
  readonly table: readonly IncidentRow[];
}

export interface ServiceSummary {
  readonly service: string;
  /** Containers with a value at the first step. */
  readonly containersAtStart: number;
  /** The most containers with a value at one step. */
  readonly containersAtMost: number;
  /**
   * Every container id seen over the period, with the count per container name ("20 (app 10, envoy 10)"): a
   * replaced or added task brings new containers, so this exceeds the task count times the containers per task.
   */
  readonly containersSeen: string;
  readonly from: string;
  readonly to: string;
  readonly scored: number;
  readonly anomalies: number;
  readonly incidents: number;
  readonly kinds: string;
  readonly alerts: number;
  readonly scalingActions: number;
  /** "detected/known" truth windows, or "-" without ground truth. */
  readonly truthDetected: string;
  /** Incidents that overlap no known window, or "-" without ground truth. */
  readonly falseAlerts: string;
}

export interface ReportModel {
  readonly title: string;
  readonly subtitle: string;
  readonly summary: readonly ServiceSummary[];
  readonly services: readonly ServiceCharts[];
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/**
 * Turns a run into what the report draws: per service, metrics per container with the detector's expected band
 * per container name, and the highest anomaly grade per step, downsampled for display only (min and max per bucket, so a one-minute spike stays visible); incident
 * and truth windows; scaling actions; and the summary table. Pure.
 */
export function buildReportModel(input: ReportInput): ReportModel {
  const maxBuckets = input.maxBuckets ?? 720;
  const stepMs = input.featureSet.stepSeconds * 1000;
  const services = [...new Set(input.rows.map((r) => r.service))].sort();
  const charts: ServiceCharts[] = [];
  const summary: ServiceSummary[] = [];
  for (const service of services) {
    const rows = input.rows.filter((r) => r.service === service);
    const detections = input.detections.filter((s) => s.service === service);
    const span = timeSpan(rows);
    const from = span.first;
    const to = span.last + stepMs;
    const steps = Math.round((to - from) / stepMs);
    const stepsPerBucket = Math.max(1, Math.ceil(steps / maxBuckets));
    const bucketMs = stepsPerBucket * stepMs;
    const buckets = Math.ceil((to - from) / bucketMs);
    const downsampled = stepsPerBucket > 1;
    const bucketOf = (t: number) => Math.floor((t - from) / bucketMs);
    const containers = [...new Set(rows.map((r) => r.container))].sort();
    const cIndex = new Map(containers.map((c, i) => [c, i]));

    const x: number[] = [];
    for (let b = 0; b < buckets; b++) {
      const t = (from + b * bucketMs) / 1000;
      x.push(t);
      if (downsampled) x.push(t + bucketMs / 2000);
    }
    const envelope = (): { lo: Float64Array; hi: Float64Array } => ({ lo: new Float64Array(buckets).fill(Infinity), hi: new Float64Array(buckets).fill(-Infinity) });
    const toSeries = (e: { lo: Float64Array; hi: Float64Array }): (number | null)[] => {
      const out: (number | null)[] = [];
      for (let b = 0; b < buckets; b++) {
        const seen = e.hi[b] !== -Infinity;
        out.push(seen ? round(e.lo[b]) : null);
        if (downsampled) out.push(seen ? round(e.hi[b]) : null);
      }
      return out;
    };
    const metrics: MetricChart[] = input.featureSet.metrics.map((m, mi) => {
      const env = containers.map(envelope);
      for (const r of rows) {
        const v = r.values[mi];
        if (!Number.isFinite(v)) continue;
        const e = env[cIndex.get(r.container) as number];
        const b = bucketOf(r.timestamp);
        if (v < e.lo[b]) e.lo[b] = v;
        if (v > e.hi[b]) e.hi[b] = v;
      }
      // A metric that never went below 0 in the run (CPU %, bytes, counts) gets no band below 0: expected − 3·spread
      // can be negative, and a band dipping under the axis reads as if negative values were expected.
      const floor = rows.every((r) => !(r.values[mi] < 0)) ? 0 : -Infinity;
      const names = [...new Set(detections.map((d) => d.containerName))].sort();
      const bands = names.map((containerName) => {
        const lo = new Float64Array(buckets).fill(Infinity);
        const hi = new Float64Array(buckets).fill(-Infinity);
        for (const d of detections) {
          if (d.containerName !== containerName) continue;
          const b = bucketOf(d.timestamp);
          if (b < 0 || b >= buckets) continue;
          lo[b] = Math.min(lo[b], Math.max(floor, d.expected[mi] - 3 * d.spread[mi]));
          hi[b] = Math.max(hi[b], d.expected[mi] + 3 * d.spread[mi]);
        }
        const flat = (a: Float64Array, empty: number) => {
          const out: (number | null)[] = [];
          for (let b = 0; b < buckets; b++) {
            const v = a[b] === empty ? null : round(a[b]);
            out.push(v);
            if (downsampled) out.push(v);
          }
          return out;
        };
        return { containerName, lo: flat(lo, Infinity), hi: flat(hi, -Infinity) };
      });
      return { name: m.name, role: m.role, ...(m.unit !== undefined ? { unit: m.unit } : {}), series: env.map(toSeries), bands };
    });
    // The highest container grade per bucket: both points carry the max, so the line never hides a peak.
    const gradeMax = new Float64Array(buckets).fill(-Infinity);
    for (const d of detections) {
      const b = bucketOf(d.timestamp);
      if (b >= 0 && b < buckets && d.grade > gradeMax[b]) gradeMax[b] = d.grade;
    }
    const maxGrade: (number | null)[] = [];
    for (let b = 0; b < buckets; b++) {
      const v = gradeMax[b] === -Infinity ? null : round(gradeMax[b]);
      maxGrade.push(v);
      if (downsampled) maxGrade.push(v);
    }

    // The heat map: the highest grade per container and bucket.
    const containerGrades = containers.map(() => new Array<number | null>(buckets).fill(null));
    for (const d of detections) {
      const b = bucketOf(d.timestamp);
      const c = cIndex.get(d.container);
      if (c === undefined || b < 0 || b >= buckets) continue;
      const prev = containerGrades[c][b];
      if (prev === null || d.grade > prev) containerGrades[c][b] = round(d.grade);
    }

    const serviceEvents = input.events.filter((e) => e.incident.service === service);
    const truth = input.truth?.filter((t) => t.service === service);
    const scaling = input.scaling.filter((s) => s.decision.service === service);
    const nameOf = new Map(rows.filter((r) => r.containerName).map((r) => [r.container, r.containerName as string]));
    const table = buildIncidentRows(serviceEvents, scaling, truth, stepMs, (c) => nameOf.get(c));
    const byIncident = new Map(table.filter((r) => r.incidentId !== undefined).map((r) => [r.incidentId as string, r]));
    const incidents: ChartWindow[] = table
      .filter((r) => r.incidentId !== undefined)
      .map((r) => ({ from: r.start / 1000, to: r.end / 1000, ref: r.ref, label: `#${r.ref} ${r.kind} (${r.containers.length} container${r.containers.length === 1 ? "" : "s"}, peak grade ${(r.peakGrade ?? 0).toFixed(2)})`, ...(r.verdict ? { verdict: r.verdict } : {}) }));
    const missed = table.filter((r) => r.verdict === "missed");
    const truthWindows: ChartWindow[] = (truth ?? []).map((t) => {
      const row = missed.find((r) => r.start === t.start && r.end === t.end && r.kind === t.kind);
      return { from: t.start / 1000, to: t.end / 1000, label: `${t.kind}${t.container ? ` on ${t.container}` : ""}`, verdict: row ? "missed" : "detected", ...(row ? { ref: row.ref } : {}) };
    });
    const training = input.training && input.training.end > from && input.training.start < to
      ? { from: Math.max(from, input.training.start) / 1000, to: Math.min(to, input.training.end) / 1000, label: "training" }
      : undefined;
    charts.push({
      name: service,
      containers,
      x,
      bucketSeconds: bucketMs / 1000,
      metrics,
      maxGrade,
      incidents,
      truth: truthWindows,
      scaling: scaling
        .filter((s): s is ReportScalingAction & { decision: { action: "scale-out" | "restore" } } => s.decision.action !== "none")
        .map((s) => ({ at: s.at / 1000, action: s.decision.action, label: `${s.decision.action} ${s.decision.fromTasks}→${s.decision.toTasks}${s.applied ? "" : " (failed)"}` })),
      ...(training ? { training } : {}),
      containerGrades,
      table,
    });
    const perStep = new Map<number, number>();
    for (const r of rows) perStep.set(r.timestamp, (perStep.get(r.timestamp) ?? 0) + 1);
    const perName = new Map<string, Set<string>>();
    for (const r of rows) {
      const name = r.containerName ?? "";
      perName.set(name, (perName.get(name) ?? new Set()).add(r.container));
    }
    const names = [...perName.keys()].sort();
    const byName = names.length > 1 || names[0] !== "" ? ` (${names.map((n) => `${n || "unnamed"} ${perName.get(n)?.size}`).join(", ")})` : "";
    summary.push({
      service,
      containersAtStart: perStep.get(from) ?? 0,
      containersAtMost: Math.max(...perStep.values()),
      containersSeen: `${containers.length}${byName}`,
      from: iso(from),
      to: iso(to),
      scored: detections.length,
      anomalies: detections.filter((d) => d.grade > 0).length,
      incidents: byIncident.size,
      kinds: [...new Set([...byIncident.values()].map((r) => r.kind))].join(", ") || "-",
      alerts: serviceEvents.length,
      scalingActions: scaling.filter((s) => s.decision.action !== "none").length,
      truthDetected: truth ? `${truthWindows.filter((t) => t.verdict === "detected").length}/${truthWindows.length}` : "-",
      falseAlerts: truth ? String(table.filter((r) => r.verdict === "false").length) : "-",
    });
  }
  return { title: input.title, subtitle: input.subtitle, summary, services: charts };
}

/** Four significant digits: enough to draw, a third of the bytes of full precision. */
function round(v: number): number {
  return Number(v.toPrecision(4));
}
