import { featureCsvHeader, parseFeatureRowsCsv } from "../runtime/features/featureRowCsv";
import type { FeatureSet } from "../runtime/features/featureSet";
import type { ObjectStore, TimeRange } from "../runtime/ports";
import type { FeatureRow } from "../runtime/types";

const DAY_MS = 86_400_000;
/** `…/metrics/service=<svc>/date=YYYY-MM-DD/YYYY-MM-DDTHH-MM-SSZ.csv`, as `featureWindowKey` writes it. */
const WINDOW_KEY = /metrics\/service=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.csv$/;

/** What was read for one service. */
export interface ServiceWindows {
  readonly service: string;
  /** Keys of the windows read, in key (= time) order. */
  readonly keys: readonly string[];
  /** Rows in window order; a (container, step) seen in an earlier window is dropped (see `duplicateRows`). */
  readonly rows: readonly FeatureRow[];
  /** Rows whose step lies before the start of the window that holds them (delivered late by a re-collection). */
  readonly lateRows: number;
  /** Rows of a (container, step) already read from an earlier window: the first one is kept. */
  readonly duplicateRows: number;
  /** Rows outside the requested range (windows overlapping its edges). */
  readonly outOfRangeRows: number;
}

export interface ReadWindowsOptions {
  /** Where the collector's `metrics/` tree starts: `""` or a prefix ending in `/`. */
  readonly prefix: string;
  readonly featureSet: FeatureSet;
  /** Steps with from <= timestamp < to; all windows found when absent. */
  readonly range?: TimeRange;
  /** Services to read; every service found under `metrics/` when absent. */
  readonly services?: readonly string[];
}

/** Thrown when windows cannot be read as one training input; the message names the object(s). */
export class FeatureWindowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeatureWindowError";
  }
}

/** Services that have at least one window under `<prefix>metrics/`, sorted. */
export async function listWindowServices(objects: ObjectStore, prefix: string): Promise<string[]> {
  const services = new Set<string>();
  for (const key of await objects.list(`${prefix}metrics/service=`)) {
    const m = WINDOW_KEY.exec(key);
    if (m) services.add(decodeURIComponent(m[1]));
  }
  return [...services].sort();
}

/**
 * Reads the collector's feature-row windows of each service, listing only the date partitions the range
 * touches (plus the day before, whose last window may reach into it). Every window must have exactly the
 * feature set's metrics; cells are parsed by the collector's own CSV reader, so a bad cell is reported with
 * its object key, line and column.
 *
 * @throws FeatureWindowError when two windows have different metric sets, or a window's metrics differ from
 *   the feature set's; FeatureCsvError for malformed content.
 */
export async function readFeatureWindows(objects: ObjectStore, opts: ReadWindowsOptions): Promise<ServiceWindows[]> {
  const services = opts.services ?? (await listWindowServices(objects, opts.prefix));
  const expected = featureCsvHeader(opts.featureSet);
  let firstHeader: { key: string; metrics: string[] } | undefined;
  const out: ServiceWindows[] = [];
  for (const service of services) {
    const keys = await windowKeys(objects, opts.prefix, service, opts.range);
    const rows: FeatureRow[] = [];
    const seen = new Set<string>();
    let lateRows = 0;
    let duplicateRows = 0;
    let outOfRangeRows = 0;
    for (const key of keys) {
      const text = await objects.get(key);
      if (text === undefined) throw new FeatureWindowError(`${key}: listed but could not be read (deleted while reading?)`);
      if (text.trim() === "") throw new FeatureWindowError(`${key}: empty object; a window always starts with the header "${expected.join(",")}"`);
      const metrics = headerMetrics(text);
      if (firstHeader === undefined) firstHeader = { key, metrics };
      else if (metrics.join("\u0000") !== firstHeader.metrics.join("\u0000")) {
        throw new FeatureWindowError(`windows have different metric sets: ${firstHeader.key} has [${firstHeader.metrics.join(", ")}], ${key} has [${metrics.join(", ")}]; build each metric set separately`);
      }
      const wanted = expected.slice(3);
      if (metrics.join("\u0000") !== wanted.join("\u0000")) {
        throw new FeatureWindowError(`${key}: the window's metrics [${metrics.join(", ")}] differ from the feature set's [${wanted.join(", ")}]; build with the feature set the collector used`);
      }
      const windowStart = startOfWindow(key);
      for (const row of parseFeatureRowsCsv(text, opts.featureSet, key)) {
        if (opts.range && (row.timestamp < opts.range.from || row.timestamp >= opts.range.to)) {
          outOfRangeRows++;
          continue;
        }
        const id = `${row.container}\u0000${row.timestamp}`;
        if (seen.has(id)) {
          duplicateRows++;
          continue;
        }
        seen.add(id);
        if (row.service !== service) throw new FeatureWindowError(`${key}: holds a row of service "${row.service}" in the partition of service "${service}"`);
        if (windowStart !== undefined && row.timestamp < windowStart) lateRows++;
        rows.push(row);
      }
    }
    out.push({ service, keys, rows, lateRows, duplicateRows, outOfRangeRows });
  }
  return out;
}

/** Window keys of one service, sorted, limited to the date partitions the range touches. */
async function windowKeys(objects: ObjectStore, prefix: string, service: string, range: TimeRange | undefined): Promise<string[]> {
  const base = `${prefix}metrics/service=${encodeURIComponent(service)}/`;
  const keep = (k: string): boolean => k.endsWith(".csv");
  if (!range) return (await objects.list(base)).filter(keep);
  const keys: string[] = [];
  for (let day = Math.floor(range.from / DAY_MS) * DAY_MS - DAY_MS; day < range.to; day += DAY_MS) {
    keys.push(...(await objects.list(`${base}date=${new Date(day).toISOString().slice(0, 10)}/`)).filter(keep));
  }
  return keys.sort();
}

/** Metric columns of a window's header line, in file order (RFC 4180 quoting undone). */
function headerMetrics(text: string): string[] {
  const end = text.indexOf("\n");
  const line = (end === -1 ? text : text.slice(0, end)).replace(/\r$/, "");
  const cells: string[] = [];
  for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
    const cell = m[1];
    cells.push(cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
    if (m[2] === "") break;
  }
  return cells.filter((c) => c !== "timestamp" && c !== "service" && c !== "container" && c !== "container_name");
}

/** Epoch ms of the window start encoded in its key, or undefined for a key of another shape. */
function startOfWindow(key: string): number | undefined {
  const m = WINDOW_KEY.exec(key);
  return m ? Date.parse(`${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
}
