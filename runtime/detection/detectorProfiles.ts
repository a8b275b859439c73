import type { ThresholdedForestOptions } from "../model/thresholdedForest";

/** Detector settings without the per-deployment parts (inputs, scorer). */
export type DetectorProfile = Omit<ThresholdedForestOptions, "inputs" | "scorer">;

/**
 * Settings for single metrics at minutes-long steps (NAB's series: 5-minute steps, one metric per file): a
 * 12-step shingle, alerts suppressed near the expected value and for recurring spikes, one alert per incident.
 */
export const SERIES_DETECTOR: DetectorProfile = {
  shingleSize: 12,
  transform: "normalize",
  zFactor: 3,
  lowerThreshold: 1.3,
  // A step whose value lies within 2 running standard deviations of the value the forest expected is not an
  // anomaly, however unusual its shingle: cuts false alerts on bursty series more than it loses windows.
  ignoreNearExpectedDeviations: 2,
  // The same spike coming back (e.g. a daily job) alerts three times within a week of 5-minute steps, then no more.
  recurrenceHorizon: 2000,
  recurrenceCount: 3,
  // One alert per incident: an incident lasts while anomalous steps keep coming less than 50 steps apart (about
  // 4 hours at 5-minute steps), however long it goes on; after such a quiet gap a new anomaly alerts again, and
  // within an incident only one scoring 1.5 times the incident's alert does.
  repeatWindow: 50,
  repeatExtends: true,
  repeatEscalation: 1.5,
  // Daily (or other) cycles found in the data itself: a day whose shape changes alerts, though no shingle sees it.
  seasonal: true,
};

/**
 * Settings for container metrics (several metrics per row, one row per replica per step): what the detect
 * Lambda, `cad demo`, `cad backtest` and `cad labelled` run. The shingle comes from the feature set.
 */
export const CONTAINER_DETECTOR: DetectorProfile = {
  shingleSize: 1,
  transform: "normalize",
  zFactor: 6,
  lowerThreshold: 1.5,
  ignoreNearExpectedDeviations: 3,
  repeatWindow: 100,
  repeatEscalation: 1.5,
  seasonal: true,
  // An incident lasts: a saturated or leaking container stays anomalous for up to an hour (60 one-minute steps)
  // instead of becoming the new normal within a few steps, so incidents stay open and scaling keeps acting
  // while the condition holds; its scores do not raise its own threshold.
  learnAnomalies: false,
  maxCorrections: 60,
  clipScores: true,
  // A container alerts once 3 of its last 4 steps were anomalous, or at once when a step is graded 0.5 or more: a
  // weak one- or two-minute blip of one replica (a scrape hiccup, a GC pause) is graded but not raised, a strong
  // short fault is not missed.
  confirmSteps: 3,
  confirmWindow: 4,
  confirmBypassGrade: 0.5,
};
