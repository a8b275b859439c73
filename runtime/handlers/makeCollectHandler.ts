import { alignSamples, type AlignmentReport } from "../features/alignSamples";
import { formatFeatureRowsCsv } from "../features/featureRowCsv";
import { validateFeatureSet, type FeatureSet } from "../features/featureSet";
import { mergeSources, type MergeReport } from "../features/mergeSources";
import type { Clock, Log, MetricSource, ObjectStore, StateStore, TimeRange, WorkMessage } from "../ports";
import type { MetricSample } from "../types";
import { CadError } from "../errors/CadError";
import { errorMessage } from "../errors/errorMessage";

/** Bounds of what one collector run reads. All in milliseconds. */
export interface CollectLimits {
  /**
   * How far back the collector ever goes. A checkpoint older than this (the collector was down) is moved
   * forward to `now - maxLagMs`, and the skipped span is logged as a known gap. Default 24 h.
   */
  readonly maxLagMs: number;
  /** Longest window per object (and per source query). Default 1 h. */
  readonly maxWindowMs: number;
  /** Steps younger than this are not collected yet: sources need time to ingest late data. Default 5 min. */
  readonly settleMs: number;
  /** Windows per service per run, so a catch-up fits in one Lambda timeout. Default 6. */
  readonly maxWindowsPerRun: number;
}

export const DEFAULT_COLLECT_LIMITS: CollectLimits = { maxLagMs: 24 * 3600_000, maxWindowMs: 3600_000, settleMs: 5 * 60_000, maxWindowsPerRun: 6 };

export interface CollectHandlerDeps {
  /** Sources in priority order: for the same container, metric and step, the first one's sample wins. */
  readonly sources: readonly MetricSource[];
  /** The configured services. */
  readonly services: readonly string[];
  /** Lets the queue worker collect services the planner found in these ECS clusters; unset, only configured ones. */
  readonly discoveredClusters?: readonly string[];
  readonly featureSet: FeatureSet;
  readonly objects: ObjectStore;
  readonly state: StateStore;
  readonly clock: Clock;
  readonly log: Log;
  readonly limits?: Partial<CollectLimits>;
}

/** The collector's checkpoint per service: everything before `through` has been written. */
export interface CollectorCheckpoint {
  /** Exclusive end of the last window written, epoch ms, on a step boundary. */
  readonly through: number;
  /** Object key of that window (for people reading the state). */
  readonly lastKey: string;
}

/** One window written. */
export interface CollectedWindow {
  readonly service: string;
  readonly range: TimeRange;
  readonly key: string;
  readonly rows: number;
  readonly gapRows: number;
  readonly samplesBySource: Readonly<Record<string, number>>;
  readonly merge: MergeReport;
  readonly alignment?: AlignmentReport;
}

export interface CollectResult {
  readonly windows: CollectedWindow[];
  /** Per service, ms skipped because the checkpoint was older than maxLagMs (0 normally). */
  readonly skippedMs: Readonly<Record<string, number>>;
}

/** Thrown when a source fails: nothing is written for that window and the checkpoint stays. */
export class CollectError extends CadError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "CollectError", options);
  }
}

/** State key of a service's checkpoint. */
export function checkpointKey(service: string): string {
  return `collector/checkpoint/${encodeURIComponent(service)}`;
}

/**
 * Object key of the window starting at `from`: `metrics/service=<svc>/date=YYYY-MM-DD/<start>.csv`, the start
 * as `YYYY-MM-DDTHH-MM-SSZ` (sortable, and safe as a file name too). One key per window start makes a retry
 * overwrite its earlier attempt instead of adding a second copy.
 */
export function featureWindowKey(service: string, from: number): string {
  const iso = new Date(from).toISOString();
  return `metrics/service=${encodeURIComponent(service)}/date=${iso.slice(0, 10)}/${iso.slice(0, 19).replace(/:/g, "-")}Z.csv`;
}

