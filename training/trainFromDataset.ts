import { createHash } from "node:crypto";
import { basename, dirname } from "node:path";
import { DirectoryObjectStore } from "../runtime/adapters/local/DirectoryObjectStore";
import { anomalyRateAt } from "../runtime/detection/modelHealth";
import { parseDatasetFeatures, type DatasetFeatures } from "../runtime/features/datasetFeatures";
import type { ModelBundle } from "../runtime/model/modelBundle";
import type { ObjectStore } from "../runtime/ports";
import { DATASET_MANIFEST_FORMAT, type DatasetManifest } from "./datasetManifest";
import { rcfHyperparameters, type HyperparameterChoices, type RcfTrainingHyperparameters } from "./hyperparameters";
import { parseCsvPart } from "./sageMakerCsv";
import { trainOnVectors } from "./trainOnVectors";

export interface TrainFromDatasetOptions {
  /** SageMaker's hyperparameters, validated against SageMaker's ranges (the local run must be submittable). */
  readonly hyperparameters?: HyperparameterChoices;
  readonly seed?: number;
  /** Threshold = mean + sigmas × std of the training scores. Default 3. */
  readonly sigmas?: number;
  /** ISO-8601 time recorded in the bundle (inject for reproducible files). */
  readonly trainedAt?: string;
}

export interface TrainFromDatasetResult {
  readonly version: string;
  readonly model: ModelBundle;
  readonly features: DatasetFeatures;
  readonly manifest: DatasetManifest;
  readonly hyperparameters: RcfTrainingHyperparameters;
  /** Vectors of the train channel (the forest's training points). */
  readonly vectors: number;
  readonly trainingScores: number[];
  /** Fraction of the training vectors scored above the threshold: the expected anomaly rate for model health. */
  readonly expectedAnomalyRate: number;
  /** The labelled test channel, when the set has one: vectors and labels, for a backtest. */
  readonly test?: { readonly vectors: number[][]; readonly labels: (0 | 1)[] };
}

/**
 * Local training on a built training set version: what the SageMaker training job does with the same
 * `train/` channel, so a local backtest predicts the endpoint's behaviour. Checks the manifest, every part's
 * SHA-256 and features.json first; the bundle carries the set's own normalisation (never refitted).
 *
 * @param versionDir the version's directory, e.g. `out/training/ds-3f9a1c2b7d4e5f60`.
 * @throws Error naming the file at fault (missing, altered, malformed, older format).
 */
export async function trainFromDataset(versionDir: string, opts: TrainFromDatasetOptions = {}): Promise<TrainFromDatasetResult> {
  const parent = dirname(versionDir);
  if (basename(parent) !== "training") throw new Error(`${versionDir}: expected a training set version directory, <out>/training/<version> (as \`cad dataset build\` prints it)`);
  return trainFromDatasetStore(new DirectoryObjectStore(dirname(parent)), "", basename(versionDir), opts);
}

/** A training set version as read back and verified: manifest, features.json and the channels' vectors. */
export interface DatasetVersion {
  readonly manifest: DatasetManifest;
  readonly features: DatasetFeatures;
  readonly train: { readonly vectors: number[][] };
  readonly test?: { readonly vectors: number[][]; readonly labels: (0 | 1)[] };
}

/**
 * Reads a training set version from any ObjectStore and verifies it: the manifest, features.json (format and
 * version), and every part against the manifest's SHA-256 and `feature_dim`.
 *
 * @throws Error naming the object at fault.
 */
export async function readDatasetVersion(objects: ObjectStore, prefix: string, version: string): Promise<DatasetVersion> {
  const base = `${prefix}training/${version}/`;
  const read = async (key: string): Promise<string> => {
    const text = await objects.get(base + key);
    if (text === undefined) throw new Error(`${base}${key}: not found; ${key === "manifest.json" ? "the set is incomplete or the version is wrong (rebuild it with `cad dataset build`)" : "the set is incomplete"}`);
    return text;
  };
  const manifest = parseManifest(await read("manifest.json"), `${base}manifest.json`, version);
  const features = parseDatasetFeatures(await read("features.json"), `${base}features.json`);
  if (features.version !== version) throw new Error(`${base}features.json: "version" is "${features.version}", expected "${version}"`);
  const readChannel = async (parts: DatasetManifest["channels"]["train"]["parts"], labelled: boolean) => {
    const vectors: number[][] = [];
    const labels: (0 | 1)[] = [];
    for (const part of parts) {
      const text = await read(part.key);
      const hash = createHash("sha256").update(text, "utf-8").digest("hex");
      if (hash !== part.sha256) throw new Error(`${base}${part.key}: content does not match the manifest's sha256 (altered after the build?)`);
      const parsed = parseCsvPart(text, features.featureDim, labelled, base + part.key);
      vectors.push(...parsed.vectors);
      labels.push(...(parsed.labels ?? []));
    }
    return { vectors, labels };
  };
  const train = await readChannel(manifest.channels.train.parts, false);
  const test = manifest.channels.test ? await readChannel(manifest.channels.test.parts, true) : undefined;
  return { manifest, features, train: { vectors: train.vectors }, ...(test ? { test } : {}) };
}

/** `trainFromDataset` on any ObjectStore (e.g. the S3 bucket the set was built into). */
export async function trainFromDatasetStore(objects: ObjectStore, prefix: string, version: string, opts: TrainFromDatasetOptions = {}): Promise<TrainFromDatasetResult> {
  const { manifest, features, train, test } = await readDatasetVersion(objects, prefix, version);
  const hyperparameters = rcfHyperparameters(features, opts.hyperparameters);
  const { model, trainingScores } = trainOnVectors(train.vectors, features.featureSet, features.normalisation, {
    numTrees: hyperparameters.num_trees,
    sampleSize: hyperparameters.num_samples_per_tree,
    seed: opts.seed,
    sigmas: opts.sigmas,
    trainedAt: opts.trainedAt,
  });
  const expectedAnomalyRate = anomalyRateAt(trainingScores, model.scoreStats.threshold);
  return { version, model, features, manifest, hyperparameters, vectors: train.vectors.length, trainingScores, expectedAnomalyRate, ...(test ? { test } : {}) };
}

function parseManifest(text: string, source: string, version: string): DatasetManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const m = raw as Partial<DatasetManifest> | null;
  if (m === null || typeof m !== "object") throw new Error(`${source}: expected a JSON object`);
  if (m.format !== DATASET_MANIFEST_FORMAT) throw new Error(`${source}: "format" is ${JSON.stringify(m.format)}, expected "${DATASET_MANIFEST_FORMAT}"; rebuild the set with \`cad dataset build\``);
  if (m.version !== version) throw new Error(`${source}: "version" is ${JSON.stringify(m.version)}, expected "${version}"`);
  const train = m.channels?.train;
  if (!train || !Array.isArray(train.parts) || train.parts.length === 0) throw new Error(`${source}: "channels.train.parts" must list at least one part`);
  return m as DatasetManifest;
}
