import { quoteInput } from "../errors/quoteInput";
import type { MetricRole, MetricSample } from "../types";
import { FeatureCsvError, splitCsv } from "./featureRowCsv";
import { metricCellSchema, parseMetricCell, type MetricCellSchema } from "./metricCellSchema";
import { roleCanBeNegative } from "./roleBounds";

/**
 * Reads metric samples from the CSV layouts people bring to `cad train` / `cad backtest`:
 *
 * - **feature rows** (what `cad collect` and the collector write): `timestamp,service,container,<metric>,...`,
 *   one column per metric, an empty cell = missing;
 * - **long**: `timestamp,service,container,metric,value`, one sample per line;
 * - **Splunk CSV exports** of either layout: the time column is `_time` (ISO-8601 with an offset, or epoch
 *   seconds), and Splunk's other internal columns (`_span`, `_spandays`, … any name starting with `_`) are ignored.
 *
 * Both layouts may carry a `container_name` column (the container's name in its task: the replica group the
 * detector learns per). Columns may come in any order. Pure: no file access; `fileName` is only used in error messages.
 */
export type MetricsCsvLayout = "feature-rows" | "long";

export interface ParsedMetricsCsv {
  readonly layout: MetricsCsvLayout;
  /** True when the time column was Splunk's `_time`. */
  readonly splunk: boolean;
  readonly samples: MetricSample[];
  /** Metric names in the order they first appear (header order for feature rows). */
  readonly metrics: string[];
  /** Data lines read (blank lines excluded). */
  readonly lines: number;
  /** Cells left empty (missing values), which produce no sample. */
  readonly emptyCells: number;
}

export interface MetricsCsvOptions {
  /**
   * The metric names the caller can use (e.g. the known feature sets' metrics). A metric outside it is an
   * "unknown column" (feature rows) or an unknown metric (long format), reported with the names allowed.
   */
  readonly knownMetrics: readonly string[];
  /** Value written as `source` on every sample (default `csv`). */
  readonly source?: string;
  /** Role of each known metric: values of roles that cannot be negative (memory, bytes/s, …) are refused when negative. */
  readonly roles?: Readonly<Record<string, MetricRole>>;
}

const LONG_COLUMNS = ["metric", "value"] as const;
/** ISO-8601 date-time with an explicit zone (Z or ±hh:mm / ±hhmm); `T` or a space between date and time. */
const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?\s?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses one CSV text in any of the supported layouts into samples.
 *
 * @throws FeatureCsvError (`file:line: …`, naming the column) for: an empty file or a header without data
 *   lines, no time column, a missing `service`/`container` column, an unknown column, a duplicate column, a
 *   wrong cell count, an empty service/container, an unparseable or zone-less timestamp, a non-numeric or
 *   out-of-range value, a negative value of a metric whose role cannot be negative. Cells are quoted in messages
 *   to at most ~80 characters.
 */
