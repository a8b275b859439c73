import { createHash } from "node:crypto";
import * as v from "valibot";
import type { DetectorProfile } from "../detection/detectorProfiles";
import { validateFeatureSet, type FeatureSet } from "../features/featureSet";
import type { Normalisation } from "../features/normalisation";
import { parseWith } from "../validation/parseWith";
import { packState, unpackState } from "./binaryState";
import { thresholdedForestSchema } from "./detectorStateSchema";
import type { ForestState } from "./randomCutForest";
import type { ScoreStats } from "./scoreThreshold";
import type { ThresholdedForestState } from "./thresholdedForest";

export const MODEL_BUNDLE_FORMAT = "cad-model/2";

/** SageMaker's RCF hyperparameter names, used for the local forest too so both are configured alike. */
export interface RcfHyperparameters {
  readonly feature_dim: number;
  readonly num_trees: number;
  readonly num_samples_per_tree: number;
}

/**
 * The streaming detector as trained on the training rows: the embedded scorer's model. Each container name's
 * {@link ThresholdedForestState} is stored in the binary state encoding, base64 in the JSON bundle.
 */
export interface TrainedDetector {
  /** The detector settings it was trained with (the deployment runs with these). */
  readonly profile: DetectorProfile;
  /** The container names (replica groups) it has a model for; "" = containers without a name. */
  readonly containerNames: readonly string[];
  /** Steps replayed to train it. */
  readonly steps: number;
  /** Share of the container-steps of the second half of training it graded anomalous (the model-health baseline). */
  readonly expectedAnomalyRate: number;
  /** base64 of the binary state `{ groups: [{ name, model }] }`. */
  readonly groups: string;
}

/**
 * A trained model: everything needed to turn samples into detections. Written by training (`cad train`), read
 * by the detect handler (a JSON file locally, an S3 object in AWS).
 * - `detector`: the streaming detector trained on the rows (embedded scorer); absent for a bundle made from a
 *   SageMaker training channel, which holds vectors only.
 * - `forest` and `scoreStats`: the static forest SageMaker's built-in RCF would train on the same vectors, and its
 *   training score distribution (a local stand-in for the endpoint, e.g. for `cad nab --mode batch`).
 * - `checksum`: SHA-256 of every other field, so an edited bundle (two metrics swapped) is refused.
 */
export interface ModelBundle {
  readonly format: typeof MODEL_BUNDLE_FORMAT;
  /** ISO-8601 time of training. */
  readonly trainedAt: string;
  readonly featureSet: FeatureSet;
  readonly normalisation: Normalisation;
  readonly detector?: TrainedDetector;
  readonly scoreStats: ScoreStats;
  /** Share of the training vectors above the static forest's threshold (mean + 3σ). */
  readonly expectedAnomalyRate?: number;
  readonly hyperparameters: RcfHyperparameters;
  readonly seed: number;
  readonly forest?: ForestState;
  readonly checksum: string;
}

const finite = v.pipe(v.number(), v.finite());

const bundleSchema = v.object({
  format: v.literal(MODEL_BUNDLE_FORMAT),
  trainedAt: v.pipe(v.string(), v.isoTimestamp()),
  featureSet: v.looseObject({}),
  normalisation: v.object({ mean: v.array(finite), std: v.array(v.pipe(finite, v.gtValue(0))) }),
  detector: v.optional(
    v.object({
      profile: v.looseObject({}),
      containerNames: v.array(v.string()),
      steps: v.pipe(v.number(), v.integer(), v.minValue(0)),
      expectedAnomalyRate: v.pipe(finite, v.minValue(0), v.maxValue(1)),
      groups: v.pipe(v.string(), v.base64()),
    }),
  ),
  scoreStats: v.object({ count: v.pipe(v.number(), v.integer(), v.minValue(0)), mean: finite, std: v.pipe(finite, v.minValue(0)), sigmas: finite, threshold: finite, quantiles: v.object({ p50: finite, p90: finite, p99: finite, max: finite }) }),
  expectedAnomalyRate: v.optional(v.pipe(finite, v.minValue(0), v.maxValue(1))),
  hyperparameters: v.object({ feature_dim: v.pipe(v.number(), v.integer(), v.minValue(1)), num_trees: v.pipe(v.number(), v.integer(), v.minValue(1)), num_samples_per_tree: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
  seed: finite,
  forest: v.optional(v.looseObject({ dim: v.pipe(v.number(), v.integer(), v.minValue(1)) })),
  checksum: v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/)),
});

