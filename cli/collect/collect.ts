import { DynatraceMetricSource } from "../../runtime/adapters/dynatrace/DynatraceMetricSource";
import { SplunkMetricSource } from "../../runtime/adapters/splunk/SplunkMetricSource";
import { alignSamples } from "../../runtime/features/alignSamples";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { mergeSources, type MergeReport } from "../../runtime/features/mergeSources";
import type { MetricSource, TimeRange } from "../../runtime/ports";
import type { FeatureRow, MetricSample } from "../../runtime/types";
import { CliError } from "../cliError";

/** Per-source figures of one collection. */
export interface SourceSummary {
  readonly name: string;
  readonly samples: number;
  /** Feature rows this source alone would give. */
  readonly rows: number;
  /** Rows or points the source skipped (bad values, duplicates, …), from its fetch reports. */
  readonly skipped: number;
}

export interface CollectOutcome {
  readonly range: TimeRange;
  readonly perSource: SourceSummary[];
  readonly rows: FeatureRow[];
  readonly merge: MergeReport;
}

/** Longest span one source query covers; longer ranges are read in chunks (Dynatrace coarsens long 1m queries). */
export const COLLECT_CHUNK_MS = 6 * 3600_000;

/**
 * Fetches every service from every source (sources in parallel, each in chunks of COLLECT_CHUNK_MS), then
 * merges (first source wins) and aligns. Any source failure fails the whole collection: a partial CSV is
 * never written.
 */
export async function collect(sources: readonly MetricSource[], services: readonly string[], range: TimeRange, fs: FeatureSet): Promise<CollectOutcome> {
  const chunks: TimeRange[] = [];
  for (let from = range.from; from < range.to; from += COLLECT_CHUNK_MS) chunks.push({ from, to: Math.min(range.to, from + COLLECT_CHUNK_MS) });
  const perSource = await Promise.all(
    sources.map(async (source) => {
      const samples: MetricSample[] = [];
      let skipped = 0;
      for (const service of services) {
        for (const chunk of chunks) {
          try {
            samples.push(...(await source.fetch(service, chunk)));
          } catch (err) {
            throw new CliError(`${source.name} failed for service "${service}": ${err instanceof Error ? err.message : String(err)}`);
          }
          skipped += skippedBy(source);
        }
      }
      return { source, samples, skipped };
    }),
  );
  const rowsOf = (samples: MetricSample[]): FeatureRow[] => (samples.length > 0 ? alignSamples(samples, fs, range).rows : []);
  const merged = mergeSources(
    perSource.map((p) => ({ name: p.source.name, samples: p.samples })),
    fs.stepSeconds * 1000,
  );
  return {
    range,
    perSource: perSource.map((p) => ({ name: p.source.name, samples: p.samples.length, rows: rowsOf(p.samples).length, skipped: p.skipped })),
    rows: rowsOf(merged.samples),
    merge: merged.report,
  };
}

/** What the source's last fetch skipped, for the adapters that report it. */
function skippedBy(source: MetricSource): number {
  if (source instanceof SplunkMetricSource && source.lastReport) {
    const r = source.lastReport;
    return r.badTime + r.missingContainer + r.outOfRange + r.nonNumeric + r.duplicates;
  }
  if (source instanceof DynatraceMetricSource && source.lastReport) {
    const r = source.lastReport;
    return r.nonNumeric + r.missingDimension + r.malformedSeries + r.outOfRange + r.duplicates;
  }
  return 0;
}
