import { anomalyRateAt } from "../runtime/detection/modelHealth";
import { CALIBRATED_THRESHOLD_FORMAT, calibratedThresholdKey, type CalibratedThreshold } from "../runtime/model/calibratedThreshold";
import { fitThreshold } from "../runtime/model/scoreThreshold";
import type { ObjectStore, Scorer } from "../runtime/ports";
import { readDatasetVersion } from "./trainFromDataset";

export interface CalibrateOptions {
  /** Endpoint name recorded in threshold.json. */
  readonly endpoint: string;
  /** Threshold = mean + sigmas × std (default 3, SageMaker's documented rule). */
  readonly sigmas?: number;
  /** Vectors per `score()` call (the scorer batches further under its payload limit). Default 5,000. */
  readonly batchSize?: number;
  readonly now?: () => Date;
  /** Called after each batch with vectors scored so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Calibrates the threshold of a deployed model on its own scores: scores the set's verified `train/` channel
 * through `scorer` (the SageMaker endpoint), derives mean + 3σ and the expected anomaly rate, and writes
 * `training/<version>/threshold.json` — only after every vector was scored, so a failure writes nothing.
 */
export async function calibrateThreshold(objects: ObjectStore, prefix: string, version: string, scorer: Scorer, opts: CalibrateOptions): Promise<CalibratedThreshold> {
  const { train } = await readDatasetVersion(objects, prefix, version);
  const batch = opts.batchSize ?? 5000;
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batchSize must be a positive integer, got ${batch}`);
  const scores: number[] = [];
  for (let i = 0; i < train.vectors.length; i += batch) {
    const chunk = train.vectors.slice(i, i + batch);
    const results = await scorer.score(chunk);
    if (results.length !== chunk.length) throw new Error(`endpoint ${opts.endpoint} returned ${results.length} scores for ${chunk.length} vectors`);
    for (const r of results) {
      if (!Number.isFinite(r.score)) throw new Error(`endpoint ${opts.endpoint} returned a non-finite score (${r.score}) for training vector ${scores.length}`);
      scores.push(r.score);
    }
    opts.onProgress?.(scores.length, train.vectors.length);
  }
  const scoreStats = fitThreshold(scores, opts.sigmas ?? 3);
  const calibrated: CalibratedThreshold = {
    format: CALIBRATED_THRESHOLD_FORMAT,
    version,
    endpoint: opts.endpoint,
    scoreStats,
    expectedAnomalyRate: anomalyRateAt(scores, scoreStats.threshold),
    calibratedAt: (opts.now ?? (() => new Date()))().toISOString(),
  };
  await objects.put(calibratedThresholdKey(prefix, version), JSON.stringify(calibrated, null, 2) + "\n", "application/json");
  return calibrated;
}
