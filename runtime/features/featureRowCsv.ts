import type { FeatureRow } from "../types";
import type { FeatureSet } from "./featureSet";
import { CadError } from "../errors/CadError";
import { quoteInput } from "../errors/quoteInput";
import { metricCellSchema, parseMetricCell } from "./metricCellSchema";
import { roleCanBeNegative } from "./roleBounds";

/**
 * The CSV form of feature rows: what the collector writes to S3 and what the CLI and training read back.
 *
 * Format (RFC 4180, `\n` line ends, a header line first):
 *
 *     timestamp,service,container[,container_name],<metric 1>,<metric 2>,...
 *     2026-11-25T01:00:00.000Z,checkout,9f3c…/app,app,12.5,,1048576
 *
 * - `container_name` (optional): the container's name in its task (the replica group the detector learns
 *   per); written when any row has one, read when present.
 * - `timestamp`: the step start as ISO-8601 UTC (`Z`), a multiple of the feature set's step.
 * - metric columns in the feature set's order; values are raw (not normalised) and written with full
 *   precision (`String(number)`), so a parse gives back exactly the numbers written.
 * - an empty cell is a missing value (NaN in the row); a row with a missing value is a gap row.
 * - `filled` is not stored: rows read back report `filled: 0` (the fill already happened before writing).
 */

/** Column names before the metric columns, in order. */
export const FEATURE_CSV_KEY_COLUMNS = ["timestamp", "service", "container"] as const;
/** The optional column after the key columns: the container's name (replica group). */
export const FEATURE_CSV_NAME_COLUMN = "container_name";

/** Thrown for CSV that does not match the format; the message names the file, line and column. */
export class FeatureCsvError extends CadError {
  constructor(
    readonly fileName: string,
    readonly line: number,
    message: string,
  ) {
    super(`${fileName}:${line}: ${message}`, "FeatureCsvError");
  }
}

/** The header line's cells for `fs` (with the container-name column when `withName`). */
export function featureCsvHeader(fs: FeatureSet, withName = false): string[] {
  return [...FEATURE_CSV_KEY_COLUMNS, ...(withName ? [FEATURE_CSV_NAME_COLUMN] : []), ...fs.metrics.map((m) => m.name)];
}

/**
 * Writes rows as CSV (header first, one line per row, trailing newline), in the order given.
 *
 * @throws Error when a row's value count differs from the feature set's metric count or a value is infinite.
 */
