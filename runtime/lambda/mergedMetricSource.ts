/**
 * One MetricSource over several, in priority order: each fetch asks every source and merges their samples
 * (for the same container, metric and step, the first source's sample wins). Rejects when any source rejects:
 * the detector must never score a partial picture.
 */
import { mergeSources } from "../features/mergeSources";
import type { MetricSource, TimeRange } from "../ports";
import type { MetricSample } from "../types";

export function mergedMetricSource(sources: readonly MetricSource[], stepSeconds: number): MetricSource {
  if (sources.length === 0) throw new Error("mergedMetricSource: at least one source is required");
  if (sources.length === 1) return sources[0];
  return {
    name: sources.map((s) => s.name).join("+"),
    async fetch(service: string, range: TimeRange): Promise<MetricSample[]> {
      const samples = await Promise.all(sources.map((s) => s.fetch(service, range)));
      return mergeSources(sources.map((s, i) => ({ name: s.name, samples: samples[i] })), stepSeconds * 1000).samples;
    },
  };
}
