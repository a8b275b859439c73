import { quoteInput } from "../errors/quoteInput";

/**
 * Header-less numeric CSV (train/test layout of multivariate datasets), with errors naming file and line;
 * `firstLine` is the file's line number of the text's first line (2 when the caller has cut a header off).
 */
export function parseNumericRows(text: string, file: string, firstLine = 1): number[][] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) throw new Error(`${file}: no rows`);
  let width = -1;
  return lines.map((line, i) => {
    const cells = line.split(",");
    if (width < 0) width = cells.length;
    if (cells.length !== width) throw new Error(`${file}:${i + firstLine}: expected ${width} comma-separated values like line ${firstLine}, got ${cells.length}`);
    return cells.map((c, j) => {
      const v = Number(c.trim());
      if (c.trim() === "" || !Number.isFinite(v)) throw new Error(`${file}:${i + firstLine}: column ${j + 1} ${quoteInput(c)} is not a finite number`);
      return v;
    });
  });
}

/** One 0/1 label per line. */
export function parseLabels(text: string, file: string): number[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.map((line, i) => {
    const t = line.trim();
    if (t !== "0" && t !== "1") throw new Error(`${file}:${i + 1}: label must be 0 or 1, got ${quoteInput(line)}`);
    return t === "1" ? 1 : 0;
  });
}
