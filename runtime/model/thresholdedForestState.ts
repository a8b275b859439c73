import type { AdaptiveThresholderState } from "./adaptiveThresholder";
import type { DriftViewState } from "./driftView";
import type { PreprocessorState } from "./preprocessor";
import type { ReplicaStream, ReplicaStreamState } from "./replicaStream";
import type { SeasonalScorerState } from "./seasonalScorer";
import type { StreamingForestState } from "./streamingForest";
import type { ThresholdedForestOptions } from "./thresholdedForestOptions";

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