/**
 * The collector: per service, reads the windows since its checkpoint from every source, merges and aligns
 * them into feature rows, writes each window as one CSV object, and only then advances the checkpoint.
 *
 * Guarantees: a failing source rejects the run (Lambda retries / DLQ) with nothing written for that window and
 * the checkpoint where it was (the other services are still collected first, so one broken service does not
 * starve the rest) — also a source whose answer could not be used (rows without the requested fields, no usable
 * value): the checkpoint only passes a window without rows when every source positively reported no data for it;
 * a crash after the write but before the checkpoint makes the next run rewrite the same key from the same
 * start, so there is no gap and no duplicate row; two concurrent runs cannot both advance a checkpoint
 * (StateStore's version check).
 */
export function makeCollectHandler(deps: CollectHandlerDeps): () => Promise<CollectResult> {
  const collection = makeServiceCollection(deps);
  return async () => {
    const windows: CollectedWindow[] = [];
    const skippedMs: Record<string, number> = {};
    const failures: { service: string; error: unknown }[] = [];
    const now = deps.clock.now();
    // One service failing must not starve the others: each is collected, then the run fails if any did.
    for (const service of deps.services) {
      try {
        const done = await collection.run(service, now);
        windows.push(...done.windows);
        skippedMs[service] = done.skippedMs;
      } catch (error) {
        failures.push({ service, error });
      }
    }
    if (failures.length === 1) throw failures[0].error;
    if (failures.length > 1) {
      const text = failures.map((f) => (errorMessage(f.error))).join(" || ");
      throw new CollectError(`collector: ${failures.length} services failed: ${text}`, { cause: failures[0].error });
    }
    return { windows, skippedMs };
  };
}

/** What collecting one service did. */
export interface ServiceCollectResult {
  readonly windows: readonly CollectedWindow[];
  /** Ms skipped because the checkpoint was older than maxLagMs (0 normally). */
  readonly skippedMs: number;
}

/** Collection of one service at a time, with the deps checked once: what the scheduled handler and the queue worker share. */
export interface ServiceCollection {
  readonly services: readonly string[];
  /**
   * Collects `service` from its checkpoint up to the settled end at `now` (epoch ms), or at `through` when a queued
   * message bounds it (never later than `now`'s). A checkpoint already there (a redelivered or an older message)
   * writes nothing. Rejects for a service not configured (nor found in an allowed cluster, per `discovered`, a work
   * message's), or when a source failed (checkpoint unchanged).
   */
  run(service: string, now: number, through?: number, discovered?: WorkMessage["discovered"]): Promise<ServiceCollectResult>;
}

/** Validates `deps` (feature set, limits, sources, services) and returns the per-service collection. */
export function makeServiceCollection(deps: CollectHandlerDeps): ServiceCollection {
  const fs = validateFeatureSet(deps.featureSet, "collector feature set");
  const limits: CollectLimits = { ...DEFAULT_COLLECT_LIMITS, ...deps.limits };
  const stepMs = fs.stepSeconds * 1000;
  for (const [name, value] of Object.entries(limits)) {
    const min = name === "settleMs" ? 0 : 1;
    if (!Number.isInteger(value) || value < min) throw new Error(`collector limits: "${name}" must be an integer >= ${min}, got ${String(value)}`);
  }
  if (limits.maxWindowMs % stepMs !== 0) throw new Error(`collector limits: "maxWindowMs" (${limits.maxWindowMs}) must be a multiple of the step (${stepMs} ms)`);
  if (deps.sources.length === 0) throw new Error("collector: no metric sources configured");
  if (deps.services.length === 0 && (deps.discoveredClusters ?? []).length === 0) throw new Error("collector: no services configured");
  const known = new Set(deps.services);
  const settledEnd = (t: number) => Math.floor((t - limits.settleMs) / stepMs) * stepMs;
  return {
    services: [...deps.services],
    run: async (service, now, through, discovered) => {
      const found = discovered !== undefined && (deps.discoveredClusters ?? []).includes(discovered.cluster);
      if (!known.has(service) && !found) throw new CollectError(`collector: service "${service}" is not configured for collection`);
      const end = through === undefined ? settledEnd(now) : Math.min(settledEnd(now), settledEnd(through));
      const floor = settledEnd(now) - Math.ceil(limits.maxLagMs / stepMs) * stepMs;
      const windows: CollectedWindow[] = [];
      const skippedMs = await collectService(deps, fs, limits, service, end, floor, (w) => windows.push(w));
      return { windows, skippedMs };
    },
  };
}

