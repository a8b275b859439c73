import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
import type { RunMetricName, RunMetrics, ServiceGaugeName } from "../../ports";

const isDuration = (name: RunMetricName): boolean => name.endsWith("Ms");

/**
 * RunMetrics as CloudWatch embedded-metric-format lines through Powertools Metrics: counters are summed over
 * the run and published once each (unit Count); durations keep every observation (unit Milliseconds).
 * `flush` adds the run's correlation id as metadata and writes one EMF line to stdout, where Lambda's log
 * stream turns it into metrics.
 */
export class PowertoolsRunMetrics implements RunMetrics {
  private readonly counters = new Map<RunMetricName, number>();
  private readonly durations = new Map<RunMetricName, number[]>();
  private gauges: { service: string; name: ServiceGaugeName; value: number }[] = [];

  constructor(
    private readonly metrics: Metrics,
    private readonly correlationId: string,
  ) {}

  record(name: RunMetricName, value: number): void {
    if (!Number.isFinite(value) || value < 0) throw new Error(`run metric ${name}: value must be a finite number >= 0, got ${value}`);
    if (isDuration(name)) this.durations.set(name, [...(this.durations.get(name) ?? []), value]);
    else this.counters.set(name, (this.counters.get(name) ?? 0) + value);
  }

  recordServiceGauge(service: string, name: ServiceGaugeName, value: number): void {
    if (!Number.isFinite(value)) throw new Error(`gauge ${name} of "${service}": value must be finite, got ${value}`);
    this.gauges.push({ service, name, value });
  }

  flush(): void {
    // Gauges carry their own dimension, so each goes out as a single metric (one EMF line, with the default dimensions).
    for (const g of this.gauges) {
      const single = this.metrics.singleMetric();
      single.addDimension("ecsService", g.service);
      single.addMetadata("correlationId", this.correlationId);
      single.addMetric(g.name, MetricUnit.NoUnit, g.value);
    }
    this.gauges = [];
    if (this.counters.size === 0 && this.durations.size === 0) return;
    for (const [name, total] of this.counters) this.metrics.addMetric(name, MetricUnit.Count, total);
    for (const [name, values] of this.durations) for (const v of values) this.metrics.addMetric(name, MetricUnit.Milliseconds, v);
    this.metrics.addMetadata("correlationId", this.correlationId);
    this.metrics.publishStoredMetrics();
    this.counters.clear();
    this.durations.clear();
  }
}
