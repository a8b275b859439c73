import type { FeatureSet } from "../../runtime/features/featureSet";
import type { FeatureRow, IncidentEvent, ScalingDecision } from "../../runtime/types";
import type { DetectedStep } from "../replay/DetectionRecorder";
import { timeSpan } from "../timeSpan";

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
  /** Buckets per chart; more steps than this are shown as min/max per bucket. Default 720. */
  readonly maxBuckets?: number;
}

/** A shaded time window on the charts. Seconds (uPlot's time unit). */
export interface ChartWindow {
  readonly from: number;
  readonly to: number;
  readonly label: string;
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
  readonly scaling: readonly { readonly at: number; readonly label: string }[];
}

export interface ServiceSummary {
  readonly service: string;
  readonly containers: number;
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
      const names = [...new Set(detections.map((d) => d.containerName))].sort();
      const bands = names.map((containerName) => {
        const lo = new Float64Array(buckets).fill(Infinity);
        const hi = new Float64Array(buckets).fill(-Infinity);
        for (const d of detections) {
          if (d.containerName !== containerName) continue;
          const b = bucketOf(d.timestamp);
          if (b < 0 || b >= buckets) continue;
          lo[b] = Math.min(lo[b], d.expected[mi] - 3 * d.spread[mi]);
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

    const serviceEvents = input.events.filter((e) => e.incident.service === service);
    const lastOf = new Map<string, IncidentEvent>();
    for (const e of serviceEvents) lastOf.set(e.incident.id, e);
    const incidents = [...lastOf.values()].map((e) => {
      const i = e.incident;
      const end = (i.resolvedAt ?? Math.max(i.lastAnomalyAt + stepMs, e.at)) / 1000;
      return { from: i.start / 1000, to: end, label: `${i.kind} (${i.containers.length} container${i.containers.length === 1 ? "" : "s"}, peak ${i.peakScore.toFixed(2)})` };
    });
    const truth = (input.truth ?? []).filter((t) => t.service === service);
    const scaling = input.scaling.filter((s) => s.decision.service === service);
    const detected = truth.filter((t) => [...lastOf.values()].some((e) => e.incident.start < t.end + 30 * 60_000 && (e.incident.resolvedAt ?? e.incident.lastAnomalyAt + stepMs) > t.start)).length;
    charts.push({
      name: service,
      containers,
      x,
      bucketSeconds: bucketMs / 1000,
      metrics,
      maxGrade,
      incidents,
      truth: truth.map((t) => ({ from: t.start / 1000, to: t.end / 1000, label: `${t.kind}${t.container ? ` on ${t.container}` : ""}` })),
      scaling: scaling.map((s) => ({ at: s.at / 1000, label: `${s.decision.action} ${s.decision.fromTasks}→${s.decision.toTasks}${s.applied ? "" : " (failed)"}` })),
    });
    summary.push({
      service,
      containers: containers.length,
      from: iso(from),
      to: iso(to),
      scored: detections.length,
      anomalies: detections.filter((d) => d.grade > 0).length,
      incidents: lastOf.size,
      kinds: [...new Set([...lastOf.values()].map((e) => e.incident.kind))].join(", ") || "-",
      alerts: serviceEvents.length,
      scalingActions: scaling.length,
      truthDetected: input.truth ? `${detected}/${truth.length}` : "-",
    });
  }
  return { title: input.title, subtitle: input.subtitle, summary, services: charts };
}

/** Four significant digits: enough to draw, a third of the bytes of full precision. */
function round(v: number): number {
  return Number(v.toPrecision(4));
}
