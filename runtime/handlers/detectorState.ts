import type { IncidentTrackerState } from "../detection/incidentTracker";
import type { ScalingState } from "../detection/decideScaling";
import type { IncidentEvent } from "../types";

/** Everything the detector remembers about one service between invocations (one StateStore object). */
export interface ServiceDetectorState {
  readonly format: "cad-detector-state/1";
  /** Start of the newest step already scored (epoch ms). */
  readonly lastScoredStep?: number;
  readonly tracker: IncidentTrackerState;
  readonly scaling: ScalingState;
  /** Events produced but not yet delivered: sent first on the next run, so no alert is ever lost. */
  readonly outbox: readonly IncidentEvent[];
}

export const initialDetectorState = (): ServiceDetectorState => ({ format: "cad-detector-state/1", tracker: { recent: [] }, scaling: {}, outbox: [] });

/**
 * StateStore key of a service's detector state. The name is percent-encoded, including the characters
 * `encodeURIComponent` leaves alone (`!'()*~`), so every service name gives a key the stores accept.
 */
export const detectorStateKey = (service: string): string =>
  `detector/${encodeURIComponent(service).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}.json`;