/** SHA-256 over the bundle without its checksum, fields in a fixed (sorted) order. */
export function bundleChecksum(bundle: Omit<ModelBundle, "checksum"> | ModelBundle): string {
  const { checksum: _ignored, ...rest } = bundle as ModelBundle;
  return `sha256:${createHash("sha256").update(canonicalJson(rest)).digest("hex")}`;
}

/** Completes a bundle with its checksum. */
export function sealModelBundle(bundle: Omit<ModelBundle, "checksum">): ModelBundle {
  return { ...bundle, checksum: bundleChecksum(bundle) };
}

/** Parses and checks a model bundle, naming the source and the field at fault. */
export function parseModelBundle(json: string, source: string): ModelBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (raw === null || typeof raw !== "object") throw new Error(`${source}: expected a JSON object`);
  const format = (raw as { format?: unknown }).format;
  if (format !== MODEL_BUNDLE_FORMAT) {
    throw new Error(`${source}: "format" is ${JSON.stringify(format)}, expected "${MODEL_BUNDLE_FORMAT}" (a model file written by \`cad train\` of this version; retrain older ones)`);
  }
  const b = parseWith(bundleSchema, raw, source) as unknown as ModelBundle;
  validateFeatureSet(b.featureSet, `${source}: featureSet`);
  const m = b.featureSet.metrics.length;
  if (b.normalisation.mean.length !== m || b.normalisation.std.length !== m) throw new Error(`${source}: "normalisation" must hold "mean" and "std" arrays of ${m} numbers (one per metric)`);
  if (b.hyperparameters.feature_dim !== m * b.featureSet.shingleSize) {
    throw new Error(`${source}: "hyperparameters.feature_dim" is ${b.hyperparameters.feature_dim}, expected ${m * b.featureSet.shingleSize} (metrics × shingleSize)`);
  }
  if (b.forest !== undefined && b.forest.dim !== b.hyperparameters.feature_dim) throw new Error(`${source}: forest dim ${b.forest.dim} differs from feature_dim ${b.hyperparameters.feature_dim}`);
  const expected = bundleChecksum(b);
  if (b.checksum !== expected) throw new Error(`${source}: the checksum does not match the content (the file was edited or damaged after training); retrain rather than edit a model`);
  return b;
}

/** Encodes trained group models for {@link TrainedDetector.groups}. */
export function encodeTrainedGroups(groups: readonly { readonly name: string; readonly model: ThresholdedForestState }[]): string {
  return Buffer.from(packState({ groups })).toString("base64");
}

/** The trained group models of a bundle's detector by container name; throws naming the source at fault. */
export function decodeTrainedGroups(detector: TrainedDetector, source: string): Map<string, ThresholdedForestState> {
  let raw: unknown;
  try {
    raw = unpackState(new Uint8Array(Buffer.from(detector.groups, "base64")));
  } catch (err) {
    throw new Error(`${source}: detector.groups: ${(err as Error).message}`, { cause: err });
  }
  const parsed = parseWith(v.object({ groups: v.array(v.object({ name: v.string(), model: thresholdedForestSchema })) }), raw, `${source}: detector.groups`);
  return new Map(parsed.groups.map((g) => [g.name, g.model as unknown as ThresholdedForestState]));
}

/** JSON with object keys sorted at every level (a canonical form for hashing). */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}
