/**
 * Ports: what the handlers need from the outside world, named by role. Adapters (Splunk, Dynatrace,
 * SageMaker, SNS, ECS, S3, Vault, the simulator, files) implement them; handlers only see these.
 */
import type { IncidentEvent, MetricSample, ScalingDecision } from "./types";

/** A half-open time range [from, to) in epoch ms. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** Where metric samples come from (Splunk, Dynatrace, the simulator, a CSV file). */
export interface MetricSource {
  /** Short name used in logs and for merge precedence (e.g. `splunk`). */
  readonly name: string;
  /** All samples of `service` with from <= timestamp < to. Rejects when the source fails: never a partial result. */
  fetch(service: string, range: TimeRange): Promise<MetricSample[]>;
}

/** One scored feature vector. */
export interface ScoreResult {
  readonly score: number;
  /**
   * Optional per-dimension contribution to the score (same length as the vector, summing to the score).
   * Scorers that cannot explain (SageMaker) leave it out; the detector then falls back to deviations from training.
   */
  readonly attribution?: readonly number[];
}

/** Scores normalised, shingled feature vectors (SageMaker endpoint or the embedded forest). */
export interface Scorer {
  /** Returns exactly one result per vector, in order; rejects otherwise. */
  score(vectors: readonly (readonly number[])[]): Promise<ScoreResult[]>;
}

/** Receives one event per incident transition (open, update, resolve). */
export interface AlertSink {
  /** Rejects if the event could not be delivered (nor parked in a dead-letter path). */
  send(event: IncidentEvent): Promise<void>;
}

/** The capacity of a service as the scaler sees it. */
export interface ServiceCapacity {
  readonly desiredTasks: number;
  readonly runningTasks: number;
  /** True while a deployment is rolling out: no scaling then. */
  readonly deploying: boolean;
}

/** Changes how many tasks a service runs (ECS / Application Auto Scaling, or the simulator). */
export interface Scaler {
  describe(service: string): Promise<ServiceCapacity>;
  /** Applies a `scale-out` or `restore` decision; `none` is never passed. */
  apply(decision: ScalingDecision): Promise<void>;
}

/** A stored value with the version token needed to update it safely. */
export interface Versioned<T> {
  readonly value: T;
  /** Opaque version (S3 ETag, file mtime, counter). */
  readonly version: string;
}

/** Thrown by StateStore.save when the stored version is not the expected one (another writer won). */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`state "${key}" was changed by another writer; reload and retry`);
    this.name = "StateConflictError";
  }
}

/** Persisted detector state between invocations (S3 with conditional writes, files, or memory). */
export interface StateStore {
  load<T>(key: string): Promise<Versioned<T> | undefined>;
  /**
   * Writes `value` if the stored version still equals `expectedVersion` (undefined = must not exist yet);
   * rejects with StateConflictError otherwise. Returns the new version.
   */
  save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string>;
}

/** Wall clock, injected so that simulations and tests control time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Structured log, shaped so Powertools' Logger satisfies it. */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Whole-object storage (S3 in AWS, a directory or memory locally): the collector's feature-row CSV windows. */
export interface ObjectStore {
  /** Writes or replaces `key`. Resolves only once the object is stored; rejects otherwise. */
  put(key: string, body: string, contentType: string): Promise<void>;
  /** The object's text, or undefined when there is no such key. */
  get(key: string): Promise<string | undefined>;
  /** Every key that starts with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
}
