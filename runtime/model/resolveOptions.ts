import { HOLD_MODES, MAX_PULSE_STEPS, type ThresholdedForestOptions } from "./thresholdedForestOptions";

/* A detector's options as it runs with them: every default filled in (thresholdedForestOptions.ts documents each). */

/** Fills in defaults and checks every option, throwing an error that names the option. */
export function resolveOptions(o: ThresholdedForestOptions): Required<ThresholdedForestOptions> {
  const sampleSize = o.sampleSize ?? 256;
  const shingleSize = o.shingleSize ?? 8;
  const r: Required<ThresholdedForestOptions> = {
    inputs: o.inputs,
    shingleSize,
    numTrees: o.numTrees ?? 50,
    sampleSize,
    timeDecay: o.timeDecay ?? 1 / (10 * sampleSize),
    statisticsMemory: o.statisticsMemory ?? 0,
    seed: o.seed ?? 42,
    transform: o.transform ?? "normalize",
    outputAfter: o.outputAfter ?? Math.max(32, Math.floor(sampleSize / 4)),
    grossFaultRatio: o.grossFaultRatio ?? 2,
    grossFaultZ: o.grossFaultZ ?? 20,
    grossFaultFallZ: o.grossFaultFallZ ?? 0,
    zFactor: o.zFactor ?? 3,
    lowerThreshold: o.lowerThreshold ?? 1,
    clipScores: o.clipScores ?? false,
    thresholdQuantile: o.thresholdQuantile ?? 0,
    thresholdQuantileMemory: o.thresholdQuantileMemory ?? 0,
    holdStatistics: o.holdStatistics ?? 0,
    holdStatisticsMode: o.holdStatisticsMode ?? "skip",
    holdStatisticsFrom: o.holdStatisticsFrom ?? 1,
    holdStatisticsUntil: o.holdStatisticsUntil ?? 0,
    ignoreNearExpectedRelative: o.ignoreNearExpectedRelative ?? 0.01,
    ignoreNearExpectedAbsolute: o.ignoreNearExpectedAbsolute ?? 0,
    ignoreNearExpectedDeviations: o.ignoreNearExpectedDeviations ?? 0,
    ignoreNearUsualBursts: o.ignoreNearUsualBursts ?? 0,
    usualBurstZ: o.usualBurstZ ?? 0,
    spreadMemory: o.spreadMemory ?? 0,
    spreadFromChanges: o.spreadFromChanges ?? false,
    forestChanges: o.forestChanges ?? 0,
    forestClip: o.forestClip ?? 0,
    shingleDecay: o.shingleDecay ?? 1,
    repeatWindow: o.repeatWindow ?? shingleSize,
    repeatEscalation: o.repeatEscalation ?? 1,
    repeatExtends: o.repeatExtends ?? false,
    repeatNewCause: o.repeatNewCause ?? false,
    recurrenceHorizon: o.recurrenceHorizon ?? 0,
    recurrenceCount: o.recurrenceCount ?? 2,
    recurrenceRegular: o.recurrenceRegular ?? false,
    recurrenceTolerance: o.recurrenceTolerance ?? 0.25,
    recurrencePersist: o.recurrencePersist ?? 0,
    maxCorrections: o.maxCorrections ?? shingleSize,
    learnAnomalies: o.learnAnomalies ?? true,
    learnUnconfirmed: o.learnUnconfirmed ?? true,
    seasonal: o.seasonal ?? false,
    maxPeriod: o.maxPeriod ?? 512,
    minPeriod: o.minPeriod ?? Math.max(4, 2 * shingleSize),
    seasonalZFactor: o.seasonalZFactor ?? 6,
    seasonalMultiples: o.seasonalMultiples ?? false,
    driftZFactor: o.driftZFactor ?? 0,
    driftSpan: o.driftSpan ?? 32,
    confirmSteps: o.confirmSteps ?? 1,
    confirmWindow: o.confirmWindow ?? 1,
    confirmBypassGrade: o.confirmBypassGrade ?? 1,
    confirmGrossUntil: o.confirmGrossUntil ?? 0,
    pulseMinSteps: o.pulseMinSteps ?? 0,
    pulseMaxSteps: o.pulseMaxSteps ?? 0,
    scorer: o.scorer ?? "forest",
  };
  const int = (name: keyof ThresholdedForestOptions, min: number) => {
    const value = r[name];
    if (!Number.isInteger(value) || (value as number) < min) throw new Error(`${name} must be an integer >= ${min}, got ${String(value)}`);
  };
  int("inputs", 1);
  int("shingleSize", 1);
  int("numTrees", 1);
  int("sampleSize", 2);
  int("outputAfter", 0);
  int("repeatWindow", 0);
  int("recurrenceHorizon", 0);
  int("recurrenceCount", 1);
  int("maxCorrections", 0);
  int("holdStatistics", 0);
  int("holdStatisticsFrom", 1);
  int("holdStatisticsUntil", 0);
  int("maxPeriod", 2);
  int("minPeriod", 2);
  if (o.minPeriod !== undefined && r.minPeriod > r.maxPeriod) throw new Error(`minPeriod (${r.minPeriod}) must not exceed maxPeriod (${r.maxPeriod})`);
  int("confirmSteps", 1);
  int("confirmWindow", 1);
  if (r.confirmWindow > 32) throw new Error(`confirmWindow must be at most 32, got ${r.confirmWindow}`);
  if (!(r.confirmBypassGrade > 0 && r.confirmBypassGrade <= 1)) throw new Error(`confirmBypassGrade must be in (0, 1], got ${r.confirmBypassGrade}`);
  int("confirmGrossUntil", 0);
  int("pulseMinSteps", 0);
  int("pulseMaxSteps", 0);
  if (r.pulseMaxSteps > 0 && !(r.pulseMinSteps >= 1 && r.pulseMinSteps <= r.pulseMaxSteps)) throw new Error(`pulseMinSteps (${r.pulseMinSteps}) must be from 1 to pulseMaxSteps (${r.pulseMaxSteps}) when pulseMaxSteps is set`);
  if (r.pulseMaxSteps > MAX_PULSE_STEPS) throw new Error(`pulseMaxSteps must be at most ${MAX_PULSE_STEPS}, got ${r.pulseMaxSteps}`);
  if (r.confirmSteps > r.confirmWindow) throw new Error(`confirmSteps (${r.confirmSteps}) must not exceed confirmWindow (${r.confirmWindow})`);
  if (!(r.forestChanges >= 0 && Number.isFinite(r.forestChanges))) throw new Error(`forestChanges must be a finite number >= 0 (0: changes not in the forest's point), got ${r.forestChanges}`);
  if (!(r.forestClip === 0 || (r.forestClip >= 1 && Number.isFinite(r.forestClip)))) throw new Error(`forestClip must be 0 (unclipped) or a finite number of deviations >= 1, got ${r.forestClip}`);
  if (!(r.shingleDecay > 0 && r.shingleDecay <= 1)) throw new Error(`shingleDecay must be in (0, 1] (1: every step of the shingle alike), got ${r.shingleDecay}`);
  if (!(r.timeDecay >= 0 && r.timeDecay < 1)) throw new Error(`timeDecay must be in [0, 1), got ${r.timeDecay}`);
  if (!(r.ignoreNearExpectedRelative >= 0) || !(r.ignoreNearExpectedAbsolute >= 0) || !(r.ignoreNearExpectedDeviations >= 0) || !(r.ignoreNearUsualBursts >= 0 && Number.isFinite(r.ignoreNearUsualBursts))) {
    throw new Error("ignoreNearExpectedRelative, ignoreNearExpectedAbsolute, ignoreNearExpectedDeviations and ignoreNearUsualBursts must be finite numbers >= 0");
  }
  if (!(r.usualBurstZ >= 0 && Number.isFinite(r.usualBurstZ))) throw new Error(`usualBurstZ must be a finite number >= 0 (0: off), got ${r.usualBurstZ}`);
  if (!(r.statisticsMemory === 0 || (r.statisticsMemory >= 1 && Number.isFinite(r.statisticsMemory)))) throw new Error(`statisticsMemory must be 0 (the sample's memory) or a finite number >= 1, got ${r.statisticsMemory}`);
  if (!(r.spreadMemory === 0 || (r.spreadMemory >= 1 && Number.isFinite(r.spreadMemory)))) throw new Error(`spreadMemory must be 0 (the statistics' memory) or a finite number >= 1, got ${r.spreadMemory}`);
  if (!(r.repeatEscalation >= 0)) throw new Error(`repeatEscalation must be >= 0, got ${r.repeatEscalation}`);
  for (const flag of ["repeatExtends", "repeatNewCause", "recurrenceRegular", "learnAnomalies", "learnUnconfirmed", "seasonal", "seasonalMultiples", "clipScores", "spreadFromChanges"] as const) {
    if (typeof r[flag] !== "boolean") throw new Error(`${flag} must be true or false, got ${String(r[flag])}`);
  }
  if (!(r.recurrenceTolerance >= 0)) throw new Error(`recurrenceTolerance must be >= 0, got ${r.recurrenceTolerance}`);
  if (!(r.recurrencePersist === 0 || (Number.isInteger(r.recurrencePersist) && r.recurrencePersist >= 2 && r.recurrencePersist <= 32))) {
    throw new Error(`recurrencePersist must be 0 (never) or an integer from 2 to 32 (steps in a row), got ${r.recurrencePersist}`);
  }
  if (!(r.driftZFactor >= 0) || !Number.isFinite(r.driftZFactor)) throw new Error(`driftZFactor must be a finite number >= 0, got ${r.driftZFactor}`);
  if (!(r.driftSpan >= 1) || !Number.isFinite(r.driftSpan)) throw new Error(`driftSpan must be a finite number >= 1, got ${r.driftSpan}`);
  if (!(r.seasonalZFactor > 0)) throw new Error(`seasonalZFactor must be > 0, got ${r.seasonalZFactor}`);
  if (!(r.grossFaultRatio >= 0) || !Number.isFinite(r.grossFaultRatio)) throw new Error(`grossFaultRatio must be a finite number >= 0, got ${r.grossFaultRatio}`);
  if (!(r.grossFaultZ >= 0) || !Number.isFinite(r.grossFaultZ)) throw new Error(`grossFaultZ must be a finite number >= 0, got ${r.grossFaultZ}`);
  if (!(r.grossFaultFallZ >= 0) || !Number.isFinite(r.grossFaultFallZ)) throw new Error(`grossFaultFallZ must be a finite number >= 0 (0: off), got ${r.grossFaultFallZ}`);
  if (!(r.zFactor > 0)) throw new Error(`zFactor must be > 0, got ${r.zFactor}`);
  if (!(r.thresholdQuantile === 0 || (r.thresholdQuantile >= 0.5 && r.thresholdQuantile < 1))) throw new Error(`thresholdQuantile must be 0 (off) or in [0.5, 1), got ${r.thresholdQuantile}`);
  if (!(r.thresholdQuantileMemory === 0 || (r.thresholdQuantileMemory >= 1 && Number.isFinite(r.thresholdQuantileMemory)))) throw new Error(`thresholdQuantileMemory must be 0 (the statistics' memory) or a finite number >= 1, got ${r.thresholdQuantileMemory}`);
  if (!Number.isFinite(r.lowerThreshold)) throw new Error(`lowerThreshold must be a finite number, got ${r.lowerThreshold}`);
  if (!HOLD_MODES.includes(r.holdStatisticsMode)) throw new Error(`holdStatisticsMode must be "skip" or "clip", got ${JSON.stringify(r.holdStatisticsMode)}`);
  if (r.scorer !== "forest" && r.scorer !== "external") throw new Error(`scorer must be "forest" or "external", got ${JSON.stringify(r.scorer)}`);
  return r;
}
