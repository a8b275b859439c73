import { CONTAINER_DETECTOR, type DetectorProfile } from "../../runtime/detection/detectorProfiles";

/**
 * The shipped settings with a 12-step shingle, z 3 and no confirmation: the evaluation-only "series" profile
 * NAB-layout sets ran with until 2026-12-05 (no deployment ever did, docs/quality.md session 49). Tests of the
 * model's shingle options (the shingle's weighting, the forest's changes, the statistics' memories) and of the
 * service detector's bookkeeping use it for a shingled series whose behaviour they pinned down; no test of what
 * ships does.
 */
export const SHINGLED_SERIES: DetectorProfile = { ...CONTAINER_DETECTOR, shingleSize: 12, zFactor: 3, confirmSteps: 1, confirmWindow: 1, confirmBypassGrade: 1 };
