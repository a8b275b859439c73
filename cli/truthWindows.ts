import { FeatureCsvError, splitCsv } from "../runtime/features/featureRowCsv";
import { parseTimestamp } from "../runtime/features/metricsCsv";
import type { TruthWindow } from "./report/reportModel";

/**
 * Known-anomalous windows as CSV — what `cad demo` writes as truth.csv and what `cad train --labels` /
 * `cad backtest --labels` read:
 *
 *     service,start,end,kind,container
 *     checkout,2026-01-06T10:00:00.000Z,2026-01-06T11:00:00.000Z,load-spike,
 *
 * `start` inclusive, `end` exclusive, ISO-8601 with a zone; `kind` free text; `container` may be empty
 * (the whole service).
 */
export const TRUTH_COLUMNS = ["service", "start", "end", "kind", "container"] as const;

const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Writes windows as CSV (header first). */
export function formatTruthCsv(windows: readonly TruthWindow[]): string {
  const lines = [TRUTH_COLUMNS.join(",")];
  for (const w of windows) lines.push([w.service, new Date(w.start).toISOString(), new Date(w.end).toISOString(), w.kind, w.container ?? ""].map(cell).join(","));
  return lines.join("\n") + "\n";
}

/**
 * Parses truth/label CSV. Columns in any order; `kind` and `container` are optional columns.
 *
 * @throws FeatureCsvError naming the file, line and column: missing/unknown column, bad time, end <= start.
 */
export function parseTruthCsv(text: string, fileName: string): TruthWindow[] {
  const records = splitCsv(text, fileName);
  if (records.length === 0) throw new FeatureCsvError(fileName, 1, `empty file: expected the header ${TRUTH_COLUMNS.join(",")}`);
  const [header, ...body] = records;
  const pos = new Map<string, number>();
  header.cells.forEach((c, i) => {
    const name = c.trim();
    if (!(TRUTH_COLUMNS as readonly string[]).includes(name)) throw new FeatureCsvError(fileName, header.line, `unknown column "${name}" (column ${i + 1}); expected ${TRUTH_COLUMNS.join(", ")}`);
    pos.set(name, i);
  });
  for (const required of ["service", "start", "end"]) if (!pos.has(required)) throw new FeatureCsvError(fileName, header.line, `missing column "${required}"`);
  return body.map(({ line, cells }) => {
    if (cells.length !== header.cells.length) throw new FeatureCsvError(fileName, line, `expected ${header.cells.length} cells, found ${cells.length}`);
    const at = (name: string) => (pos.has(name) ? cells[pos.get(name) as number].trim() : "");
    const time = (name: string) => {
      const t = parseTimestamp(at(name), false);
      if (t === undefined) throw new FeatureCsvError(fileName, line, `column ${(pos.get(name) as number) + 1} ("${name}"): "${at(name)}" is not an ISO-8601 time with a zone`);
      return t;
    };
    const service = at("service");
    if (service === "") throw new FeatureCsvError(fileName, line, `column ${(pos.get("service") as number) + 1} ("service") is empty`);
    const start = time("start");
    const end = time("end");
    if (end <= start) throw new FeatureCsvError(fileName, line, `"end" (${at("end")}) must be after "start" (${at("start")})`);
    const container = at("container");
    return { service, start, end, kind: at("kind") || "labelled", ...(container ? { container } : {}) };
  });
}

/** True when the row (service, container, step) lies in a window (a window without container covers all). */
export function inTruthWindow(windows: readonly TruthWindow[], service: string, container: string, timestamp: number): boolean {
  return windows.some((w) => w.service === service && (w.container === undefined || w.container === container) && timestamp >= w.start && timestamp < w.end);
}
