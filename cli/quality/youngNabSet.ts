import * as fs from "node:fs";
import * as path from "node:path";
import { parseNabData, parseNabTime, parseNabWindows } from "../../runtime/evaluation/nabCsv";
import { writeFileAtomic } from "../fileOutput";

/**
 * Young single series cut from a NAB-layout set, for `cad quality`'s young sets (nab-dev-young, kpi-dev-young). A
 * held-out file may be short, and then a detector is young for much of what is scored; `cad labelled --young`
 * measures young services on the labelled sets, this the single series. Each labelled window (every `every`-th of a
 * file) gives one piece: `rows` rows starting `before` rows before the window (or at the file's first row), a new
 * file holding the windows that fall inside it, clipped to it. A file without windows gives its first `rows` rows.
 * NAB's probation (the first 15 % of a file) is then 15 % of a piece. The pieces of one file overlap where its windows
 * lie closer than `rows`, so a window can be counted in more than one piece. docs/quality.md (session 63) has the
 * figures of this cut.
 */

export interface PieceOptions {
  /** Rows per piece. */
  readonly rows: number;
  /** Rows a piece starts before its window. */
  readonly before: number;
  /** Every how many windows of a file a piece is cut (1: each). */
  readonly every: number;
}

/** The cut `cad quality` makes: 2,000 rows (about a week at 5-minute steps), each starting 1,500 rows before its window. */
export const YOUNG_NAB_ROWS = 2000;
export const YOUNG_NAB_BEFORE = 1500;

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

/** What {@link writeYoungNabSet} wrote. */
export interface YoungNabCut {
  readonly files: number;
  readonly pieces: number;
  /** Windows over all pieces (a window in two overlapping pieces counts twice). */
  readonly windows: number;
}

/**
 * Cuts the NAB-layout set at `from` (its data folder and windows file) into pieces and writes them to `to` (a data
 * folder `<category>/<file>_p<k>.csv`, emptied first) and `toWindows` (the pieces' windows, keyed by their files).
 * The windows file and every data file it names are checked as `cad evaluate` and `cad nab` read them (the file,
 * and the window or line, named in errors); the pieces keep the rows as written, so `cad nab` repairs a piece as it
 * would the whole file.
 */
export function writeYoungNabSet(from: { readonly data: string; readonly windows: string }, to: string, toWindows: string, o: PieceOptions): YoungNabCut {
  const windowsText = fs.readFileSync(from.windows, "utf8");
  parseNabWindows(windowsText, from.windows);
  const all = JSON.parse(windowsText) as Record<string, [string, string][]>;
  fs.rmSync(to, { recursive: true, force: true });
  const out: Record<string, (readonly [string, string])[]> = {};
  let pieces = 0;
  let windows = 0;
  for (const [key, wins] of Object.entries(all)) {
    // A key names a file inside the data folder, and the piece is written under `to` by the same name: nothing outside.
    const parts = key.split(/[\\/]/);
    if (!key.endsWith(".csv") || path.isAbsolute(key) || parts.some((p) => p === "" || p === "." || p === "..")) {
      throw new Error(`${from.windows}: "${key}" is not a data file's path inside the set (expected "<category>/<file>.csv", no "..")`);
    }
    const dataFile = path.join(from.data, key);
    if (!fs.existsSync(dataFile)) throw new Error(`${from.windows}: "${key}" names no data file (expected ${dataFile})`);
    const raw = fs.readFileSync(dataFile, "utf8");
    parseNabData(raw, dataFile);
    const [header, ...rows] = raw.trimEnd().split(/\r?\n/);
    const times = rows.map((r) => r.slice(0, r.indexOf(",")));
    const cut = cutPieces(times, wins, o);
    cut.forEach((p, k) => {
      const name = key.replace(/\.csv$/, `_p${k}.csv`);
      writeFileAtomic(path.join(to, name), `${[header, ...rows.slice(p.start, p.end)].join("\n")}\n`);
      out[name] = [...p.windows];
      windows += p.windows.length;
    });
    pieces += cut.length;
  }
  writeFileAtomic(toWindows, `${JSON.stringify(out, null, 1)}\n`);
  return { files: Object.keys(all).length, pieces, windows };
}
