import * as v from "valibot";
import { parseJson, parseWithSchema, SchemaError } from "../errors/parseWithSchema";
import type { ObjectStore } from "../ports";
import { SCORE_STATS_SCHEMA, type ScoreStats } from "./scoreThreshold";

export const CALIBRATED_THRESHOLD_FORMAT = "cad-threshold/1";

/**
 * The threshold of a SageMaker-served model, calibrated on the endpoint's own scores of the training set
 * (SageMaker's RCF is proprietary: the local forest's scores are alike in kind, not in value). Stored as
 * `training/<version>/threshold.json` beside the set's features.json; the detect Lambda loads both.
 */
export interface CalibratedThreshold {
  readonly format: typeof CALIBRATED_THRESHOLD_FORMAT;
  /** The training set version whose `train/` channel was scored. */
  readonly version: string;
  /** The endpoint that produced the scores. */
  readonly endpoint: string;
  readonly scoreStats: ScoreStats;
  /** Share of the training vectors above the threshold (the model-health baseline). */
  readonly expectedAnomalyRate: number;
  /** ISO-8601 time of calibration. */
  readonly calibratedAt: string;
}

/** Key of a version's calibrated threshold. */
export const calibratedThresholdKey = (prefix: string, version: string): string => `${prefix}training/${version}/threshold.json`;

/** threshold.json as `cad dataset calibrate` writes it (extra fields are ignored, for newer writers). */
const CALIBRATED_THRESHOLD_SCHEMA = v.object({
  format: v.literal(CALIBRATED_THRESHOLD_FORMAT, `expected "${CALIBRATED_THRESHOLD_FORMAT}" (a threshold.json written by \`cad dataset calibrate\`)`),
  version: v.pipe(v.string(), v.minLength(1, "expected the training set version")),
  endpoint: v.string(),
  scoreStats: SCORE_STATS_SCHEMA,
  expectedAnomalyRate: v.pipe(v.number(), v.minValue(0, "expected a fraction in [0, 1]"), v.maxValue(1, "expected a fraction in [0, 1]")),
  calibratedAt: v.string(),
});

/** Parses and checks a threshold.json, naming the source and the field at fault (a SchemaError). */
export function parseCalibratedThreshold(json: string, source: string, expectedVersion?: string): CalibratedThreshold {
  const t = parseWithSchema(CALIBRATED_THRESHOLD_SCHEMA, parseJson(json, source), source);
  if (expectedVersion !== undefined && t.version !== expectedVersion) throw new SchemaError(source, [`calibrated for version "${t.version}", expected "${expectedVersion}"`]);
  return t;
}

/** Loads a version's calibrated threshold; rejects naming the key when it is missing or malformed. */
export async function loadCalibratedThreshold(objects: ObjectStore, prefix: string, version: string): Promise<CalibratedThreshold> {
  const key = calibratedThresholdKey(prefix, version);
  const text = await objects.get(key);
  if (text === undefined) throw new Error(`${key}: not found; calibrate the deployed endpoint first: cad dataset calibrate --version ${version} --endpoint <name> …`);
  return parseCalibratedThreshold(text, key, version);
}
