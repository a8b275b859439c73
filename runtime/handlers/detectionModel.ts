import { CONTAINER_DETECTOR, type DetectorProfile } from "../detection/detectorProfiles";
import type { FeatureSet } from "../features/featureSet";
import type { Normalisation } from "../features/normalisation";
import { decisionChanges, decisionsOf } from "../model/decisionOptions";
import { decodeTrainedGroups, type ModelBundle } from "../model/modelBundle";
import { contentId } from "../model/modelIdentity";
import type { ThresholdedForestState } from "../model/thresholdedForest";

/**
 * What the detect handler needs to know about its model. The same streaming detector runs with either scorer:
 * - `embedded`: each container name's own streaming forest learns online, warm-started from the trained
 *   models in `warmStart` (a name without one learns from its first steps, with no alerts before `outputAfter`);
 * - `sagemaker`: the endpoint's static forest gives the raw score of each vector (made with `normalisation` and
 *   the feature set's shingle, as its training vectors were) and `calibration` starts the thresholder.
 */
export interface DetectionModel {
  /** Identity of the model: a stored detector state written for another model is replaced, not continued. */
  readonly id: string;
  readonly featureSet: FeatureSet;
  /** The training rows' z-score parameters: how vectors for an external model are made. */
  readonly normalisation: Normalisation;
  readonly scorer: "embedded" | "sagemaker";
  /** Detector settings (the feature set's shingle overrides the profile's). */
  readonly detector: DetectorProfile;
  /** Embedded: trained group models by container name. */
  readonly warmStart?: ReadonlyMap<string, ThresholdedForestState>;
  /** SageMaker: mean and standard deviation of the endpoint's scores of its training set. */
  readonly calibration?: { readonly mean: number; readonly sd: number };
  /** Share of container-steps graded anomalous on the training data; runs report their rate relative to it. */
  readonly expectedAnomalyRate?: number;
  /** Words for logs: which model this is. */
  readonly label: string;
}

/**
 * The embedded scorer's model from a bundle written by `cad train`: its trained streaming detector, identified
 * by the bundle's checksum. Throws naming `source` when the bundle holds no detector (a bundle made from a
 * SageMaker training channel) or its detector does not decode.
 */
export function embeddedModel(bundle: ModelBundle, source: string): DetectionModel {
  if (!bundle.detector) throw new Error(`${source} has no trained detector: the embedded scorer needs a model trained on rows (cad train --input …)`);
  const upgraded = decisionChanges(bundle.detector.profile, CONTAINER_DETECTOR);
  return {
    id: contentId("model", bundle.checksum ?? JSON.stringify(bundle)),
    featureSet: bundle.featureSet,
    normalisation: bundle.normalisation,
    scorer: "embedded",
    // The bundle's settings as trained, with this release's decision rules (decisionOptions.ts).
    detector: { ...bundle.detector.profile, ...decisionsOf(CONTAINER_DETECTOR) },
    warmStart: decodeTrainedGroups(bundle.detector, source),
    expectedAnomalyRate: bundle.detector.expectedAnomalyRate,
    label: `bundle trained ${bundle.trainedAt} (${bundle.detector.containerNames.map((n) => (n === "" ? "unnamed containers" : n)).join(", ")})${upgraded.length > 0 ? `, with this release's decision rules: ${upgraded.join(", ")}` : ""}`,
  };
}

/**
 * The SageMaker scorer's model: the training set's feature set and normalisation (how the endpoint's training
 * vectors were made), and the endpoint's own score distribution as the thresholder's starting calibration.
 */
export function sageMakerModel(features: { readonly version: string; readonly featureSet: FeatureSet; readonly normalisation: Normalisation }, calibrated: { readonly endpoint: string; readonly calibratedAt: string; readonly scoreStats: { readonly mean: number; readonly std: number }; readonly expectedAnomalyRate: number }, profile: DetectorProfile = CONTAINER_DETECTOR): DetectionModel {
  return {
    id: contentId("sagemaker", features.version, calibrated.endpoint, calibrated.calibratedAt),
    featureSet: features.featureSet,
    normalisation: features.normalisation,
    scorer: "sagemaker",
    detector: profile,
    calibration: { mean: calibrated.scoreStats.mean, sd: calibrated.scoreStats.std },
    expectedAnomalyRate: calibrated.expectedAnomalyRate,
    label: `${features.version} (threshold calibrated ${calibrated.calibratedAt} on ${calibrated.endpoint})`,
  };
}
