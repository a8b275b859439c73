import type { MetricSource, TimeRange } from "../../runtime/ports";
import type { MetricSample } from "../../runtime/types";
import { containerIdsOf, generatedValue, stepsIn, type GeneratedFleet } from "../servers/containerMetricsGenerator";

/**
 * An in-process MetricSource over the seeded generator, for handler tests where the source is not what is
 * being tested. `failNext` makes the next fetch reject; `calls` records every range asked for.
 */
export class GeneratedMetricSource implements MetricSource {
  readonly calls: { service: string; range: TimeRange }[] = [];
  failNext: Error | undefined;

  constructor(
    readonly name: string,
    private readonly fleet: GeneratedFleet,
    private readonly metrics: readonly string[],
    private readonly stepMs = 60_000,
  ) {}

  async fetch(service: string, range: TimeRange): Promise<MetricSample[]> {
    this.calls.push({ service, range });
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    if (!this.fleet.services.includes(service)) return [];
    const out: MetricSample[] = [];
    for (const container of containerIdsOf(this.fleet, service)) {
      for (const metric of this.metrics) {
        for (const t of stepsIn(range.from, range.to, this.stepMs)) {
          out.push({ service, container, metric, timestamp: t, value: generatedValue(this.fleet, service, container, metric, t), source: this.name });
        }
      }
    }
    return out;
  }
}
