import { createHash } from "node:crypto";
import { alignSamples } from "../runtime/features/alignSamples";
import { DATASET_FEATURES_FORMAT, datasetFeaturesKey, type DatasetFeatures } from "../runtime/features/datasetFeatures";
import { featureDim, validateFeatureSet, type FeatureSet } from "../runtime/features/featureSet";
import { fitNormalisation } from "../runtime/features/normalisation";
import { minScaleForRole } from "../runtime/features/roleScale";
import { toVectors, type FeatureVector } from "../runtime/features/toVectors";
import type { ObjectStore, TimeRange } from "../runtime/ports";
import type { FeatureRow, MetricSample } from "../runtime/types";
import { DATASET_MANIFEST_FORMAT, MAX_LISTED_GAP_SPANS, type DatasetChannel, type DatasetManifest, type GapSpan, type ServiceDatasetStats } from "./datasetManifest";
import { readFeatureWindows, type ServiceWindows } from "./readFeatureWindows";
import { formatCsvRecord, TEST_CONTENT_TYPE, TRAIN_CONTENT_TYPE } from "./sageMakerCsv";

/** A time span known to hold an incident: its vectors are labelled 1 in the test channel and kept out of train. */
export interface IncidentWindow {
  readonly service: string;
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  /** Only this container is anomalous; every container of the service when absent. */
  readonly container?: string;
}

export interface BuildDatasetOptions {
  /** Where the collector's windows are (S3 bucket or a directory), and the prefix above `metrics/`. */
  readonly input: ObjectStore;
  readonly inputPrefix: string;
  /** Where `training/<version>/…` is written, and the prefix above `training/`. */
  readonly output: ObjectStore;
  readonly outputPrefix: string;
  /** The feature set of the deployment (the one the detect handler is configured with). */
  readonly featureSet: FeatureSet;
  /** Steps from <= t < to. When absent: from the first to the last step found. */
  readonly range?: TimeRange;
  /** Services to include; every service found when absent. */
  readonly services?: readonly string[];
  /** When given, a labelled `test/` channel is written and these spans are left out of `train/`. */
  readonly incidents?: readonly IncidentWindow[];
  /** Per source, the query that produced the samples; recorded in features.json. */
  readonly sourceQueries?: Readonly<Record<string, string>>;
  /** Records per part file (default 100 000). */
  readonly rowsPerPart?: number;
}

export interface BuildDatasetResult {
  readonly version: string;
  readonly features: DatasetFeatures;
  readonly manifest: DatasetManifest;
  /** Every key written, in write order (manifest last). */
  readonly keys: readonly string[];
}

/** Thrown for input that cannot make a training set; the message says what and where. */
export class DatasetBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatasetBuildError";
  }
}

export const DEFAULT_ROWS_PER_PART = 100_000;

/**
 * Builds a versioned SageMaker training set from collected feature-row windows, with the runtime's own feature
 * code: rows are turned back into samples and re-aligned over the whole range by `alignSamples` (so short
 * gaps across window boundaries are filled exactly as the detect handler fills them), normalisation is fitted
 * with `fitNormalisation` and the per-role floors, and vectors come from `toVectors`, the function the detect
 * handler scores with.
 *
 * Writes, under `<outputPrefix>training/<version>/`: `train/part-NNNN.csv` (features only, no header),
 * `test/part-NNNN.csv` when incidents are given (label first), `features.json`, then `manifest.json` last,
 * so a set with a manifest is complete. The version is `ds-` + 16 hex digits of the content hash: the same
 * windows, options and code give the same version, and rebuilding rewrites identical objects.
 *
 * @throws DatasetBuildError for an empty range, no data at all, or no complete shingle; FeatureWindowError
 *   and FeatureCsvError (naming the object) for bad windows.
 */
