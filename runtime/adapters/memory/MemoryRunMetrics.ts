import type { RunMetricName, RunMetrics, ServiceGaugeName } from "../../ports";

/** RunMetrics kept in memory: for tests, the simulator and the CLI's end-of-run summary. */
export class MemoryRunMetrics implements RunMetrics {
  /** Counter totals and duration observations since construction (flush does not clear them). */
  readonly totals = new Map<RunMetricName, number>();
  readonly observations = new Map<RunMetricName, number[]>();
  flushes = 0;
  /** Service gauges in the order recorded. */
  readonly gauges: { service: string; name: ServiceGaugeName; value: number }[] = [];

  recordServiceGauge(service: string, name: ServiceGaugeName, value: number): void {
    this.gauges.push({ service, name, value });
  }

  record(name: RunMetricName, value: number): void {
    if (!Number.isFinite(value) || value < 0) throw new Error(`run metric ${name}: value must be a finite number >= 0, got ${value}`);
    if (name.endsWith("Ms")) this.observations.set(name, [...(this.observations.get(name) ?? []), value]);
    else this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }

  flush(): void {
    this.flushes++;
  }

  /** Total of a counter (0 if never recorded). */
  total(name: RunMetricName): number {
    return this.totals.get(name) ?? 0;
  }
}
