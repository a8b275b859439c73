import { quoteInput } from "../errors/quoteInput";

/** How a missing value is written in the exports `cad labelled` reads: an empty cell, or NaN / NA / null as pandas, R and JSON tools write it. */
const MISSING: readonly string[] = ["", "nan", "na", "null", "none"];

/**
 * Header-less numeric CSV (train/test layout of multivariate datasets), with errors naming file and line;
 * `firstLine` is the file's line number of the text's first line (2 when the caller has cut a header off). With
 * `missing`, a missing cell ({@link MISSING}, any case) reads as NaN; without it, it is refused like any other
 * cell that is not a finite number.
 */
export function parseNumericRows(text: string, file: string, firstLine = 1, options: { missing?: boolean } = {}): number[][] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new Error(`${file}: no rows`);
  let width = -1;
  return lines.map((line, i) => {
    const cells = line.split(",");
    if (width < 0) width = cells.length;
    if (cells.length !== width) throw new Error(`${file}:${i + firstLine}: expected ${width} comma-separated values like line ${firstLine}, got ${cells.length}`);
    return cells.map((c, j) => {
      const t = c.trim();
      if (options.missing && MISSING.includes(t.toLowerCase())) return Number.NaN;
      const v = Number(t);
      if (t === "" || !Number.isFinite(v)) throw new Error(`${file}:${i + firstLine}: column ${j + 1} ${quoteInput(c)} is not a ${options.missing ? "finite number or a missing value (empty, NaN, NA, null)" : "finite number"}`);
      return v;
    });
  });
}

/**
 * A header line at the top of a numeric CSV: the first line when none of its cells is a number (`timestamp,cpu`,
 * `label`) and not all of them are missing values (`NaN,NA`), else null. A line with any numeric cell is data, and a bad cell in it is reported as such.
 * Returns the header (null if none), the text after it and the file's line number of that text's first line.
 */
export function splitHeader(text: string): { header: string | null; body: string; firstLine: number } {
  const newline = text.indexOf("\n");
  const first = (newline < 0 ? text : text.slice(0, newline)).replace(/\r$/, "");
  const cells = first.split(",").map((c) => c.trim());
  // A line of missing values only (`NaN,NaN`) is a data row with nothing in it, not a header.
  const isHeader = first.trim() !== "" && cells.every((c) => c !== "" && !Number.isFinite(Number(c))) && !cells.every((c) => MISSING.includes(c.toLowerCase()));
  if (!isHeader) return { header: null, body: text, firstLine: 1 };
  return { header: first, body: newline < 0 ? "" : text.slice(newline + 1), firstLine: 2 };
}

/** One label per line: 0 or 1, in any numeric spelling (`1`, `1.0`, `1e0`, as numpy and pandas write them). */
export function parseLabels(text: string, file: string, firstLine = 1): number[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.map((line, i) => {
    const t = line.trim();
    const v = t === "" ? Number.NaN : Number(t);
    if (v !== 0 && v !== 1) throw new Error(`${file}:${i + firstLine}: label must be 0 or 1, got ${quoteInput(line)}`);
    return v === 1 ? 1 : 0;
  });
}
