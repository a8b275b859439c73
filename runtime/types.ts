/**
 * The domain vocabulary shared by every part of the runtime. Pure data: no behaviour, no I/O.
 *
 * Units: timestamps are epoch milliseconds (UTC); durations carry their unit in the name
 * (`stepSeconds`, `cooldownMs`).
 */

/** One observation of one metric of one container, as a metric source reports it. */
export interface MetricSample {
  /** ECS service name (the unit we detect, alert and scale on). */
  readonly service: string;
  /**
   * Container identity within the service, stable for the life of the container and unique across its tasks
   * (e.g. `<task id>/<container name>`, or a container id).
   */
  readonly container: string;
  /**
   * The container's name in its task definition (OpenTelemetry `container.name`): replicas of one name across
   * tasks share what normal is. Absent when the source does not say: all such containers form one group.
   */
  readonly containerName?: string;
  /** Metric name as configured in the feature set (e.g. `container.cpu.utilization`). */
  readonly metric: string;
  /** Epoch milliseconds of the observation. */
  readonly timestamp: number;
  readonly value: number;
  /** Which source produced the sample (e.g. `splunk`, `dynatrace`, `sim`); used to resolve merges. */
  readonly source?: string;
}

/** What a metric means to the detector; decisions (scale or only alert) are taken on roles, not names. */
export type MetricRole = "cpu" | "memory" | "network-rx" | "network-tx" | "restarts" | "throttling" | "latency" | "other";

/** One container at one step: every metric of the feature set in its configured order. */
export interface FeatureRow {
  readonly service: string;
  readonly container: string;
  /** The container's name (replica group), when the source gave one. */
  readonly containerName?: string;
  /** Start of the step, epoch ms, aligned to a multiple of the step. */
  readonly timestamp: number;
  /** Raw (not normalised) values in the feature set's metric order. NaN only when `gap` is true. */
  readonly values: readonly number[];
  /** Number of values filled from a neighbouring step because of a short gap. */
  readonly filled: number;
  /** True when at least one metric is missing for longer than the fill limit: the row must not be scored. */
  readonly gap: boolean;
}

/** How much one metric contributed to an anomaly, with the value seen and the value the detector expected. */
export interface MetricAttribution {
  readonly metric: string;
  readonly role: MetricRole;
  /** Unit of the metric's values (from the feature set), e.g. "%", "MiB", "ms"; absent when not configured. */
  readonly unit?: string;
  /** Share of the anomaly score attributed to this metric, in [0, 1]; shares of one anomaly sum to 1. */
  readonly share: number;
  readonly value: number;
  /** What the detector expected the value to be at that step (same unit). */
  readonly expected: number;
  /** (value − expected) in the metric's recent standard deviations: signed, so "up" and "down" differ. */
  readonly deviation: number;
}

/** One container at one step that the detector found anomalous. */
export interface Anomaly {
  readonly service: string;
  readonly container: string;
  /** The container's name (replica group); "" when the source gives none. */
  readonly containerName: string;
  readonly timestamp: number;
  /** Raw score (forest or SageMaker endpoint). */
  readonly score: number;
  /** Adaptive score threshold in force at that step. */
  readonly threshold: number;
  /** Anomaly grade in (0, 1]: how far beyond the threshold (1 − threshold / excess, as the reference TRCF grades). */
  readonly grade: number;
  /** How much data the grade rests on, in [0, 1]. */
  readonly confidence: number;
  /** Continuous anomaly likelihood in [0, 1) for ranking (1/2 at the threshold). */
  readonly likelihood: number;
  /** The detector's decision at this step: an alert for this container (not only an anomalous step of an ongoing one). */
  readonly alert: boolean;
  /** The detector withheld this step's alert as a recurrence of a recent alert of the same shape. */
  readonly recurrence?: boolean;
  /**
   * The alert ends a pulse: a metric jumped this many steps before and has now come back (the jump is the anomaly).
   * The attribution then shows each metric's value during the pulse (at its last step) against the value it came
   * back to.
   */
  readonly pulse?: number;
  /** With `pulse`: when the pulse began (the jump), `pulse` steps of the feature set's grid before `timestamp`. */
  readonly pulseStart?: number;
  /** Metrics ordered by descending share. */
  readonly attribution: readonly MetricAttribution[];
}