export async function buildDataset(opts: BuildDatasetOptions): Promise<BuildDatasetResult> {
  const fs = validateFeatureSet(opts.featureSet);
  const rowsPerPart = opts.rowsPerPart ?? DEFAULT_ROWS_PER_PART;
  if (!Number.isInteger(rowsPerPart) || rowsPerPart < 1) throw new DatasetBuildError(`rowsPerPart must be a positive integer, got ${rowsPerPart}`);
  const stepMs = fs.stepSeconds * 1000;
  if (opts.range && !(opts.range.from < opts.range.to)) {
    throw new DatasetBuildError(`empty date range: from ${iso(opts.range.from)} is not before to ${iso(opts.range.to)}`);
  }
  if (opts.services && opts.services.length === 0) throw new DatasetBuildError("no services given: name at least one, or leave the list out to take every service found");
  for (const inc of opts.incidents ?? []) {
    if (!(inc.from < inc.to)) throw new DatasetBuildError(`incident window of service "${inc.service}" is empty: from ${iso(inc.from)} is not before to ${iso(inc.to)}`);
  }

  const windows = await readFeatureWindows(opts.input, { prefix: opts.inputPrefix, featureSet: fs, range: opts.range, services: opts.services });
  const withData = windows.filter((w) => w.rows.some((r) => r.values.some((v) => !Number.isNaN(v))));
  const where = `${opts.inputPrefix}metrics/`;
  if (withData.length === 0) {
    const span = opts.range ? ` between ${iso(opts.range.from)} and ${iso(opts.range.to)}` : "";
    const which = opts.services ? `services ${opts.services.map((s) => `"${s}"`).join(", ")}` : "any service";
    const read = windows.reduce((s, w) => s + w.keys.length, 0);
    throw new DatasetBuildError(`no feature rows for ${which}${span} under ${where || "the input root"} (${read} window${read === 1 ? "" : "s"} read)`);
  }
  const range = opts.range ?? dataSpan(withData, stepMs);

  // Re-align over the whole range with the runtime's alignment, service by service.
  const aligned = withData.map((w) => ({ w, ...alignSamples(toSamples(w.rows, fs), fs, range) }));
  const allRows: FeatureRow[] = aligned.flatMap((a) => a.rows);
  const normalisation = fitNormalisation(allRows, fs.metrics.length, fs.metrics.map((m) => minScaleForRole(m.role)), fs.metrics.map((m) => m.name));
  const vectors = toVectors(allRows, fs, normalisation);
  if (vectors.length === 0) throw new DatasetBuildError(`no complete shingles of ${fs.shingleSize} consecutive gap-free steps in the windows under ${where || "the input root"}`);

  const incidents = opts.incidents;
  const labelOf = (v: FeatureVector): 0 | 1 =>
    (incidents ?? []).some((i) => i.service === v.row.service && (i.container === undefined || i.container === v.row.container) && v.row.timestamp >= i.from && v.row.timestamp < i.to) ? 1 : 0;
  const labels = vectors.map(labelOf);

  const trainLines: string[] = [];
  const testLines: string[] = [];
  const stats: Record<string, { train: number; test: number; anomalous: number }> = {};
  vectors.forEach((v, i) => {
    const s = (stats[v.row.service] ??= { train: 0, test: 0, anomalous: 0 });
    if (labels[i] === 0) {
      trainLines.push(formatCsvRecord(v.vector));
      s.train++;
    }
    if (incidents) {
      testLines.push(formatCsvRecord(v.vector, labels[i]));
      s.test++;
      if (labels[i] === 1) s.anomalous++;
    }
  });
  if (trainLines.length === 0) throw new DatasetBuildError("every vector lies inside an incident window: nothing normal is left to train on");

  const objects = [...partsOf("train", trainLines, rowsPerPart), ...(incidents ? partsOf("test", testLines, rowsPerPart) : [])];
  const channel = (name: "train" | "test", contentType: string): DatasetChannel => {
    const parts = objects.filter((o) => o.key.startsWith(`${name}/`)).map((o) => ({ key: o.key, rows: o.rows, sha256: sha256(o.body) }));
    return { contentType, rows: parts.reduce((s, p) => s + p.rows, 0), parts };
  };

  const services: Record<string, ServiceDatasetStats> = {};
  for (const a of [...aligned].sort((x, y) => (x.w.service < y.w.service ? -1 : 1))) {
    const st = stats[a.w.service] ?? { train: 0, test: 0, anomalous: 0 };
    services[a.w.service] = {
      windows: a.w.keys.length,
      containers: new Set(a.rows.map((r) => r.container)).size,
      rows: a.report.rows,
      gapRows: a.report.gapRows,
      filledValues: a.report.filledValues,
      duplicateRows: a.w.duplicateRows,
      lateRows: a.w.lateRows,
      outOfRangeRows: a.w.outOfRangeRows,
      trainRows: st.train,
      testRows: st.test,
      anomalousTestRows: st.anomalous,
    };
  }
  const spans = gapSpans(allRows, stepMs);
  const featuresBody = { format: DATASET_FEATURES_FORMAT, featureSet: fs, featureDim: featureDim(fs), normalisation, sourceQueries: sortedRecord(opts.sourceQueries ?? {}) } as const;
  const manifestBody = {
    format: DATASET_MANIFEST_FORMAT,
    range: { from: iso(range.from), to: iso(range.to) },
    featureDim: featureDim(fs),
    shingleSize: fs.shingleSize,
    services,
    servicesWithoutData: windows.filter((w) => !withData.includes(w)).map((w) => w.service).sort(),
    gapsSkipped: { rows: allRows.filter((r) => r.gap).length, spans: spans.slice(0, MAX_LISTED_GAP_SPANS), spansNotListed: Math.max(0, spans.length - MAX_LISTED_GAP_SPANS) },
    incidentWindows: incidents?.length ?? 0,
    channels: incidents ? { train: channel("train", TRAIN_CONTENT_TYPE), test: channel("test", TEST_CONTENT_TYPE) } : { train: channel("train", TRAIN_CONTENT_TYPE) },
  } as const;
  const contentHash = sha256(JSON.stringify(featuresBody) + "\n" + JSON.stringify(manifestBody));
  const version = `ds-${contentHash.slice(0, 16)}`;
  const features: DatasetFeatures = { format: DATASET_FEATURES_FORMAT, version, featureSet: fs, featureDim: featureDim(fs), normalisation, sourceQueries: featuresBody.sourceQueries };
  const { format: _f, ...manifestRest } = manifestBody;
  const manifest: DatasetManifest = { format: DATASET_MANIFEST_FORMAT, version, ...manifestRest, contentHash };

  // Data first, descriptors after, manifest last: a version with a manifest is complete.
  const base = `${opts.outputPrefix}training/${version}/`;
  const keys: string[] = [];
  for (const o of objects) {
    await opts.output.put(base + o.key, o.body, o.key.startsWith("test/") ? TEST_CONTENT_TYPE : TRAIN_CONTENT_TYPE);
    keys.push(base + o.key);
  }
  const featuresKey = datasetFeaturesKey(opts.outputPrefix, version);
  await opts.output.put(featuresKey, JSON.stringify(features, null, 2) + "\n", "application/json");
  keys.push(featuresKey);
  await opts.output.put(`${base}manifest.json`, JSON.stringify(manifest, null, 2) + "\n", "application/json");
  keys.push(`${base}manifest.json`);
  return { version, features, manifest, keys };
}

