/** `training/<version>/manifest.json`: what a training set holds and where it came from. Written last. */

export const DATASET_MANIFEST_FORMAT = "cad-dataset-manifest/1";

/** Figures of one service. Counts of rows are steps of one container. */
export interface ServiceDatasetStats {
  /** Window objects read. */
  readonly windows: number;
  readonly containers: number;
  /** Aligned rows over the range, gap rows included. */
  readonly rows: number;
  /** Rows with a metric missing for longer than the fill limit: never turned into a vector. */
  readonly gapRows: number;
  /** Values filled across short gaps (also across window boundaries). */
  readonly filledValues: number;
  /** Rows of a step that an earlier window already held (first kept). */
  readonly duplicateRows: number;
  /** Rows found in a window that starts after their step (late data from a re-collection); kept. */
  readonly lateRows: number;
  /** Rows outside the requested range. */
  readonly outOfRangeRows: number;
  /** Vectors written to the train channel. */
  readonly trainRows: number;
  /** Vectors written to the test channel, and how many of them are labelled anomalous. */
  readonly testRows: number;
  readonly anomalousTestRows: number;
}

/** One run of consecutive gap rows of one container (skipped: no vector is built across it). */
export interface GapSpan {
  readonly service: string;
  readonly container: string;
  /** ISO-8601 of the first gap step. */
  readonly from: string;
  /** ISO-8601 just after the last gap step. */
  readonly to: string;
  readonly steps: number;
}

export interface DatasetPart {
  /** Key relative to the version directory, e.g. `train/part-0000.csv`. */
  readonly key: string;
  readonly rows: number;
  /** SHA-256 of the object's bytes, hex. */
  readonly sha256: string;
}

export interface DatasetChannel {
  readonly contentType: string;
  readonly rows: number;
  readonly parts: readonly DatasetPart[];
}

export interface DatasetManifest {
  readonly format: typeof DATASET_MANIFEST_FORMAT;
  readonly version: string;
  /** The steps the set covers, ISO-8601, `to` exclusive. */
  readonly range: { readonly from: string; readonly to: string };
  readonly featureDim: number;
  readonly shingleSize: number;
  /** Per service with data, sorted by name. */
  readonly services: Readonly<Record<string, ServiceDatasetStats>>;
  /** Services asked for that had no rows in the range. */
  readonly servicesWithoutData: readonly string[];
  readonly gapsSkipped: { readonly rows: number; readonly spans: readonly GapSpan[]; readonly spansNotListed: number };
  /** Incident windows given for labelling the test channel. */
  readonly incidentWindows: number;
  readonly channels: { readonly train: DatasetChannel; readonly test?: DatasetChannel };
  /**
   * SHA-256 (hex) over features.json (without its version) and this manifest (without version and hash):
   * equal content, equal hash. The version id is derived from it.
   */
  readonly contentHash: string;
}

/** Most gap spans listed one by one in a manifest; the rest are only counted. */
export const MAX_LISTED_GAP_SPANS = 500;