/** What an incident most likely is, judged from the metrics that drive it. Decides whether scaling can help. */
export type IncidentKind = "saturation" | "memory-leak" | "crash-loop" | "cpu-throttling" | "network" | "unknown";

/** A group of anomalies of one service that belong together in time. Alerts are sent per incident, not per anomaly. */
export interface Incident {
  /** Stable id: `<service>:<start>`. */
  readonly id: string;
  readonly service: string;
  readonly status: "open" | "resolved";
  readonly kind: IncidentKind;
  /** Timestamp of the first anomalous step (for an incident a pulse opened, the pulse's jump). */
  readonly start: number;
  /**
   * Set when a pulse's end opened the incident: the step the metrics came back, when it was raised. Until a later
   * anomaly, what it reports is over (scaling holds).
   */
  readonly pulseEnd?: number;
  /** Timestamp of the last anomalous step seen so far. */
  readonly lastAnomalyAt: number;
  /** Set when resolved: the first step of the quiet period that closed it. */
  readonly resolvedAt?: number;
  readonly containers: readonly string[];
  /** The container names (replica groups) of those containers, sorted; "" for containers without a name. */
  readonly containerNames: readonly string[];
  readonly anomalyCount: number;
  readonly peakScore: number;
  readonly peakGrade: number;
  /** The detector's confidence at the anomaly of the peak grade, in [0, 1]. */
  readonly confidence: number;
  readonly threshold: number;
  /** Top contributing metrics over the incident (aggregated shares, descending). */
  readonly topMetrics: readonly MetricAttribution[];
}

/** What the decision logic wants done to a service's task count, and why. */
export interface ScalingDecision {
  readonly service: string;
  readonly action: "scale-out" | "restore" | "none";
  readonly fromTasks: number;
  readonly toTasks: number;
  /** Human-readable reason, always set, also for `none`. */
  readonly reason: string;
  readonly incidentId?: string;
}

/** What the alert sink receives: one event per incident transition. */
export interface IncidentEvent {
  /**
   * Stable event id, `<incident id>#<n>` (n = 1 for the open event, then one more per event of the incident):
   * the same event re-sent after a failure carries the same id, so receivers can drop duplicates.
   */
  readonly id: string;
  /**
   * `open`, `update`s, one `resolve`; then, when the incident scaled the service out, one `restore` when the task
   * count goes back to its baseline (carrying the scaling decision).
   */
  readonly type: "open" | "update" | "resolve" | "restore";
  readonly incident: Incident;
  /** The scaling decision taken with this event, and whether applying it worked. */
  readonly scaling?: ScalingDecision & { readonly applied: boolean; readonly dryRun?: boolean; readonly error?: string };
  /** Epoch ms when the event was produced. */
  readonly at: number;
  /**
   * The operators' alert rules that changed this event, so on call sees why: `maintenance:<window>` (sent during a
   * tagging window, or an incident resolved by a suppressing one), `deployment` (the service was deploying),
   * `metric:<name>` (a metric rule left anomalies of this step out). Absent when no rule applied.
   */
  readonly rules?: readonly string[];
  /**
   * The operators' feedback marks that shaped this event's step (runtime/detection/feedback.ts): a mark's
   * incident, its verdict and what it did. Absent when no mark applied.
   */
  readonly feedback?: readonly FeedbackTag[];
  /**
   * Set when the service's calendar shaped what was expected at the event's step: the calendar's level there
   * (expected traffic relative to its level-1 hours; expected values of load-like metrics are scaled by it) and
   * the holiday, if the local date is one. Absent without a calendar, and at level-1 hours of ordinary days.
   */
  readonly calendar?: { readonly level: number; readonly holiday?: string };
}

/** An operator's verdict on an incident. */
export type FeedbackVerdict = "false-alarm" | "real" | "expected";

/**
 * What a feedback mark did at a step: `suppressed` (matching anomalies left out of incidents), `larger` (they
 * matched a false-alarm / expected mark but deviated at least 3× as far, so they counted), `protected` (they
 * matched a real mark and counted whatever the metric rules and other marks said).
 */
export type FeedbackEffect = "suppressed" | "larger" | "protected";

/** The feedback an alert event carries: which mark shaped it and how. */
export interface FeedbackTag {
  readonly incidentId: string;
  readonly verdict: FeedbackVerdict;
  readonly effect: FeedbackEffect;
}
