import { MemoryStateStore } from "../runtime/adapters/memory/MemoryStateStore";
import { DEFAULT_FEATURE_SET } from "../runtime/features/defaultFeatureSet";
import { embeddedModel } from "../runtime/handlers/detectionModel";
import type { Log, MetricSource, Scaler } from "../runtime/ports";
import { EcsServiceSimulator } from "../runtime/sim/EcsServiceSimulator";
import type { MetricSample } from "../runtime/types";
import { trainModel } from "../training/trainModel";
import { makeFanOut, quantile } from "../cli/fanout/runFanOutCycle";

/** The `fan-out` line of `npm run bench -- --json`. */
export interface FanOutBenchResult {
  readonly name: "fan-out";
  readonly services: number;
  readonly containersPerService: number;
  readonly metrics: number;
  /** Steps each service's message scores in the timed cycle (one 5-minute cycle of 1-minute steps). */
  readonly steps: number;
  /** In-process workers draining the queue (they share one thread). */
  readonly workers: number;
  /** The timed cycle, planning included, ms. */
  readonly wallMs: number;
  /** Per-service message time in the timed cycle (the worker's detection of one service), ms. */
  readonly p50ServiceMs: number;
  readonly p95ServiceMs: number;
  /** Every service's stored state after the timed cycle, bytes. */
  readonly stateBytesTotal: number;
}

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const MIN = 60_000;
const TASKS = 10; // × (app + envoy sidecar) = 20 containers per service

/**
 * One 5-minute cycle of the fan-out over `services` simulated services of 20 containers × the default feature set's
 * 7 metrics: the planner, the in-process FIFO queue and the detector workers with in-memory adapters, the embedded
 * scorer warm-started from a model trained on 3 hours of one simulated service. Every service reads the same
 * simulated containers (relabelled, so generation is paid once). A first cycle gives every service its state; the
 * second one (5 steps each) is timed. Workers take one message per invocation; with one worker the per-service
 * times are pure compute, more in-process workers interleave on one thread and add each other's time to theirs.
 * The handler keeps only its last 32 detectors (liveDetectors.ts), so with more services than that every service's
 * state is decoded in the timed cycle, as a fleet of Lambda instances mostly does.
 */
export async function benchFanOut(services = 1000, workers = 1): Promise<FanOutBenchResult> {
  const fs = DEFAULT_FEATURE_SET;
  const t0 = Date.UTC(2026, 0, 5);
  const sim = new EcsServiceSimulator({ service: "bench", tasks: TASKS, seed: 5, startMs: t0, incidents: [] });
  sim.advanceTo(t0 + 4 * 60 * MIN);
  const { model: bundle } = trainModel(await sim.fetch("bench", { from: t0, to: t0 + 3 * 60 * MIN }), { featureSet: fs, seed: 3 });
  const cache = new Map<string, MetricSample[]>();
  const source: MetricSource = {
    name: "sim",
    fetch: async (service, range) => {
      const key = `${range.from}-${range.to}`;
      let samples = cache.get(key);
      if (!samples) {
        samples = await sim.fetch("bench", range);
        cache.set(key, samples);
      }
      return samples.map((s) => ({ ...s, service }));
    },
  };
  const scaler: Scaler = { describe: async () => ({ desiredTasks: TASKS, runningTasks: TASKS, deploying: false }), apply: async () => undefined };
  const state = new MemoryStateStore();
  const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
  let now = t0 + 3 * 60 * MIN + 15 * MIN;
  const fanOut = makeFanOut({
    deps: {
      services: names.map((name) => ({ name, scaling: { minTasks: TASKS, maxTasks: 2 * TASKS, maxStep: 2, cooldownMs: 10 * MIN } })),
      source,
      model: embeddedModel(bundle, "bench model"),
      featureSet: fs,
      alerts: { send: async () => undefined },
      scaler,
      state,
      clock: { now: () => now },
      log: silent,
    },
    workers,
    // One message per invocation: the messages of one batch run concurrently (one per service), and on one thread
    // each would be timed with the others' compute in it.
    batchSize: 1,
  });
  await fanOut.runCycle(now);
  now += 5 * MIN;
  const cycle = await fanOut.runCycle(now);
  const failed = cycle.services.filter((s) => s.error);
  if (failed.length > 0) throw new Error(`fan-out bench: ${failed.length} service(s) failed, e.g. ${failed[0].service}: ${failed[0].error ?? ""}`);
  const ms = cycle.services.map((s) => s.ms);
  const steps = cycle.services[0]?.summary?.stepsScored ?? 0;
  return {
    name: "fan-out",
    services,
    containersPerService: 2 * TASKS,
    metrics: fs.metrics.length,
    steps,
    workers,
    wallMs: Math.round(cycle.wallMs),
    p50ServiceMs: Number(quantile(ms, 0.5).toFixed(1)),
    p95ServiceMs: Number(quantile(ms, 0.95).toFixed(1)),
    stateBytesTotal: state.keys().reduce((sum, k) => sum + (state.sizeOf(k) ?? 0), 0),
  };
}
