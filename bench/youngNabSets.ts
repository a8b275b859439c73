/**
 * Young single series from the NAB-layout development sets (nab-dev, kpi-dev), for `cad quality --datasets`:
 *
 *   node bin/run-ts.js bench/youngNabSetsMain.ts --out tmp/young-sets
 *   node bin/cad.js quality --datasets tmp/young-sets --sets nab-dev,kpi-dev --java-reference
 *
 * A held-out file may be short, and then a detector is young for much of what is scored; `cad labelled --young`
 * measures young services on the labelled sets, this the single series. Each labelled window (every `--every`-th of a
 * file) gives one piece: `--rows` rows starting `--before` rows before the window (or at the file's first row), a new
 * file holding the windows that fall inside it, clipped to it. A file without windows gives its first `--rows` rows.
 * NAB's probation (the first 15 % of a file) is then 15 % of a piece. The pieces of one file overlap where its windows
 * lie closer than `--rows`, so a window can be counted in more than one piece. docs/quality.md (session 63) has the
 * figures of this cut.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { locateSets, QUALITY_SETS } from "../cli/quality/qualitySets";
import { parseNabData, parseNabTime, parseNabWindows } from "../runtime/evaluation/nabCsv";

export interface PieceOptions {
  /** Rows per piece. */
  readonly rows: number;
  /** Rows a piece starts before its window. */
  readonly before: number;
  /** Every how many windows of a file a piece is cut (1: each). */
  readonly every: number;
}

/** One piece of a file: rows [start, end) and the windows inside it, clipped, as NAB timestamp texts. */
export interface Piece {
  readonly start: number;
  readonly end: number;
  readonly windows: readonly (readonly [string, string])[];
}

/**
 * The pieces of one file whose rows carry the timestamp texts `times` (data rows, no header) and whose labelled
 * windows are `windows` (NAB timestamp texts, in order).
 */
export function cutPieces(times: readonly string[], windows: readonly (readonly [string, string])[], o: PieceOptions): Piece[] {
  const n = times.length;
  const at = times.map((t) => parseNabTime(t));
  const span = windows.map(([a, b]) => [parseNabTime(a), parseNabTime(b)] as const);
  const starts = windows.length === 0 ? [0] : span.filter((_, k) => k % o.every === 0).map(([a]) => Math.max(0, firstAtOrAfter(at, a) - o.before));
  return starts.map((start) => {
    const end = Math.min(n, start + o.rows);
    const first = at[start];
    const last = at[end - 1];
    const inside = windows.filter((_, k) => span[k][1] >= first && span[k][0] <= last).map(([a, b]): readonly [string, string] => {
      const [ta, tb] = [parseNabTime(a), parseNabTime(b)];
      return [ta < first ? asWindowTime(times[start]) : a, tb > last ? asWindowTime(times[end - 1]) : b];
    });
    return { start, end, windows: inside };
  });
}

/** The first row at or after time `t` (the row count when none is). */
function firstAtOrAfter(at: readonly number[], t: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A data row's timestamp as a window bound is written in NAB's windows files ("YYYY-MM-DD HH:MM:SS.000000"). */
function asWindowTime(text: string): string {
  return /\.\d+$/.test(text) ? text : `${text}.000000`;
}

/** Writes the pieces of every NAB-layout set under `from` into `to`, in the same layout; returns a line per set. */
export function writeYoungSets(from: string, to: string, o: PieceOptions & { readonly everyKpi: number }): string[] {
  const names = QUALITY_SETS.filter((s) => s.kind === "nab").map((s) => s.name);
  const lines: string[] = [];
  for (const set of locateSets(from, names)) {
    if (set.kind !== "nab") continue;
    const spec = QUALITY_SETS.find((s) => s.name === set.name);
    if (spec?.kind !== "nab") continue;
    const windowsText = readFileSync(set.windows, "utf8");
    // Checked as `cad evaluate` reads them (the file and the window named in errors); their texts are kept as written.
    parseNabWindows(windowsText, set.windows);
    const all = JSON.parse(windowsText) as Record<string, [string, string][]>;
    const out: Record<string, (readonly [string, string])[]> = {};
    let pieces = 0;
    let windows = 0;
    for (const [key, wins] of Object.entries(all)) {
      const dataFile = join(set.data, key);
      if (!existsSync(dataFile)) throw new Error(`${set.windows}: "${key}" names no data file (expected ${dataFile})`);
      const raw = readFileSync(dataFile, "utf8");
      // Checked as `cad nab` reads it (header, timestamps, values; the file and line named in errors). The pieces keep
      // the rows as written: `cad nab` repairs a piece as it would the whole file.
      parseNabData(raw, dataFile);
      const text = raw.trimEnd().split(/\r?\n/);
      const [header, ...rows] = text;
      const times = rows.map((r) => r.slice(0, r.indexOf(",")));
      const cut = cutPieces(times, wins, { ...o, every: set.name === "kpi-dev" ? o.everyKpi : o.every });
      cut.forEach((p, k) => {
        const name = key.replace(/\.csv$/, `_p${k}.csv`);
        const file = join(to, spec.data, name);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, [header, ...rows.slice(p.start, p.end)].join("\n") + "\n");
        out[name] = [...p.windows];
        windows += p.windows.length;
      });
      pieces += cut.length;
    }
    const windowsFile = join(to, spec.windows);
    mkdirSync(dirname(windowsFile), { recursive: true });
    writeFileSync(windowsFile, JSON.stringify(out, null, 1) + "\n");
    lines.push(`${set.name}: ${pieces} pieces, ${windows} windows → ${relative(process.cwd(), join(to, set.name)) || "."}`);
  }
  return lines;
}

/** What `--rows`, `--before`, `--every` and `--every-kpi` say (each a whole number; absent: the defaults), checked. */
export function youngSetOptions(flags: { readonly rows?: string; readonly before?: string; readonly every?: string; readonly "every-kpi"?: string }): PieceOptions & { readonly everyKpi: number } {
  const whole = (flag: string, value: string | undefined, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min) throw new Error(`--${flag}: expected a whole number >= ${min}, got "${value}"`);
    return n;
  };
  const rows = whole("rows", flags.rows, 2000, 2);
  const before = whole("before", flags.before, 1500, 0);
  if (before >= rows) throw new Error(`--before (${before}) must be under --rows (${rows}): a piece must reach its window`);
  return { rows, before, every: whole("every", flags.every, 1, 1), everyKpi: whole("every-kpi", flags["every-kpi"], 4, 1) };
}