/** Collects the windows of one service from its checkpoint up to `end`; returns the ms skipped by the max-lag bound. */
async function collectService(deps: CollectHandlerDeps, fs: FeatureSet, limits: CollectLimits, service: string, end: number, floor: number, written: (w: CollectedWindow) => void): Promise<number> {
  const stepMs = fs.stepSeconds * 1000;
  const key = checkpointKey(service);
  const loaded = await deps.state.load<CollectorCheckpoint>(key);
  let version = loaded?.version;
  let start: number;
  if (loaded) {
    start = loaded.value.through;
    if (!Number.isInteger(start) || start % stepMs !== 0) {
      throw new CollectError(`collector: checkpoint "${key}" has through=${JSON.stringify(start)}, expected epoch ms on a ${fs.stepSeconds}-second step boundary`);
    }
  } else {
    start = Math.max(floor, end - limits.maxWindowMs);
  }
  let skipped = 0;
  if (start < floor) {
    skipped = floor - start;
    deps.log.warn("collector: checkpoint is older than maxLagMs; the span in between is skipped (a known gap)", {
      service,
      checkpoint: new Date(start).toISOString(),
      resumeAt: new Date(floor).toISOString(),
      skippedMs: skipped,
    });
    start = floor;
  }
  for (let n = 0; n < limits.maxWindowsPerRun && start < end; n++) {
    const range = { from: start, to: Math.min(end, start + limits.maxWindowMs) };
    const window = await collectWindow(deps, fs, service, range);
    const checkpoint: CollectorCheckpoint = { through: range.to, lastKey: window.key };
    // Only after the object is stored: a crash before this line makes the next run rewrite the same key.
    version = await deps.state.save(key, checkpoint, version);
    written(window);
    deps.log.info("collector: window written", { service, key: window.key, from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), rows: window.rows, gapRows: window.gapRows, samplesBySource: window.samplesBySource, overridden: window.merge.overridden });
    start = range.to;
  }
  return skipped;
}

async function collectWindow(deps: CollectHandlerDeps, fs: FeatureSet, service: string, range: TimeRange): Promise<CollectedWindow> {
  const settled = await Promise.allSettled(deps.sources.map((s) => s.fetch(service, range)));
  const failures = settled.flatMap((r, i) => (r.status === "rejected" ? [`${deps.sources[i].name}: ${errorMessage(r.reason)}`] : []));
  const span = `[${new Date(range.from).toISOString()}, ${new Date(range.to).toISOString()})`;
  if (failures.length > 0) {
    const causes = settled.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    deps.log.error("collector: source failed; nothing written, checkpoint unchanged", { service, range: span, failures });
    throw new CollectError(`collector: ${failures.length} source(s) failed for service "${service}" window ${span}: ${failures.join(" | ")}`, { cause: causes[0] });
  }
  const bySource = settled.map((r, i) => ({ name: deps.sources[i].name, samples: (r as PromiseFulfilledResult<MetricSample[]>).value }));
  const samplesBySource = Object.fromEntries(bySource.map((s) => [s.name, s.samples.length]));
  const merged = mergeSources(bySource, fs.stepSeconds * 1000);
  const aligned = merged.samples.length > 0 ? alignSamples(merged.samples, fs, range) : undefined;
  // Sources resolve [] only when they positively report no data (a finished search with no results, an API
  // answer with no series); a response they could not use rejects above. So an empty window is a fact, not a gap.
  if (!aligned) deps.log.info("collector: the sources report no data for the window; writing it empty", { service, range: span, samplesBySource });
  const rows = aligned?.rows ?? [];
  const key = featureWindowKey(service, range.from);
  await deps.objects.put(key, formatFeatureRowsCsv(rows, fs), "text/csv; charset=utf-8");
  return { service, range, key, rows: rows.length, gapRows: aligned?.report.gapRows ?? 0, samplesBySource, merge: merged.report, alignment: aligned?.report };
}
