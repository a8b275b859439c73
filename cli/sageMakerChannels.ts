import { formatCsvRecord, TEST_CONTENT_TYPE, TRAIN_CONTENT_TYPE } from "../training/sageMakerCsv";

/**
 * The CSV channels of SageMaker's built-in Random Cut Forest, as `cad train --sagemaker-csv` writes them, with
 * the very writer the dataset builder uses (training/sageMakerCsv.ts): no header, one record per line,
 * round-trip-exact plain decimals, `\n` line ends. `train` holds features only; the labelled `test` channel holds
 * the label first (1 anomaly, 0 normal), then the features.
 */
export const SAGEMAKER_TRAIN_CONTENT_TYPE = TRAIN_CONTENT_TYPE;
export const SAGEMAKER_TEST_CONTENT_TYPE = TEST_CONTENT_TYPE;

/** The `train` channel: one line per vector. */
export function formatTrainChannel(vectors: readonly (readonly number[])[]): string {
  return vectors.map((v) => formatCsvRecord(v)).join("\n") + (vectors.length > 0 ? "\n" : "");
}

/** The labelled `test` channel: `label,features…` per line. */
export function formatTestChannel(vectors: readonly (readonly number[])[], labels: readonly (0 | 1)[]): string {
  if (labels.length !== vectors.length) throw new Error(`${labels.length} labels for ${vectors.length} vectors`);
  return vectors.map((v, i) => formatCsvRecord(v, labels[i])).join("\n") + (vectors.length > 0 ? "\n" : "");
}
