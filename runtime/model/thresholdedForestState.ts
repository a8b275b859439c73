import { AdaptiveThresholder, type AdaptiveThresholderState } from "./adaptiveThresholder";
import { withDecisions } from "./decisionOptions";
import type { DriftViewState } from "./driftView";
import { Preprocessor, type PreprocessorState } from "./preprocessor";
import type { ReplicaStream, ReplicaStreamState } from "./replicaStream";
import { resolveOptions } from "./resolveOptions";
import { SeasonalScorer, type SeasonalScorerState } from "./seasonalScorer";
import { StatisticsHold, type StatisticsHoldState } from "./statisticsHold";
import { StreamingForest, type StreamingForestState } from "./streamingForest";
import { seasonalOptions, spreadOptions, type ThresholdedForestOptions } from "./thresholdedForestOptions";

/* The shapes a ThresholdedForest (thresholdedForest.ts) takes in and saves: a step's input per series, and its state. */

/** One series' input of a step: its values and, with an external scorer, the raw score of its vector. */
export interface StepInput {
  readonly series: ReplicaStream;
  readonly values: ArrayLike<number>;
  /** Raw score from an external model (required for a scored step when options.scorer is "external"). */
  readonly score?: number;
}

export interface ThresholdedForestState {
  readonly format: "cad-trcf/2";
  readonly options: Required<ThresholdedForestOptions>;
  /** Steps at which at least one series was scored. */
  readonly updates: number;
  /** The streaming forest; absent with an external scorer. */
  readonly forest?: StreamingForestState;
  readonly preprocessor: PreprocessorState;
  readonly thresholder: AdaptiveThresholderState;
  /** The seasonal view's state; present exactly when options.seasonal is true. */
  readonly seasonal?: SeasonalScorerState;
  /** The drift view's state; absent when the drift view is off (or in a state saved before it existed). */
  readonly drift?: DriftViewState;
  /** The built-in single series of ThresholdedForest.process, once used. */
  readonly series?: ReplicaStreamState;
  /** Consecutive anomalous steps whose scores were held (options.holdStatistics; absent: 0). */
  readonly held?: number;
  /** The threshold in force when the held run began (present while `held` > 0). */
  readonly heldThreshold?: number;
}

/** The parts a saved detector is rebuilt from, each restored and checked against the options it runs with. */
export interface RestoredParts {
  readonly options: Required<ThresholdedForestOptions>;
  readonly forest: StreamingForest | null;
  readonly pre: Preprocessor;
  readonly thresholder: AdaptiveThresholder;
  readonly seasonal: SeasonalScorer | null;
  readonly hold: StatisticsHoldState | undefined;
}

/**
 * Restores a saved detector's parts. With `profile` (the deployment's settings), its decision options
 * (decisionOptions.ts) replace the saved ones. Throws an error naming the part that does not fit.
 */
export function restoredParts(state: ThresholdedForestState, profile?: Partial<ThresholdedForestOptions>): RestoredParts {
  if (state === null || typeof state !== "object" || state.format !== "cad-trcf/2") {
    throw new Error(`not a detector state: expected format "cad-trcf/2", got ${JSON.stringify((state as { format?: unknown } | null)?.format)}`);
  }
  const options = resolveOptions(withDecisions(state.options, profile));
  if ((options.scorer === "forest") !== (state.forest !== undefined)) throw new Error(`detector state: the scorer is "${options.scorer}" but a forest is ${state.forest ? "present" : "absent"}`);
  const forest = state.forest ? StreamingForest.fromState(state.forest) : null;
  const pre = Preprocessor.fromState(state.preprocessor, spreadOptions(options));
  if (pre.inputs !== options.inputs) throw new Error(`detector state: the preprocessor has ${pre.inputs} inputs, options say ${options.inputs}`);
  const thresholder = AdaptiveThresholder.fromState(state.thresholder);
  if (options.seasonal !== (state.seasonal !== undefined)) throw new Error(`detector state: options.seasonal is ${options.seasonal} but the seasonal state is ${state.seasonal ? "present" : "absent"}`);
  const seasonal = state.seasonal ? SeasonalScorer.fromState(seasonalOptions(options), state.seasonal) : null;
  if (!Number.isInteger(state.updates) || state.updates < 0) throw new Error(`detector state: updates must be an integer >= 0, got ${String(state.updates)}`);
  const hold = StatisticsHold.checkState(state.held, state.heldThreshold);
  return { options, forest, pre, thresholder, seasonal, hold };
}
