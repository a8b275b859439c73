import type { TimeRange } from "../../ports";
import type { MetricSample } from "../../types";
import { quoteInput } from "../../errors/quoteInput";
import { CONTAINER_NAME_FIELD, metricAlias, type SplunkSearchSpec } from "./splunkSearch";

/** What converting result rows did; every row or value not turned into a sample is counted here. */
export interface SplunkRowReport {
  readonly rows: number;
  readonly samples: number;
  /** Rows without a parseable `_time` (skipped). */
  readonly badTime: number;
  /** Rows lacking a container field (skipped). */
  readonly missingContainer: number;
  /** Rows whose step lies outside the requested range (skipped). */
  readonly outOfRange: number;
  /** Metric cells that were absent or empty (no sample: a gap, as when the container reported nothing). */
  readonly missingValue: number;
  /** Metric cells that were not numbers (skipped). */
  readonly nonNumeric: number;
  /** Samples repeated for the same (container, metric, time): the first is kept. */
  readonly duplicates: number;
  /** Duplicates whose value differed from the kept one. */
  readonly conflictingDuplicates: number;
  /** Rows that came earlier in time than a previous row of the same container (they are sorted, not dropped). */
  readonly outOfOrder: number;
  /** Negative values of metrics that cannot be negative (memory, bytes/s, …): skipped. */
  readonly negative: number;
}

/** An example of each kind of skip, for the log line (at most a few). */
export interface SplunkRowConversion {
  readonly samples: MetricSample[];
  readonly report: SplunkRowReport;
  readonly examples: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Turns Splunk result rows (`{_time, <container fields>, m0, m1, …}`, every value a string) into samples of
 * `service`, sorted by container, metric and time. Never throws on a bad row: it is skipped and counted.
 */
export function splunkRowsToSamples(rows: readonly Record<string, unknown>[], spec: SplunkSearchSpec, service: string, range: TimeRange, nonNegative: readonly string[] = []): SplunkRowConversion {
  const c = { badTime: 0, missingContainer: 0, outOfRange: 0, missingValue: 0, nonNumeric: 0, duplicates: 0, conflictingDuplicates: 0, outOfOrder: 0, negative: 0 };
  const examples: string[] = [];
  const example = (text: string): void => {
    if (examples.length < 5) examples.push(text);
  };
  const kept = new Map<string, MetricSample>();
  const lastTime = new Map<string, number>();

  rows.forEach((row, i) => {
    const timestamp = parseSplunkTime(row._time);
    if (timestamp === undefined) {
      c.badTime++;
      example(`row ${i}: _time ${row._time === undefined ? "missing" : quoteInput(String(row._time), 40)} is not a timestamp`);
      return;
    }
    const parts = spec.containerFields.map((f) => row[f]);
    if (parts.some((p) => typeof p !== "string" || p === "")) {
      c.missingContainer++;
      example(`row ${i}: no ${spec.containerFields.join("/")} value`);
      return;
    }
    if (timestamp < range.from || timestamp >= range.to) {
      c.outOfRange++;
      example(`row ${i}: ${new Date(timestamp).toISOString()} is outside the requested range`);
      return;
    }
    const container = parts.join("/");
    const nameAt = spec.containerFields.indexOf(CONTAINER_NAME_FIELD);
    const named = nameAt >= 0 ? { containerName: parts[nameAt] as string } : {};
    const prev = lastTime.get(container);
    if (prev !== undefined && timestamp < prev) c.outOfOrder++;
    lastTime.set(container, prev === undefined ? timestamp : Math.max(prev, timestamp));

    spec.metrics.forEach((metric, m) => {
      const cell = row[metricAlias(m)];
      if (cell === undefined || cell === null || cell === "") {
        c.missingValue++;
        return;
      }
      const text = String(cell).trim();
      if (!NUMBER.test(text) || !Number.isFinite(Number(text))) {
        c.nonNumeric++;
        example(`row ${i}: ${metric} of ${container} is ${quoteInput(String(cell), 40)}, not a number`);
        return;
      }
      const value = Number(text);
      if (value < 0 && nonNegative.includes(metric)) {
        c.negative++;
        example(`row ${i}: ${metric} of ${container} is ${value}, but ${metric} cannot be negative`);
        return;
      }
      const key = `${container}\u0000${metric}\u0000${timestamp}`;
      const first = kept.get(key);
      if (first) {
        c.duplicates++;
        if (first.value !== value) {
          c.conflictingDuplicates++;
          example(`row ${i}: ${metric} of ${container} at ${new Date(timestamp).toISOString()} repeated with ${value} (kept ${first.value})`);
        }
        return;
      }
      kept.set(key, { service, container, ...named, metric, timestamp, value, source: "splunk" });
    });
  });

  const samples = [...kept.values()].sort((a, b) =>
    a.container < b.container ? -1 : a.container > b.container ? 1 : a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.timestamp - b.timestamp,
  );
  return { samples, report: { rows: rows.length, samples: samples.length, ...c }, examples };
}

/**
 * Epoch ms of a Splunk `_time`: ISO-8601 with offset (`2026-11-25T01:00:00.000+00:00`, what JSON output
 * writes) or epoch seconds (`1764032400` / `1764032400.000`). Undefined otherwise.
 */
export function parseSplunkTime(value: unknown): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
