import type { DetectorOverrides } from "./candidatesFile";

/**
 * The detector settings a candidate may override (`cad quality --candidates`), in the order --help lists them.
 * A list of its own, without the schema in candidatesFile.ts, so `cad quality --help` loads no detector code;
 * the type below fails to compile when the detector gains or loses an option this list does not follow.
 */
export const OVERRIDE_NAMES = [
  "shingleSize", "numTrees", "sampleSize", "timeDecay", "statisticsMemory", "transform", "outputAfter", "zFactor", "lowerThreshold",
  "clipScores", "thresholdQuantile", "thresholdQuantileMemory", "holdStatistics", "holdStatisticsMode", "holdStatisticsFrom", "holdStatisticsUntil", "pulseMinSteps", "pulseMaxSteps", "ignoreNearExpectedRelative", "ignoreNearExpectedAbsolute", "ignoreNearExpectedDeviations", "ignoreNearUsualBursts", "usualBurstZ", "spreadMemory", "spreadFromChanges", "forestChanges", "forestClip", "shingleDecay",
  "repeatWindow", "repeatEscalation", "repeatExtends", "repeatNewCause", "recurrenceHorizon", "recurrenceCount", "recurrenceRegular", "recurrenceTolerance", "recurrencePersist",
  "maxCorrections", "learnAnomalies", "learnUnconfirmed", "seasonal", "maxPeriod", "minPeriod", "seasonalZFactor", "seasonalMultiples", "driftZFactor", "driftSpan",
  "grossFaultRatio", "grossFaultZ", "grossFaultFallZ", "confirmSteps", "confirmWindow", "confirmBypassGrade", "confirmGrossUntil",
] as const satisfies readonly (keyof DetectorOverrides)[];

type AllListed<Missing extends never> = Missing;
/** Compiles only while OVERRIDE_NAMES names every option of DetectorOverrides. */
export type OverrideNamesComplete = AllListed<Exclude<keyof DetectorOverrides, (typeof OVERRIDE_NAMES)[number]>>;
