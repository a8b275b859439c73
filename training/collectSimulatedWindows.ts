import { MemoryStateStore } from "../runtime/adapters/memory/MemoryStateStore";
import type { FeatureSet } from "../runtime/features/featureSet";
import { featureWindowKey, makeCollectHandler } from "../runtime/handlers/makeCollectHandler";
import type { Log, ObjectStore } from "../runtime/ports";
import { EcsServiceSimulator } from "../runtime/sim/EcsServiceSimulator";
import type { InjectedIncident } from "../runtime/sim/incidentPlan";
import type { IncidentWindow } from "./buildDataset";

export interface SimulatedCollectionOptions {
  readonly service: string;
  readonly tasks: number;
  readonly seed: number;
  /** Epoch ms of the first simulated minute (a whole hour). */
  readonly startMs: number;
  readonly days: number;
  readonly incidents: readonly InjectedIncident[];
  readonly featureSet: FeatureSet;
  /** Where the windows go (a directory store for the CLI), under `<prefix>metrics/…`. */
  readonly objects: ObjectStore;
  readonly prefix?: string;
  readonly log?: Log;
}

export interface SimulatedCollection {
  /** Keys written, in time order. */
  readonly keys: readonly string[];
  readonly rows: number;
  /** The simulator's ground truth as incident windows (for `cad dataset build --incidents`). */
  readonly incidents: readonly IncidentWindow[];
}

const HOUR = 3_600_000;
const QUIET: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Collects the demo's simulated ECS service into collector windows with the real collect handler: the
 * simulator is the metric source, the clock moves an hour per run, so the objects are exactly those the
 * collector Lambda would write (`metrics/service=<svc>/date=…/<start>.csv`, one per hour).
 */
export async function collectSimulatedWindows(opts: SimulatedCollectionOptions): Promise<SimulatedCollection> {
  if (opts.startMs % HOUR !== 0) throw new Error(`startMs must be a whole hour, got ${new Date(opts.startMs).toISOString()}`);
  if (!Number.isInteger(opts.days) || opts.days < 1) throw new Error(`days must be a positive integer, got ${opts.days}`);
  const prefix = opts.prefix ?? "";
  const sim = new EcsServiceSimulator({ service: opts.service, tasks: opts.tasks, seed: opts.seed, startMs: opts.startMs, incidents: opts.incidents });
  let now = opts.startMs;
  const objects: ObjectStore = {
    put: (key, body, type) => opts.objects.put(prefix + key, body, type),
    get: (key) => opts.objects.get(prefix + key),
    list: async (p) => (await opts.objects.list(prefix + p)).map((k) => k.slice(prefix.length)),
  };
  const collect = makeCollectHandler({
    sources: [sim],
    services: [opts.service],
    featureSet: opts.featureSet,
    objects,
    state: new MemoryStateStore(),
    clock: { now: () => now },
    log: opts.log ?? QUIET,
    limits: { settleMs: 0, maxWindowMs: HOUR, maxWindowsPerRun: 1, maxLagMs: HOUR },
  });
  const keys: string[] = [];
  let rows = 0;
  for (now = opts.startMs + HOUR; now <= opts.startMs + opts.days * 24 * HOUR; now += HOUR) {
    sim.advanceTo(now);
    const result = await collect();
    for (const w of result.windows) {
      keys.push(prefix + w.key);
      rows += w.rows;
    }
  }
  if (keys[0] !== prefix + featureWindowKey(opts.service, opts.startMs)) throw new Error(`the first window is ${keys[0]}, expected the one starting at ${new Date(opts.startMs).toISOString()}`);
  // Tasks keep their index for the life of the simulation (scaling only appends), so task i is containers()[i].
  const containers = sim.containers();
  const incidents = opts.incidents.map((i) => ({ service: opts.service, from: i.start, to: i.end, ...(i.task !== undefined ? { container: containers[i.task] } : {}) }));
  return { keys, rows, incidents };
}
