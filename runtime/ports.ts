/**
 * Ports: what the handlers need from the outside world, named by role. Adapters (Splunk, Dynatrace,
 * SageMaker, SNS, ECS, S3, Vault, the simulator, files) implement them; handlers only see these.
 */
import type { IncidentEvent, MetricSample, ScalingDecision } from "./types";
import { CadError } from "./errors/CadError";

/** A half-open time range [from, to) in epoch ms. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** Where metric samples come from (Splunk, Dynatrace, the simulator, a CSV file). */
export interface MetricSource {
  /** Short name used in logs and for merge precedence (e.g. `splunk`). */
  readonly name: string;
  /**
   * All samples of `service` with from <= timestamp < to. Rejects when the source fails: never a partial result.
   * Resolves [] only when the source positively reports no data; an answer it could not use (fields missing from
   * every row, no usable value) rejects, so callers never mistake it for an empty window.
   */
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

/**
 * Where, and within which bounds, to scale a service the scaler's own configuration does not list: one found in a
 * cluster by the planner (its work message carries this).
 */
export interface ScalingTarget {
  readonly cluster: string;
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** Changes how many tasks a service runs (ECS / Application Auto Scaling, or the simulator). */
export interface Scaler {
  /** `target`: for a service found in a cluster rather than configured (its cluster and bounds). */
  describe(service: string, target?: ScalingTarget): Promise<ServiceCapacity>;
  /**
   * Applies a `scale-out` or `restore` decision (`none` is never passed). Resolves with what was done when the
   * scaler can tell (dry-run, clamped target); rejects when it refused or failed. `target` as for {@link describe}.
   */
  apply(decision: ScalingDecision, target?: ScalingTarget): Promise<ScalingOutcome | undefined>;
}

/** A stored value with the version token needed to update it safely. */
export interface Versioned<T> {
  readonly value: T;
  /** Opaque version (S3 ETag, file mtime, counter). */
  readonly version: string;
}

/** Thrown by StateStore.save when the stored version is not the expected one (another writer won). */
export class StateConflictError extends CadError {
  constructor(readonly key: string) {
    super(`state "${key}" was changed by another writer; reload and retry`, "StateConflictError");
  }
}

/**
 * Persisted state between invocations (S3 with conditional writes, files, or memory): small records as JSON
 * (checkpoints, scaler records) and detector states as bytes (a compact binary encoding). Both kinds share one
 * key space and the same conditional-write contract.
 */
export interface StateStore {
  load<T>(key: string): Promise<Versioned<T> | undefined>;
  /**
   * Writes `value` if the stored version still equals `expectedVersion` (undefined = must not exist yet);
   * rejects with StateConflictError otherwise. Returns the new version.
   */
  save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string>;
  /** The stored bytes of `key` and their version, or undefined when there is none. */
  loadBytes(key: string): Promise<Versioned<Uint8Array> | undefined>;
  /** {@link save} for bytes. */
  saveBytes(key: string, bytes: Uint8Array, expectedVersion: string | undefined): Promise<string>;
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

/**
 * One unit of fan-out work: one service, up to one planned time. Which handler runs it is the queue's (one queue per
 * kind), the kind is carried so that a message sent to the wrong queue is refused instead of run.
 */
export interface WorkMessage {
  readonly kind: "collect" | "detect";
  readonly service: string;
  /** The planned time (epoch ms, the schedule's firing time): the worker covers steps up to it, never later ones. */
  readonly through: number;
  /**
   * Set for a service the planner found in a cluster (a {@link ServiceDirectory}) rather than in the configuration:
   * its cluster and scaling bounds, which the worker uses since its own configuration does not list the service.
   */
  readonly discovered?: { readonly cluster: string; readonly minTasks: number; readonly maxTasks: number };
}

/** Where the planner puts work (SQS in AWS, an in-process queue locally). */
export interface WorkQueue {
  /** Enqueues every message, or rejects naming the services whose messages were not accepted (the rest may be). */
  send(messages: readonly WorkMessage[]): Promise<void>;
}

/**
 * A service found in an ECS cluster rather than configured, with the scaling bounds to respect: the directory's
 * defaults, or the service's own `cad:min-tasks` / `cad:max-tasks` tags.
 */
export interface DiscoveredService {
  readonly cluster: string;
  readonly service: string;
  /** Inclusive task bounds for scaling (integers, 0 <= minTasks <= maxTasks, maxTasks >= 1). */
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** Lists the services to watch besides the configured ones (every matching service of some ECS clusters, or a fixed list locally). */
export interface ServiceDirectory {
  /**
   * The services to watch now, each service name once. A service whose settings cannot be used (a malformed tag) is
   * left out with a warning naming it; rejects when the listing itself failed (never a partial list).
   */
  list(): Promise<readonly DiscoveredService[]>;
}

/** Read-only access to named secrets (HashiCorp Vault KV v2 in production). */
export interface Secrets {
  /**
   * The key/value data of the secret at `path` (e.g. `cad/splunk`; no mount, no `data/`). Every value is a string.
   * Rejects with a message naming the path and the cause (never a value) when the secret cannot be read.
   */
  read(path: string): Promise<Readonly<Record<string, string>>>;
}

/**
 * Counters and timings of one run. Counts are plain numbers of things; names ending in `Ms` are durations in
 * milliseconds (each call records one observation).
 */
export type RunMetricName =
  | "rowsProcessed"
  | "rowsSkipped"
  | "anomalies"
  | "incidentsOpened"
  | "incidentsUpdated"
  | "incidentsResolved"
  | "alertsSent"
  | "alertsFailed"
  | "scalingActions"
  | "scalingFailures"
  | "stateResets"
  | "scorerLatencyMs";

/** Model-health gauges of one watched service and run (fractions and unitless scores). */
export type ServiceGaugeName = "AnomalyRate" | "ScoreP50" | "ScoreP90" | "ScoreP99" | "ScoreMax";

/** Run metrics as the handler sees them; the adapter decides where they go (CloudWatch EMF, memory). */
export interface RunMetrics {
  /** Adds `value` to a counter, or records one duration observation (`…Ms`, milliseconds). */
  record(name: RunMetricName, value: number): void;
  /** Records a gauge of one watched ECS service (published with an `ecsService` dimension). */
  recordServiceGauge(service: string, name: ServiceGaugeName, value: number): void;
  /** Publishes what was recorded since the last flush. Call once at the end of every run, also a failed one. */
  flush(): void;
}

/**
 * What applying a scaling decision actually did. Scalers resolve with it; a refusal (deployment in progress,
 * another writer, cooldown) or an AWS failure rejects instead, so the caller records `applied: false` with the reason.
 */
export interface ScalingOutcome {
  /** True when the service's capacity setting was changed; false in dry-run or when nothing needed changing. */
  readonly applied: boolean;
  readonly dryRun: boolean;
  /** What was (or in dry-run would have been) set: desired count, or the scalable target's MinCapacity. */
  readonly target: "desired-count" | "min-capacity";
  /** The value set after clamping to bounds and the max step (tasks). */
  readonly toTasks: number;
  /** Why, in words. */
  readonly reason: string;
}
