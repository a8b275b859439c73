import * as v from "valibot";
import { TRANSFORM_METHODS } from "./preprocessor";

/**
 * The shape of a service detector's state as it comes out of the binary codec, for checking untrusted bytes
 * before any model is rebuilt from them. Deep invariants (a tree's boxes, samplers matching trees) are then
 * checked by the models' own `fromState`.
 */
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const finite = v.pipe(v.number(), v.finite());
/** A Deviation's state: four numbers, or five with its reference (strict: a fifth number is never dropped). */
const deviation = v.union([v.strictTuple([finite, finite, finite, finite]), v.strictTuple([finite, finite, finite, finite, finite])]);
const f64 = v.instance(Float64Array);
const f32 = v.instance(Float32Array);
/** Integers as the state stores them: in the narrowest of these that holds them. */
const i32 = v.union([v.instance(Uint8Array), v.instance(Int16Array), v.instance(Uint16Array), v.instance(Int32Array)]);

const treeSchema = v.object({ shape: v.instance(Uint8Array), cutDim: i32, cutValue: f32 });

const forestSchema = v.object({
  format: v.literal("cad-streaming-rcf/2"),
  dimensions: v.pipe(count, v.minValue(1)),
  numTrees: v.pipe(count, v.minValue(1)),
  sampleSize: v.pipe(count, v.minValue(2)),
  timeDecay: finite,
  seed: finite,
  rngState: finite,
  updates: count,
  points: f32,
  samplers: v.array(v.object({ size: count, weights: f32, refs: i32 })),
  trees: v.array(treeSchema),
});

const seasonalProfileSchema = v.object({
  recent: f32,
  seen: count,
  candidate: count,
  confirmations: count,
  misses: count,
  period: count,
  profile: f64,
  floor: finite,
  smoothed: v.array(finite),
  residualSq: v.tuple([finite, finite]),
  smoothedSq: v.array(v.tuple([finite, finite])),
  sinceLock: count,
  armed: v.boolean(),
  lastResidual: v.optional(v.nullable(finite)),
  changeSq: v.optional(v.tuple([finite, finite])),
  lockSpread: v.optional(v.tuple([finite, finite])),
  base: v.optional(count),
  coarse: v.optional(
    v.object({
      cycle: count,
      binsPerCycle: v.optional(count),
      bins: f32,
      open: count,
      openSum: finite,
      openCount: count,
      residualSum: finite,
      residualCount: count,
      span: count,
      candidate: count,
      confirmations: count,
      misses: count,
      offsets: f64,
    }),
  ),
  long: v.optional(
    v.object({
      bins: f32,
      open: count,
      openSum: finite,
      openCount: count,
      cycle: count,
      span: count,
      confirmations: count,
    }),
  ),
});

export const replicaStreamSchema = v.object({
  index: count,
  filled: count,
  history: f64,
  previous: f64,
  seen: count,
  corrections: count,
  lastAlertIndex: v.nullable(finite),
  lastAlertScore: finite,
  alertIndex: f64,
  alertDeviations: f64,
  anomalousBits: count,
  incidentCauses: v.optional(v.array(count)),
  withheldAt: v.optional(v.nullable(finite)),
  edgeIndex: v.optional(f64),
  edgeSigns: v.optional(f64),
  edgeMidpoints: v.optional(f64),
  burstSteps: v.optional(count),
  restValue: v.optional(f64),
  lastValue: v.optional(f64),
  restShare: v.optional(f64),
  bursts: v.optional(f64),
  burstSize: v.optional(f64),
  burstLogMean: v.optional(f64),
  burstLogVar: v.optional(f64),
});

const optionsSchema = v.looseObject({
  inputs: v.pipe(count, v.minValue(1)),
  shingleSize: v.pipe(count, v.minValue(1)),
  scorer: v.picklist(["forest", "external"]),
  seasonal: v.boolean(),
  transform: v.picklist(TRANSFORM_METHODS),
});

export const thresholdedForestSchema = v.object({
  format: v.literal("cad-trcf/2"),
  options: optionsSchema,
  updates: count,
  forest: v.optional(forestSchema),
  preprocessor: v.object({ method: v.picklist(TRANSFORM_METHODS), inputs: v.pipe(count, v.minValue(1)), seen: count, level: v.array(deviation), change: v.array(deviation), longLevel: v.optional(v.array(deviation)), longChange: v.optional(v.array(deviation)) }),
  thresholder: v.object({ zFactor: finite, lowerThreshold: finite, minScores: count, clipScores: v.boolean(), stats: deviation, quantile: v.optional(finite), tail: v.optional(v.array(finite)), tailDiscount: v.optional(finite) }),
  seasonal: v.optional(v.object({ profiles: v.array(seasonalProfileSchema) })),
  drift: v.optional(v.object({ steps: count, lastOff: v.pipe(v.number(), v.integer(), v.minValue(-1)), levels: v.array(finite), stats: v.array(deviation), raw: v.array(deviation) })),
  series: v.optional(replicaStreamSchema),
  held: v.optional(count),
  heldThreshold: v.optional(finite),
});

export const serviceDetectorSchema = v.object({
  format: v.literal("cad-service-detector/1"),
  groups: v.array(v.object({ name: v.string(), lastSeen: finite, model: thresholdedForestSchema })),
  replicas: v.array(v.object({ container: v.pipe(v.string(), v.minLength(1)), group: v.string(), lastSeen: finite, stream: replicaStreamSchema })),
});
