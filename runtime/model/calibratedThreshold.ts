import type { ObjectStore } from "../ports";
import type { ScoreStats } from "./scoreThreshold";

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

/** Parses and checks a threshold.json, naming the source and the field at fault. */
export function parseCalibratedThreshold(json: string, source: string, expectedVersion?: string): CalibratedThreshold {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const t = raw as Partial<CalibratedThreshold> | null;
  if (t === null || typeof t !== "object") throw new Error(`${source}: expected a JSON object`);
  if (t.format !== CALIBRATED_THRESHOLD_FORMAT) throw new Error(`${source}: "format" is ${JSON.stringify(t.format)}, expected "${CALIBRATED_THRESHOLD_FORMAT}" (written by \`cad dataset calibrate\`)`);
  if (typeof t.version !== "string" || t.version === "") throw new Error(`${source}: "version" must be the training set version`);
  if (expectedVersion !== undefined && t.version !== expectedVersion) throw new Error(`${source}: calibrated for version "${t.version}", expected "${expectedVersion}"`);
  const st = t.scoreStats;
  if (!st || !Number.isFinite(st.threshold) || !Number.isFinite(st.mean) || !Number.isFinite(st.std)) throw new Error(`${source}: "scoreStats" must hold finite "mean", "std" and "threshold"`);
  if (typeof t.expectedAnomalyRate !== "number" || !(t.expectedAnomalyRate >= 0 && t.expectedAnomalyRate <= 1)) throw new Error(`${source}: "expectedAnomalyRate" must be a fraction in [0, 1]`);
  return t as CalibratedThreshold;
}

/** Loads a version's calibrated threshold; rejects naming the key when it is missing or malformed. */
export async function loadCalibratedThreshold(objects: ObjectStore, prefix: string, version: string): Promise<CalibratedThreshold> {
  const key = calibratedThresholdKey(prefix, version);
  const text = await objects.get(key);
  if (text === undefined) throw new Error(`${key}: not found; calibrate the deployed endpoint first: cad dataset calibrate --version ${version} --endpoint <name> …`);
  return parseCalibratedThreshold(text, key, version);
}
