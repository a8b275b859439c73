/**
 * Builds the SPL that SplunkMetricSource runs, from configuration. Pure.
 *
 * - `mstats` (metrics index, what the OpenTelemetry Collector's Splunk HEC exporter writes):
 *   `| mstats avg(container.cpu.utilization) AS m0 … WHERE index="otel_metrics" AND aws.ecs.service.name="checkout" BY container.id span=60s`
 * - `events` (an event index with one event per container and interval, metric values as fields):
 *   `search index="ecs_events" aws.ecs.service.name="checkout" | bin _time span=60s | stats avg(container.cpu.utilization) AS m0 … BY _time container.id`
 *   (`stats` rather than `tstats`: tstats only sees indexed fields or accelerated data models, stats works on any event index.)
 *
 * The time range is not in the SPL: it goes in the job's earliest_time/latest_time, so Splunk prunes buckets.
 * Metric values are aliased `m0`, `m1`, … in the configured order so result fields never clash with
 * split-by fields or need quoting.
 */
export interface SplunkSearchSpec {
  readonly kind: "mstats" | "events";
  readonly index: string;
  /** Only for `events`: restricts the search to one sourcetype. */
  readonly sourcetype?: string;
  /** Metric names (mstats) or event field names (events), in feature-set order. */
  readonly metrics: readonly string[];
  /** Attribute that names the ECS service, e.g. `aws.ecs.service.name`. */
  readonly serviceField: string;
  /**
   * Attributes that together identify a container, e.g. `["container.id"]` or `["aws.ecs.task.id", "container.name"]`;
   * the container id we report is their values joined with "/". When one of them is {@link CONTAINER_NAME_FIELD}
   * (OpenTelemetry's `container.name`), its value is the container's name: the replicas of one name across the
   * service's tasks share one model.
   */
  readonly containerFields: readonly string[];
  /** Span in seconds (the feature set's step). */
  readonly stepSeconds: number;
}

/** The OpenTelemetry attribute naming a container in its task (`app`, `envoy`): the replica group. */
export const CONTAINER_NAME_FIELD = "container.name";

/** Field and metric names we put into SPL unquoted: letters, digits and `_ . : - /`, not starting with a digit. */
const NAME = /^[A-Za-z_][\w.:/-]*$/;

/** Throws an error naming the field when the spec cannot be turned into safe SPL. */
export function validateSplunkSearchSpec(spec: SplunkSearchSpec, where = "splunk search"): SplunkSearchSpec {
  if (spec.kind !== "mstats" && spec.kind !== "events") throw new Error(`${where}: "kind" must be "mstats" or "events", got "${String(spec.kind)}"`);
  if (!spec.index || /["\\\n]/.test(spec.index)) throw new Error(`${where}: "index" must be a non-empty name without quotes or backslashes, got "${spec.index}"`);
  if (spec.sourcetype !== undefined && /["\\\n]/.test(spec.sourcetype)) throw new Error(`${where}: "sourcetype" must not contain quotes or backslashes`);
  if (spec.metrics.length === 0) throw new Error(`${where}: "metrics" must list at least one metric`);
  const names: [string, string][] = [
    ...spec.metrics.map((m, i): [string, string] => [`metrics[${i}]`, m]),
    ["serviceField", spec.serviceField],
    ...spec.containerFields.map((f, i): [string, string] => [`containerFields[${i}]`, f]),
  ];
  for (const [field, name] of names) {
    if (typeof name !== "string" || !NAME.test(name)) throw new Error(`${where}: ${field} is "${String(name)}"; expected a name of letters, digits and _ . : - /`);
  }
  if (spec.containerFields.length === 0) throw new Error(`${where}: "containerFields" must list at least one attribute`);
  if (!Number.isInteger(spec.stepSeconds) || spec.stepSeconds <= 0) throw new Error(`${where}: "stepSeconds" must be a positive integer, got ${String(spec.stepSeconds)}`);
  return spec;
}

/** The result field holding metric `i`. */
export function metricAlias(i: number): string {
  return `m${i}`;
}

/** The SPL for one service. */
export function buildSplunkSearch(spec: SplunkSearchSpec, service: string): string {
  validateSplunkSearchSpec(spec);
  const aggregations = spec.metrics.map((m, i) => `avg(${m}) AS ${metricAlias(i)}`).join(" ");
  const by = spec.containerFields.join(" ");
  const serviceFilter = `${spec.serviceField}=${quote(service)}`;
  if (spec.kind === "mstats") {
    return `| mstats ${aggregations} WHERE index=${quote(spec.index)} AND ${serviceFilter} BY ${by} span=${spec.stepSeconds}s`;
  }
  const sourcetype = spec.sourcetype ? ` sourcetype=${quote(spec.sourcetype)}` : "";
  return `search index=${quote(spec.index)}${sourcetype} ${serviceFilter} | bin _time span=${spec.stepSeconds}s | stats ${aggregations} BY _time ${by}`;
}

/** An SPL string literal: double quotes, with `\` and `"` escaped. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
