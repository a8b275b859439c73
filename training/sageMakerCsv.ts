/**
 * SageMaker's `text/csv` for the built-in Random Cut Forest: one record per line, comma-separated numbers,
 * no header, `\n` line ends. The `train` channel holds features only; the `test` channel
 * (`text/csv;label_size=1`) holds the label (1 anomaly, 0 normal) first, then the features.
 *
 * Numbers are written in plain decimal notation (never `1e-7`, never `-0`, never NaN) with the shortest
 * digits that read back as exactly the same double, so a vector parsed from a part file equals the vector
 * that was written, bit for bit.
 */

/** Content type of the train channel. */
export const TRAIN_CONTENT_TYPE = "text/csv";
/** Content type of the labelled test channel. */
export const TEST_CONTENT_TYPE = "text/csv;label_size=1";

const PLAIN = /^-?\d+(\.\d+)?$/;

/**
 * A finite number in plain decimal, round-trip exact.
 *
 * @throws Error for NaN or ±Infinity (SageMaker rejects them; a vector must never hold one).
 */
export function formatCsvNumber(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to SageMaker CSV: only finite numbers`);
  if (v === 0) return "0"; // also -0
  const s = String(v);
  if (!s.includes("e")) return s;
  const [mantissa, expText] = s.split("e");
  const exp = Number(expText);
  const negative = mantissa.startsWith("-");
  const unsigned = negative ? mantissa.slice(1) : mantissa;
  const dot = unsigned.indexOf(".");
  const digits = unsigned.replace(".", "");
  // Position of the decimal point within `digits` once the exponent is applied.
  const pointAt = (dot === -1 ? unsigned.length : dot) + exp;
  let out: string;
  if (pointAt <= 0) out = `0.${"0".repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + "0".repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

/** One CSV line (no line end) of `values`, optionally preceded by a label. */
export function formatCsvRecord(values: readonly number[], label?: 0 | 1): string {
  const cells = values.map(formatCsvNumber);
  return label === undefined ? cells.join(",") : `${label},${cells.join(",")}`;
}

/** A parsed part file: features per record, and labels when the file was labelled. */
export interface ParsedCsvPart {
  readonly vectors: number[][];
  readonly labels?: (0 | 1)[];
}

/**
 * Reads a part file back, checking every cell is a plain decimal number and every record has
 * `featureDim` features (plus the label when `labelled`).
 *
 * @throws Error naming the file, line and cell.
 */
export function parseCsvPart(text: string, featureDim: number, labelled: boolean, fileName: string): ParsedCsvPart {
  const vectors: number[][] = [];
  const labels: (0 | 1)[] = [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const width = featureDim + (labelled ? 1 : 0);
  lines.forEach((line, i) => {
    const cells = line.split(",");
    if (cells.length !== width) throw new Error(`${fileName}:${i + 1}: expected ${width} numbers (${labelled ? "label + " : ""}feature_dim ${featureDim}), found ${cells.length}`);
    const nums = cells.map((c, j) => {
      if (!PLAIN.test(c)) throw new Error(`${fileName}:${i + 1}: cell ${j + 1} "${c}" is not a plain decimal number`);
      return Number(c);
    });
    if (labelled) {
      const label = nums.shift();
      if (label !== 0 && label !== 1) throw new Error(`${fileName}:${i + 1}: label is ${String(label)}, expected 0 or 1`);
      labels.push(label);
    }
    vectors.push(nums);
  });
  return labelled ? { vectors, labels } : { vectors };
}