export function formatFeatureRowsCsv(rows: readonly FeatureRow[], fs: FeatureSet): string {
  const n = fs.metrics.length;
  const withName = rows.some((r) => r.containerName !== undefined);
  const lines = [featureCsvHeader(fs, withName).map(quoteCell).join(",")];
  rows.forEach((row, i) => {
    if (row.values.length !== n) {
      throw new Error(`feature row ${i} (${row.service}/${row.container}) has ${row.values.length} values, the feature set has ${n} metrics`);
    }
    const cells = [new Date(row.timestamp).toISOString(), quoteCell(row.service), quoteCell(row.container)];
    if (withName) cells.push(quoteCell(row.containerName ?? ""));
    row.values.forEach((v, m) => {
      if (Number.isNaN(v)) cells.push("");
      else if (!Number.isFinite(v)) throw new Error(`feature row ${i} (${row.service}/${row.container}): ${fs.metrics[m].name} is ${v}; only finite numbers or NaN (missing) can be written`);
      else cells.push(String(v));
    });
    lines.push(cells.join(","));
  });
  return lines.join("\n") + "\n";
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;

/**
 * Parses CSV written by `formatFeatureRowsCsv`. Columns may come in any order but must be exactly the key
 * columns plus the feature set's metrics. Blank lines are ignored; `\r\n` line ends are accepted.
 *
 * @param fileName used only in error messages.
 * @returns rows in file order, values in the feature set's metric order; `gap` is true when a value is missing.
 * @throws FeatureCsvError naming file, line and column for: an empty file, unknown, duplicate or missing
 *   columns, a wrong cell count, an empty service/container, a timestamp that is not ISO-8601 UTC or not on
 *   a step boundary, a non-numeric or infinite value, a negative value of a metric whose role cannot be negative,
 *   or the same (service, container, timestamp) twice. Cells are quoted to at most ~80 characters.
 */
export function parseFeatureRowsCsv(text: string, fs: FeatureSet, fileName: string): FeatureRow[] {
  const records = splitCsv(text, fileName);
  if (records.length === 0) throw new FeatureCsvError(fileName, 1, `empty file: expected the header "${featureCsvHeader(fs).join(",")}"`);
  const [header, ...body] = records;
  const withName = header.cells.includes(FEATURE_CSV_NAME_COLUMN);
  const expected = featureCsvHeader(fs, withName);
  const position = new Map<string, number>();
  header.cells.forEach((name, i) => {
    if (position.has(name)) throw new FeatureCsvError(fileName, header.line, `column ${quoteInput(name)} appears twice in the header`);
    if (!expected.includes(name)) {
      throw new FeatureCsvError(fileName, header.line, `unknown column ${quoteInput(name)} (column ${i + 1}); expected exactly: ${expected.join(", ")}`);
    }
    position.set(name, i);
  });
  const missing = expected.filter((name) => !position.has(name));
  if (missing.length > 0) throw new FeatureCsvError(fileName, header.line, `missing column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")}`);

  const col = (name: string): number => position.get(name) as number;
  const stepMs = fs.stepSeconds * 1000;
  const seen = new Map<string, number>();
  const rows: FeatureRow[] = [];
  const cellSchemas = fs.metrics.map((m) => metricCellSchema(m.role));
  for (const { line, cells } of body) {
    if (cells.length !== expected.length) {
      throw new FeatureCsvError(fileName, line, `expected ${expected.length} cells, found ${cells.length}`);
    }
    const at = (name: string): string => cells[col(name)];
    const where = (name: string): string => `column ${col(name) + 1} ("${name}")`;

    const timestamp = parseIsoUtc(at("timestamp"));
    if (timestamp === undefined) {
      throw new FeatureCsvError(fileName, line, `${where("timestamp")}: ${quoteInput(at("timestamp"))} is not an ISO-8601 UTC timestamp like 2026-11-25T01:00:00.000Z`);
    }
    if (timestamp % stepMs !== 0) {
      throw new FeatureCsvError(fileName, line, `${where("timestamp")}: ${at("timestamp")} is not on a ${fs.stepSeconds}-second step boundary`);
    }
    const service = at("service");
    const container = at("container");
    if (service === "") throw new FeatureCsvError(fileName, line, `${where("service")} is empty`);
    if (container === "") throw new FeatureCsvError(fileName, line, `${where("container")} is empty`);

    const values = fs.metrics.map((m, i) => {
      const cell = at(m.name).trim();
      if (cell === "") return NaN;
      const parsed = parseMetricCell(cellSchemas[i], cell, roleCanBeNegative(m.role));
      if ("problem" in parsed) throw new FeatureCsvError(fileName, line, `${where(m.name)}: ${quoteInput(cell)} ${parsed.problem}`);
      return parsed.value;
    });

    const containerName = withName ? at(FEATURE_CSV_NAME_COLUMN) : undefined;
    const key = `${service}\u0000${container}\u0000${timestamp}`;
    const firstLine = seen.get(key);
    if (firstLine !== undefined) {
      throw new FeatureCsvError(fileName, line, `duplicate row: ${quoteInput(service)}/${quoteInput(container)} at ${at("timestamp")} already appears on line ${firstLine}`);
    }
    seen.set(key, line);
    rows.push({ service, container, ...(containerName !== undefined ? { containerName } : {}), timestamp, values, filled: 0, gap: values.some((v) => Number.isNaN(v)) });
  }
  return rows;
}

/** Epoch ms of a strict ISO-8601 UTC timestamp, or undefined (also for impossible dates like Feb 30). */
function parseIsoUtc(text: string): number | undefined {
  const m = ISO_UTC.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  // Date.parse rolls over impossible dates (2026-02-30 → March 2); reject those.
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() + 1 !== Number(m[2]) || d.getUTCDate() !== Number(m[3]) || d.getUTCHours() !== Number(m[4])) return undefined;
  return ms;
}

function quoteCell(cell: string): string {
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** One CSV record and where it starts. */
export interface CsvRecord {
  /** 1-based line number where the record starts. */
  readonly line: number;
  readonly cells: string[];
}

/**
 * RFC 4180 splitter: quoted cells may hold commas, quotes (`""`) and line breaks. Skips blank lines.
 * Shared with the CLI's other CSV readers (long format, Splunk exports).
 *
 * @throws FeatureCsvError naming the file and line of a malformed quote.
 */
export function splitCsv(text: string, fileName: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let wasQuoted = false;
  const endRecord = (): void => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === "" && !wasQuoted)) records.push({ line: recordLine, cells });
    cells = [];
    cell = "";
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      if (cell !== "") throw new FeatureCsvError(fileName, line, `a quote inside an unquoted cell (cell ${cells.length + 1}); quote the whole cell`);
      quoted = true;
      wasQuoted = true;
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
      wasQuoted = false;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (wasQuoted) throw new FeatureCsvError(fileName, line, `text after a closing quote (cell ${cells.length + 1})`);
      cell += c;
    }
  }
  if (quoted) throw new FeatureCsvError(fileName, recordLine, "a quoted cell is never closed");
  if (cell !== "" || cells.length > 0 || wasQuoted) endRecord();
  return records;
}
