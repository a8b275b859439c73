import type { TimeRange } from "../../ports";
import type { MetricSample } from "../../types";

/** What converting Metrics API v2 series did; every data point not turned into a sample is counted. */
export interface DynatraceSeriesReport {
  readonly series: number;
  readonly points: number;
  readonly samples: number;
  /** Null values: no data in that slot (a gap, filled or marked later by alignment). */
  readonly nulls: number;
  /** Values that are neither numbers nor null (skipped). */
  readonly nonNumeric: number;
  /** Series without the container dimension (all their points skipped). */
  readonly missingDimension: number;
  /** Series whose timestamps and values differ in length (all their points skipped). */
  readonly malformedSeries: number;
  /** Points whose step lies outside the requested range (skipped). */
  readonly outOfRange: number;
  /** Points repeated for the same container and step (first kept). */
  readonly duplicates: number;
  /** Negative values of a metric whose role cannot be negative (memory, bytes/s, …): skipped. */
  readonly negative: number;
}

/** Resolution text (`1m`, `5m`, `1h`, `30s`) in ms; undefined for `Inf` or anything else. */
export function resolutionMs(resolution: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(resolution.trim());
  if (!m || Number(m[1]) <= 0) return undefined;
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
}

/**
 * Turns `result[].data` series of one metric into samples. Dynatrace timestamps mark the END of each
 * slot; our steps are named by their START, so each timestamp moves back by one resolution. With `nameDimension`
 * (the selector splits by it too, e.g. `dt.entity.container_group`), its value names the container's replica group.
 */
export function dynatraceSeriesToSamples(
  series: readonly unknown[],
  opts: { readonly service: string; readonly metric: string; readonly dimension: string; readonly nameDimension?: string; readonly slotMs: number; readonly range: TimeRange; readonly nonNegative?: boolean },
): { samples: MetricSample[]; report: DynatraceSeriesReport; examples: string[] } {
  const c = { points: 0, nulls: 0, nonNumeric: 0, missingDimension: 0, malformedSeries: 0, outOfRange: 0, duplicates: 0, negative: 0 };
  const examples: string[] = [];
  const seen = new Set<string>();
  const samples: MetricSample[] = [];
  series.forEach((s, i) => {
    const obj = (s ?? {}) as { dimensionMap?: unknown; timestamps?: unknown; values?: unknown };
    const dims = obj.dimensionMap && typeof obj.dimensionMap === "object" ? (obj.dimensionMap as Record<string, unknown>) : {};
    const container = dims[opts.dimension];
    // The replica group: e.g. the container group (one image and name across hosts) of a container group instance.
    const name = opts.nameDimension !== undefined ? dims[opts.nameDimension] : undefined;
    const named = typeof name === "string" && name !== "" ? { containerName: name } : {};
    const timestamps = Array.isArray(obj.timestamps) ? obj.timestamps : undefined;
    const values = Array.isArray(obj.values) ? obj.values : undefined;
    if (!timestamps || !values || timestamps.length !== values.length) {
      c.malformedSeries++;
      if (examples.length < 5) examples.push(`series ${i} of ${opts.metric}: timestamps and values missing or of different lengths`);
      return;
    }
    c.points += values.length;
    if (typeof container !== "string" || container === "") {
      c.missingDimension++;
      if (examples.length < 5) examples.push(`series ${i} of ${opts.metric}: no "${opts.dimension}" dimension`);
      return;
    }
    values.forEach((v, k) => {
      const end = timestamps[k];
      if (v === null) {
        c.nulls++;
        return;
      }
      if (typeof v !== "number" || !Number.isFinite(v) || typeof end !== "number" || !Number.isFinite(end)) {
        c.nonNumeric++;
        if (examples.length < 5) examples.push(`series ${i} of ${opts.metric}: point ${k} is ${JSON.stringify(v)} at ${JSON.stringify(end)}`);
        return;
      }
      if (opts.nonNegative && v < 0) {
        c.negative++;
        if (examples.length < 5) examples.push(`series ${i} of ${opts.metric}: point ${k} is ${v}, but ${opts.metric} cannot be negative`);
        return;
      }
      const timestamp = end - opts.slotMs;
      if (timestamp < opts.range.from || timestamp >= opts.range.to) {
        c.outOfRange++;
        return;
      }
      const key = `${container}\u0000${timestamp}`;
      if (seen.has(key)) {
        c.duplicates++;
        return;
      }
      seen.add(key);
      samples.push({ service: opts.service, container, ...named, metric: opts.metric, timestamp, value: v, source: "dynatrace" });
    });
  });
  return { samples, report: { series: series.length, samples: samples.length, ...c }, examples };
}
