import * as v from "valibot";
import type { DetectorProfile } from "../detection/detectorProfiles";
import { parseJson, parseWithSchema, SchemaError } from "../errors/parseWithSchema";
import { describeInput } from "../errors/quoteInput";
import { FEATURE_SET_SCHEMA, type FeatureSet } from "../features/featureSet";
import type { Normalisation } from "../features/normalisation";
import { packState, unpackState } from "./binaryState";
import { bundleChecksum, withChecksum } from "./bundleChecksum";
import { thresholdedForestSchema } from "./detectorStateSchema";
import type { ForestState } from "./randomCutForest";
import { SCORE_STATS_SCHEMA, type ScoreStats } from "./scoreThreshold";
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
 * - `forest`, `scoreStats`, `expectedAnomalyRate`: the static forest SageMaker's built-in RCF would train on the
 *   same vectors and its training score distribution (a local stand-in for the endpoint).
 * - `checksum`: `sha256:<hex>` over every other field (bundleChecksum), set by training and checked at load, so
 *   a hand-edited model (two metrics swapped in `featureSet`) is refused, not scored.
 */
export interface ModelBundle {
  readonly format: typeof MODEL_BUNDLE_FORMAT;
  /** ISO-8601 time of training. */
  readonly trainedAt: string;
  readonly featureSet: FeatureSet;
  readonly normalisation: Normalisation;
  readonly detector?: TrainedDetector;
  readonly scoreStats: ScoreStats;
  /** Share of the training vectors above the static forest's mean + 3σ (the heavy tail makes it ~1–2 %). */
  readonly expectedAnomalyRate?: number;
  readonly hyperparameters: RcfHyperparameters;
  readonly seed: number;
  readonly forest?: ForestState;
  readonly checksum?: string;
}

const finite = v.pipe(v.number(), v.finite("expected a finite number"));
const positiveInt = v.pipe(v.number(), v.integer("expected a positive integer"), v.minValue(1, "expected a positive integer"));
const fraction = v.pipe(v.number(), v.minValue(0, "expected a fraction in [0, 1]"), v.maxValue(1, "expected a fraction in [0, 1]"));

/**
 * The model bundle as it crosses a boundary. Non-representable statistics (a `std` that overflowed to
 * Infinity is written as null) are refused here. A field added to ModelBundle must be added here too.
 */
export const MODEL_BUNDLE_SCHEMA = v.pipe(
  v.object({
    format: v.literal(MODEL_BUNDLE_FORMAT, `expected "${MODEL_BUNDLE_FORMAT}" (is this a model file written by \`cad train\`?)`),
    trainedAt: v.pipe(v.string(), v.isoTimestamp("expected an ISO-8601 time")),
    featureSet: FEATURE_SET_SCHEMA,
    normalisation: v.object({
      mean: v.array(finite),
      std: v.array(v.pipe(v.number(), v.finite("expected a finite number"), v.gtValue(0, "expected a number > 0"))),
    }),
    detector: v.optional(
      v.object({
        profile: v.looseObject({}),
        containerNames: v.array(v.string()),
        steps: v.pipe(v.number(), v.integer(), v.minValue(0)),
        expectedAnomalyRate: fraction,
        groups: v.pipe(v.string(), v.base64("expected the base64 of a binary detector state")),
      }),
    ),
    scoreStats: SCORE_STATS_SCHEMA,
    expectedAnomalyRate: v.optional(fraction),
    hyperparameters: v.object({ feature_dim: positiveInt, num_trees: positiveInt, num_samples_per_tree: positiveInt }),
    seed: v.pipe(v.number(), v.integer()),
    forest: v.optional(
      v.looseObject({ format: v.literal("cad-rcf/1"), dim: positiveInt, numTrees: positiveInt, sampleSize: positiveInt, seed: v.number(), trees: v.array(v.unknown()) }),
    ),
    checksum: v.optional(v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/, "expected sha256:<64 hex digits>"))),
  }),
  v.forward(
    v.check((b) => b.normalisation.mean.length === b.featureSet.metrics.length && b.normalisation.std.length === b.featureSet.metrics.length, "must hold one mean and one std per metric of featureSet"),
    ["normalisation"],
  ),
  v.forward(
    v.check((b) => b.hyperparameters.feature_dim === b.featureSet.metrics.length * b.featureSet.shingleSize, "must equal metrics × shingleSize"),
    ["hyperparameters", "feature_dim"],
  ),
  v.forward(
    v.check((b) => b.forest === undefined || b.forest.dim === b.hyperparameters.feature_dim, "must equal hyperparameters.feature_dim"),
    ["forest", "dim"],
  ),
);

/** Seals a freshly trained bundle: sets its checksum over every other field. */
export function sealModelBundle(bundle: ModelBundle): ModelBundle {
  return withChecksum(bundle);
}

/**
 * Parses and checks a model bundle, naming the source and the field at fault (and the metric, for normalisation).
 * Refused: not JSON; another format (an older bundle: retrain); any field of the wrong type or out of range,
 * non-finite statistics included; no checksum, or one that does not match the content (edited after training).
 */
export function parseModelBundle(json: string, source: string): ModelBundle {
  const raw = parseJson(json, source);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new SchemaError(source, ["expected a JSON object (a model bundle written by `cad train`)"]);
  const format = (raw as { format?: unknown }).format;
  if (format !== MODEL_BUNDLE_FORMAT) {
    throw new SchemaError(source, [`format: ${format === undefined ? "missing" : `is ${describeInput(format)}`}, expected "${MODEL_BUNDLE_FORMAT}" (a model file written by \`cad train\` of this version; retrain older ones)`]);
  }
  const stored = (raw as { checksum?: unknown }).checksum;
  const actual = bundleChecksum(raw);
  const metrics = metricNames(raw);
  let bundle: ModelBundle;
  try {
    bundle = parseWithSchema(MODEL_BUNDLE_SCHEMA, raw, source, (line) =>
      line.replace(/^normalisation\.(mean|std)\[(\d+)\]/, (path: string, _f: string, i: string) => (metrics[Number(i)] ? `${path} (metric "${metrics[Number(i)]}")` : path)),
    ) as ModelBundle;
  } catch (err) {
    if (err instanceof SchemaError && typeof stored === "string" && stored !== actual) {
      throw new SchemaError(source, [...err.problems, "and its checksum does not match its content: the file was changed after training"]);
    }
    throw err;
  }
  if (stored === undefined) throw new SchemaError(source, ["checksum: missing; a model written by `cad train` carries one (an older or hand-made file): retrain with `cad train`"]);
  if (stored !== actual) {
    throw new SchemaError(source, [`checksum: the content does not match the stored checksum (${String(stored).slice(0, 20)}…, content gives ${actual.slice(0, 20)}…): the file was changed after training (e.g. metrics reordered in featureSet); retrain with \`cad train\` instead of editing it`]);
  }
  return bundle;
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
    throw new SchemaError(`${source}: detector.groups`, [(err as Error).message]);
  }
  const parsed = parseWithSchema(v.object({ groups: v.array(v.object({ name: v.string(), model: thresholdedForestSchema })) }), raw, `${source}: detector.groups`);
  return new Map(parsed.groups.map((g) => [g.name, g.model as unknown as ThresholdedForestState]));
}

function metricNames(raw: object): string[] {
  const metrics = (raw as { featureSet?: { metrics?: unknown } }).featureSet?.metrics;
  return Array.isArray(metrics) ? metrics.map((m: unknown) => (m && typeof m === "object" && "name" in m && typeof m.name === "string" ? m.name : "")) : [];
}