export function parseMetricsCsv(text: string, fileName: string, opts: MetricsCsvOptions): ParsedMetricsCsv {
  const records = splitCsv(text, fileName);
  if (records.length === 0) throw new FeatureCsvError(fileName, 1, "empty file: expected a header line such as timestamp,service,container,<metric>,… or timestamp,service,container,metric,value");
  const [header, ...body] = records;

  const position = new Map<string, number>();
  header.cells.forEach((raw, i) => {
    const name = raw.trim();
    if (position.has(name)) throw new FeatureCsvError(fileName, header.line, `column ${quoteInput(name)} appears twice in the header (columns ${(position.get(name) as number) + 1} and ${i + 1})`);
    position.set(name, i);
  });
  const splunk = position.has("_time");
  if (splunk && position.has("timestamp")) throw new FeatureCsvError(fileName, header.line, 'both "_time" and "timestamp" columns: keep one time column');
  const timeColumn = splunk ? "_time" : "timestamp";
  if (!position.has(timeColumn)) throw new FeatureCsvError(fileName, header.line, `no time column: expected "timestamp" (or "_time" in a Splunk export); header is ${quoteInput(header.cells.join(","))}`);
  for (const key of ["service", "container"]) {
    if (!position.has(key)) throw new FeatureCsvError(fileName, header.line, `missing column "${key}"`);
  }
  const layout: MetricsCsvLayout = position.has("metric") || position.has("value") ? "long" : "feature-rows";
  if (layout === "long") {
    for (const c of LONG_COLUMNS) if (!position.has(c)) throw new FeatureCsvError(fileName, header.line, `long format needs both "metric" and "value" columns; "${c}" is missing`);
  }
  const known = new Set(opts.knownMetrics);
  const withName = position.has("container_name");
  const keyColumns = new Set([timeColumn, "service", "container", ...(withName ? ["container_name"] : []), ...(layout === "long" ? LONG_COLUMNS : [])]);
  const metricColumns: { name: string; index: number }[] = [];
  header.cells.forEach((raw, i) => {
    const name = raw.trim();
    if (keyColumns.has(name) || (splunk && name.startsWith("_"))) return;
    if (layout === "long" || !known.has(name)) {
      const expected = layout === "long" ? `a long-format file has only ${[timeColumn, "service", "container", ...LONG_COLUMNS].join(", ")}` : `known metrics: ${[...known].join(", ")}`;
      throw new FeatureCsvError(fileName, header.line, `unknown column ${quoteInput(name)} (column ${i + 1}); ${expected}`);
    }
    metricColumns.push({ name, index: i });
  });
  if (layout === "feature-rows" && metricColumns.length === 0) throw new FeatureCsvError(fileName, header.line, `no metric columns; known metrics: ${[...known].join(", ")}`);
  if (body.length === 0) throw new FeatureCsvError(fileName, header.line, "no data lines after the header");

  const source = opts.source ?? "csv";
  const samples: MetricSample[] = [];
  const metrics: string[] = layout === "feature-rows" ? metricColumns.map((m) => m.name) : [];
  const seenMetric = new Set(metrics);
  let emptyCells = 0;
  const col = (name: string): number => position.get(name) as number;
  const where = (name: string): string => `column ${col(name) + 1} ("${name}")`;
  // One schema per metric (its role decides whether negatives are allowed), built once per file.
  const cellSchemas: Record<string, MetricCellSchema> = {};
  const schemaFor = (metric: string): MetricCellSchema => (cellSchemas[metric] ??= metricCellSchema(opts.roles?.[metric]));
  for (const { line, cells } of body) {
    if (cells.length !== header.cells.length) throw new FeatureCsvError(fileName, line, `expected ${header.cells.length} cells like the header, found ${cells.length}`);
    const at = (name: string): string => cells[col(name)].trim();
    const timestamp = parseTimestamp(at(timeColumn), splunk);
    if (timestamp === undefined) {
      throw new FeatureCsvError(fileName, line, `${where(timeColumn)}: ${quoteInput(at(timeColumn))} is not a timestamp with a time zone (e.g. 2026-01-05T00:00:00Z${splunk ? ", 2026-01-05T00:00:00.000+00:00 or epoch seconds" : ""})`);
    }
    const service = at("service");
    const container = at("container");
    if (service === "") throw new FeatureCsvError(fileName, line, `${where("service")} is empty`);
    if (container === "") throw new FeatureCsvError(fileName, line, `${where("container")} is empty`);
    const named = withName ? { containerName: at("container_name") } : {};
    const value = (cell: string, column: string, metric: string): number | undefined => {
      if (cell === "") {
        emptyCells++;
        return undefined;
      }
      const role = opts.roles?.[metric];
      const parsed = parseMetricCell(schemaFor(metric), cell, role === undefined || roleCanBeNegative(role));
      if ("problem" in parsed) throw new FeatureCsvError(fileName, line, `${where(column)}: ${quoteInput(cell)} ${parsed.problem}`);
      return parsed.value;
    };
    if (layout === "long") {
      const metric = at("metric");
      if (!known.has(metric)) throw new FeatureCsvError(fileName, line, `${where("metric")}: unknown metric ${quoteInput(metric)}; known metrics: ${[...known].join(", ")}`);
      const v = value(at("value"), "value", metric);
      if (v === undefined) continue;
      if (!seenMetric.has(metric)) {
        seenMetric.add(metric);
        metrics.push(metric);
      }
      samples.push({ service, container, ...named, metric, timestamp, value: v, source });
    } else {
      for (const m of metricColumns) {
        const v = value(cells[m.index].trim(), m.name, m.name);
        if (v !== undefined) samples.push({ service, container, ...named, metric: m.name, timestamp, value: v, source });
      }
    }
  }
  if (samples.length === 0) throw new FeatureCsvError(fileName, header.line, `${body.length} data line(s) but not one value: every metric cell is empty`);
  return { layout, splunk, samples, metrics, lines: body.length, emptyCells };
}

/**
 * Epoch ms of an ISO-8601 timestamp with a zone; for Splunk's `_time` also epoch seconds (decimals allowed).
 * Zone-less times are refused: guessing the zone would silently shift every sample.
 */
export function parseTimestamp(text: string, allowEpochSeconds: boolean): number | undefined {
  if (allowEpochSeconds && /^\d{9,11}(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const m = ISO_ZONED.exec(text);
  if (!m) return undefined;
  const zone = m[9] === "Z" ? "Z" : m[9].length === 5 ? `${m[9].slice(0, 3)}:${m[9].slice(3)}` : m[9];
  const fraction = m[8] ? m[8].slice(0, 4) : "";
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[7] ?? "00"}${fraction}${zone}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls impossible dates over (Feb 30 → Mar 2): check the calendar day survived.
  const local = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (local.getUTCMonth() + 1 !== Number(m[2]) || local.getUTCDate() !== Number(m[3]) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[7] ?? 0) > 59) return undefined;
  return ms;
}
