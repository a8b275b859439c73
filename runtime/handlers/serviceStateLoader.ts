import { emptyTrackerState } from "../detection/incidentTracker";
import { ServiceDetector, type ServiceDetectorConfig } from "../detection/serviceDetector";
import { featureSetId } from "../model/modelIdentity";
import type { Log, RunMetrics, StateStore } from "../ports";
import type { DetectionModel } from "./detectionModel";
import { decodeDetector, decodeServiceState, detectorStateKey, SERVICE_STATE_FORMAT, type ServiceState } from "./detectorState";

/** A detector this process saved, with the version the store gave that save (see {@link loadServiceState}). */
export interface LiveDetector {
  readonly version: string;
  readonly detector: ServiceDetector;
}

/** A service's state as a run starts: the persisted parts, the live detector, and the version to save against. */
export interface LoadedServiceState {
  readonly state: Omit<ServiceState, "detector">;
  readonly detector: ServiceDetector;
  readonly version: string | undefined;
}

/** The detector configuration a deployment runs a model with. */
export function detectorConfig(model: DetectionModel, settings: { readonly replicaTtlMs: number; readonly groupTtlMs: number }): ServiceDetectorConfig {
  return {
    inputs: model.featureSet.metrics.length,
    detector: { ...model.detector, shingleSize: model.featureSet.shingleSize },
    scorer: model.scorer === "sagemaker" ? "external" : "forest",
    replicaTtlMs: settings.replicaTtlMs,
    groupTtlMs: settings.groupTtlMs,
    calibration: model.calibration,
    warmStart: model.warmStart,
  };
}

/** A fresh state for `model` (no steps scored, no incident, an empty outbox). */
export function freshState(model: DetectionModel): Omit<ServiceState, "detector"> {
  return { format: SERVICE_STATE_FORMAT, modelId: model.id, featureSetId: featureSetId(model.featureSet), tracker: emptyTrackerState(), scaling: {}, outbox: [], eventCounts: {} };
}

/**
 * Loads a service's state and rebuilds its detector. A state that cannot serve this run never stops detection
 * and is never continued silently: it is logged with the reason, counted (`stateResets`), and replaced —
 * - unreadable (truncated, corrupt, another format, wrong types): everything starts fresh;
 * - written for another model or feature set, or a detector that does not restore: a fresh detector, while
 *   open incidents, scaling pacing and undelivered alerts are kept;
 * - scored up to a step in the future: a fresh detector and tracking; only undelivered alerts are kept.
 * The stored version is kept either way, so the next save replaces the bad object (conditionally).
 *
 * `live` is the detector this process saved last for the service, if any: when the stored version is still the
 * one that save produced, that detector is the stored one (a lossless round trip) and is used without decoding.
 */
export async function loadServiceState(store: StateStore, service: string, model: DetectionModel, config: ServiceDetectorConfig, now: number, log: Log, metrics: RunMetrics | undefined, live?: LiveDetector): Promise<LoadedServiceState> {
  const key = detectorStateKey(service);
  const loaded = await store.loadBytes(key);
  const fresh = () => new ServiceDetector(config);
  if (!loaded) return { state: freshState(model), detector: fresh(), version: undefined };
  const reset = (reason: string, kept: string) => {
    log.error(`detector state replaced: ${reason}; ${kept}`, { service, key, reason });
    metrics?.record("stateResets", 1);
  };
  let decoded: ServiceState;
  try {
    decoded = decodeServiceState(loaded.value, key);
  } catch (err) {
    reset((err as Error).message, "starting a fresh detector (undelivered alerts in it, if any, are lost)");
    return { state: freshState(model), detector: fresh(), version: loaded.version };
  }
  const { detector: detectorState, ...state } = decoded;
  if (state.lastScoredStep !== undefined && state.lastScoredStep > now) {
    reset(`it has scored up to ${new Date(state.lastScoredStep).toISOString()}, after this run's time ${new Date(now).toISOString()}`, `starting a fresh detector; ${state.outbox.length} undelivered alert(s) kept`);
    return { state: { ...freshState(model), outbox: state.outbox, eventCounts: state.eventCounts }, detector: fresh(), version: loaded.version };
  }
  const fsId = featureSetId(model.featureSet);
  if (state.modelId !== model.id || state.featureSetId !== fsId) {
    const what = state.featureSetId !== fsId ? `feature set ${state.featureSetId} (deployed: ${fsId})` : `model ${state.modelId} (deployed: ${model.id})`;
    reset(`it was written for ${what}`, "starting a fresh detector; incidents, scaling and undelivered alerts kept");
    return { state: { ...state, modelId: model.id, featureSetId: fsId }, detector: fresh(), version: loaded.version };
  }
  if (live && live.version === loaded.version) return { state, detector: live.detector, version: loaded.version };
  try {
    return { state, detector: ServiceDetector.fromState(config, decodeDetector(detectorState, key)), version: loaded.version };
  } catch (err) {
    reset((err as Error).message, "starting a fresh detector; incidents, scaling and undelivered alerts kept");
    return { state, detector: fresh(), version: loaded.version };
  }
}
