import type { MetricSource, TimeRange } from "../../runtime/ports";
import type { MetricSample } from "../../runtime/types";

/**
 * A MetricSource over samples already loaded (a CSV file): `fetch` returns the service's samples in the
 * range, as Splunk or Dynatrace would for that window. Samples are indexed per service and sorted by time
 * once, so each fetch is a binary search plus a copy of the window.
 */
export class ReplayMetricSource implements MetricSource {
  readonly name: string;
  private readonly byService = new Map<string, MetricSample[]>();

  constructor(samples: readonly MetricSample[], name = "replay") {
    this.name = name;
    for (const s of samples) {
      let list = this.byService.get(s.service);
      if (!list) this.byService.set(s.service, (list = []));
      list.push(s);
    }
    for (const list of this.byService.values()) list.sort((a, b) => a.timestamp - b.timestamp);
  }

  /** Services present in the data, sorted. */
  services(): string[] {
    return [...this.byService.keys()].sort();
  }

  async fetch(service: string, range: TimeRange): Promise<MetricSample[]> {
    const list = this.byService.get(service);
    if (!list) return [];
    const out: MetricSample[] = [];
    for (let i = lowerBound(list, range.from); i < list.length && list[i].timestamp < range.to; i++) out.push(list[i]);
    return out;
  }
}

/** Index of the first sample with timestamp >= t. */
function lowerBound(list: readonly MetricSample[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].timestamp < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
