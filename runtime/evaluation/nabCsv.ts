/** Parsing of NAB-layout CSV files, with errors that name the file and the 1-based line. */
import { quoteInput } from "../errors/quoteInput";

export interface NabSeries {
  /** Timestamps as written (kept verbatim for the results files), in time order, each once. */
  readonly timestampText: string[];
  /** Timestamps in ms since the epoch (UTC), strictly increasing. */
  readonly timestamps: number[];
  readonly values: number[];
  /** What reading the file repaired: rows out of time order (sorted) and repeated timestamps (first kept). */
  readonly report: NabDataReport;
}

/** Repairs of one NAB data file, for the user to see. */
export interface NabDataReport {
  /** Data rows in the file. */
  readonly rows: number;
  /** Rows earlier than a row above them: the series was sorted by time. */
  readonly outOfOrder: number;
  /** Rows whose timestamp appeared before: dropped, the first one kept. */
  readonly duplicates: number;
  /** Of those, rows whose value differed from the kept one. */
  readonly conflictingDuplicates: number;
}

/** One line saying what was repaired in `file`, or undefined when nothing was. */
export function describeNabRepairs(file: string, r: NabDataReport): string | undefined {
  if (r.outOfOrder === 0 && r.duplicates === 0) return undefined;
  const parts = [
    ...(r.outOfOrder > 0 ? [`${r.outOfOrder} row(s) out of time order (sorted)`] : []),
    ...(r.duplicates > 0 ? [`${r.duplicates} repeated timestamp(s) dropped, the first kept${r.conflictingDuplicates > 0 ? ` (${r.conflictingDuplicates} with a different value)` : ""}`] : []),
  ];
  return `${file}: ${parts.join("; ")}; ${r.rows - r.duplicates} of ${r.rows} rows used`;
}

export interface NabScores {
  readonly timestampText: string[];
  readonly scores: number[];
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

/** Parses NAB's `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) to ms since the epoch, or NaN. */
export function parseNabTime(text: string): number {
  const m = TIME.exec(text.trim());
  if (!m) return NaN;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return m[7] ? ms + Math.round(parseFloat(m[7]) * 1000) : ms;
}

function lines(text: string): string[] {
  const out = text.split(/\r?\n/);
  while (out.length > 0 && out[out.length - 1].trim() === "") out.pop();
  return out;
}

function columns(header: string, file: string, required: readonly string[]): Map<string, number> {
  const names = header.split(",").map((s) => s.trim());
  const index = new Map(names.map((n, i) => [n, i]));
  for (const r of required) if (!index.has(r)) throw new Error(`${file}:1: header must name the columns ${required.join(",")}, got ${quoteInput(header)}`);
  return index;
}

/**
 * Parses a data file with header `timestamp,value`. Rows out of time order are sorted and a repeated timestamp
 * keeps its first row; both are counted in `report` (see describeNabRepairs) so the user sees them.
 */
export function parseNabData(text: string, file: string): NabSeries {
  const all = lines(text);
  if (all.length === 0) throw new Error(`${file}:1: empty file, expected a header "timestamp,value"`);
  const col = columns(all[0], file, ["timestamp", "value"]);
  const ti = col.get("timestamp") as number;
  const vi = col.get("value") as number;
  const width = col.size;
  const rows: { text: string; t: number; v: number; line: number }[] = [];
  let outOfOrder = 0;
  let latest = -Infinity;
  for (let i = 1; i < all.length; i++) {
    const where = `${file}:${i + 1}`;
    const cells = all[i].split(",");
    if (cells.length !== width) throw new Error(`${where}: expected ${width} comma-separated fields, got ${cells.length} (${quoteInput(all[i])})`);
    const t = parseNabTime(cells[ti]);
    if (!Number.isFinite(t)) throw new Error(`${where}: timestamp ${quoteInput(cells[ti])} is not YYYY-MM-DD HH:MM:SS`);
    const raw = cells[vi].trim();
    if (raw === "") throw new Error(`${where}: missing value`);
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new Error(`${where}: value ${quoteInput(raw)} is not a finite number`);
    if (t < latest) outOfOrder++;
    latest = Math.max(latest, t);
    rows.push({ text: cells[ti].trim(), t, v, line: i + 1 });
  }
  if (rows.length === 0) throw new Error(`${file}:2: no data rows after the header`);
  // Stable: among rows of one timestamp, file order is kept, so "first" means first in the file.
  const sorted = outOfOrder > 0 ? [...rows].sort((a, b) => a.t - b.t) : rows;
  const series = { timestampText: [] as string[], timestamps: [] as number[], values: [] as number[] };
  let duplicates = 0;
  let conflictingDuplicates = 0;
  for (const r of sorted) {
    const n = series.timestamps.length;
    if (n > 0 && series.timestamps[n - 1] === r.t) {
      duplicates++;
      if (series.values[n - 1] !== r.v) conflictingDuplicates++;
      continue;
    }
    series.timestampText.push(r.text);
    series.timestamps.push(r.t);
    series.values.push(r.v);
  }
  return { ...series, report: { rows: rows.length, outOfOrder, duplicates, conflictingDuplicates } };
}

/** Parses a results file (header with at least `timestamp` and `anomaly_score`). */
export function parseNabScores(text: string, file: string): NabScores {
  const all = lines(text);
  if (all.length === 0) throw new Error(`${file}:1: empty file, expected a header with timestamp and anomaly_score`);
  const col = columns(all[0], file, ["timestamp", "anomaly_score"]);
  const ti = col.get("timestamp") as number;
  const si = col.get("anomaly_score") as number;
  const out: NabScores = { timestampText: [], scores: [] };
  for (let i = 1; i < all.length; i++) {
    const where = `${file}:${i + 1}`;
    const cells = all[i].split(",");
    if (cells.length !== col.size) throw new Error(`${where}: expected ${col.size} comma-separated fields, got ${cells.length} (${quoteInput(all[i])})`);
    const raw = cells[si].trim();
    const s = Number(raw);
    if (raw === "" || !Number.isFinite(s)) throw new Error(`${where}: anomaly_score ${quoteInput(raw)} is not a finite number`);
    out.timestampText.push(cells[ti].trim());
    out.scores.push(s);
  }
  return out;
}

/** Parses NAB's combined_windows.json: `{ "<category>/<file>.csv": [[start, end], ...] }`. */
export function parseNabWindows(text: string, file: string): Map<string, [number, number][]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error(`${file}: expected an object mapping "<category>/<file>.csv" to a list of [start, end] windows`);
  const out = new Map<string, [number, number][]>();
  for (const [name, list] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new Error(`${file}: "${name}" must map to a list of [start, end] pairs`);
    out.set(
      name,
      list.map((w: unknown, k) => {
        if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== "string" || typeof w[1] !== "string") throw new Error(`${file}: "${name}" window ${k} must be ["start", "end"]`);
        const a = parseNabTime(w[0]);
        const b = parseNabTime(w[1]);
        if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) throw new Error(`${file}: "${name}" window ${k} has bad times ${JSON.stringify(w)}`);
        return [a, b];
      }),
    );
  }
  return out;
}
