import { CONTAINER_DETECTOR, type DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";

/** The name the one-metric deployment's runs go by: `<out>/as-deployed/<set>/seed-<n>/` and its JSON lines' candidate. */
export const AS_DEPLOYED = "as-deployed";

/**
 * What a deployment runs a container of one metric with: CONTAINER_DETECTOR, the only settings the detect Lambda,
 * `cad train` and the demo run, with the default feature set's shingle, which overrides the profile's
 * (training/trainDetector.ts, runtime/handlers/detectionModel.ts). `cad nab` runs a NAB-layout set with
 * SERIES_DETECTOR, which no deployment runs: `cad quality` runs the same series this way too, so what a
 * deployment would make of them is measured beside the figures the protocol judges.
 */
export const AS_DEPLOYED_PROFILE: DetectorProfile = { ...CONTAINER_DETECTOR, shingleSize: DEFAULT_FEATURE_SET.shingleSize };
