/**
 * The CSV channels of SageMaker's built-in Random Cut Forest, as `cad train --sagemaker-csv` writes them:
 * no header, one record per line, comma-separated plain decimal numbers, `\n` line ends. `train`
 * (content type `text/csv`) holds features only; the labelled `test` channel (`text/csv;label_size=1`)
 * holds the label first (1 anomaly, 0 normal), then the features.
 */

export const SAGEMAKER_TRAIN_CONTENT_TYPE = "text/csv";
export const SAGEMAKER_TEST_CONTENT_TYPE = "text/csv;label_size=1";

/**
 * A finite number in plain decimal (SageMaker's CSV reader wants numbers, and plain decimals read the same
 * everywhere): no exponent, no `-0`.
 *
 * @throws Error for NaN or ±Infinity.
 */
export function plainDecimal(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to a SageMaker CSV channel: only finite numbers`);
  if (v === 0) return "0";
  const s = String(v);
  if (!/e/i.test(s)) return s;
  // Only tiny magnitudes reach here (normalised features are clipped z-scores): 20 decimals keep 14+ digits.
  return v.toFixed(20).replace(/\.?0+$/, "");
}

/** The `train` channel: one line per vector. */
export function formatTrainChannel(vectors: readonly (readonly number[])[]): string {
  return vectors.map((v) => v.map(plainDecimal).join(",")).join("\n") + (vectors.length > 0 ? "\n" : "");
}

/** The labelled `test` channel: `label,features…` per line. */
export function formatTestChannel(vectors: readonly (readonly number[])[], labels: readonly (0 | 1)[]): string {
  if (labels.length !== vectors.length) throw new Error(`${labels.length} labels for ${vectors.length} vectors`);
  return vectors.map((v, i) => `${labels[i]},${v.map(plainDecimal).join(",")}`).join("\n") + (vectors.length > 0 ? "\n" : "");
}