/** Rows back to samples (missing cells dropped), so `alignSamples` can re-align and re-fill across windows. */
function toSamples(rows: readonly FeatureRow[], fs: FeatureSet): MetricSample[] {
  const out: MetricSample[] = [];
  for (const r of rows) {
    r.values.forEach((value, m) => {
      if (!Number.isNaN(value)) out.push({ service: r.service, container: r.container, metric: fs.metrics[m].name, timestamp: r.timestamp, value });
    });
  }
  return out;
}

function dataSpan(windows: readonly ServiceWindows[], stepMs: number): TimeRange {
  let from = Infinity;
  let to = -Infinity;
  for (const w of windows) for (const r of w.rows) if (r.values.some((v) => !Number.isNaN(v))) {
    from = Math.min(from, r.timestamp);
    to = Math.max(to, r.timestamp + stepMs);
  }
  return { from, to };
}

function partsOf(channel: "train" | "test", lines: readonly string[], rowsPerPart: number): { key: string; body: string; rows: number }[] {
  const parts: { key: string; body: string; rows: number }[] = [];
  for (let i = 0; i * rowsPerPart < lines.length; i++) {
    const chunk = lines.slice(i * rowsPerPart, (i + 1) * rowsPerPart);
    parts.push({ key: `${channel}/part-${String(i).padStart(4, "0")}.csv`, body: chunk.join("\n") + "\n", rows: chunk.length });
  }
  return parts;
}

/** Runs of consecutive gap rows per container (rows sorted by service, container, timestamp). */
function gapSpans(rows: readonly FeatureRow[], stepMs: number): GapSpan[] {
  const spans: GapSpan[] = [];
  let open: { service: string; container: string; from: number; to: number } | undefined;
  const close = () => {
    if (open) spans.push({ service: open.service, container: open.container, from: iso(open.from), to: iso(open.to), steps: Math.round((open.to - open.from) / stepMs) });
    open = undefined;
  };
  for (const r of rows) {
    if (open && (open.service !== r.service || open.container !== r.container || open.to !== r.timestamp || !r.gap)) close();
    if (!r.gap) continue;
    if (open) open.to = r.timestamp + stepMs;
    else open = { service: r.service, container: r.container, from: r.timestamp, to: r.timestamp + stepMs };
  }
  close();
  return spans;
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf-8").digest("hex");
const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
