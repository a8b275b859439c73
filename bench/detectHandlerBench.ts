import { MemoryStateStore } from "../runtime/adapters/memory/MemoryStateStore";
import type { FeatureSet } from "../runtime/features/featureSet";
import { embeddedModel } from "../runtime/handlers/detectionModel";
import { makeDetectHandler } from "../runtime/handlers/makeDetectHandler";
import { Random } from "../runtime/model/random";
import type { Log, MetricSource, ScalingOutcome } from "../runtime/ports";
import type { MetricSample, MetricRole } from "../runtime/types";
import { trainModel } from "../training/trainModel";

export interface HandlerBenchResult {
  readonly name: string;
  readonly containers: number;
  readonly metrics: number;
  readonly steps: number;
  readonly invocations: number;
  readonly msPerInvocation: number;
  readonly rowsPerSec: number;
}

const roles: MetricRole[] = ["cpu", "memory", "network-rx", "network-tx", "restarts", "throttling", "latency", "other", "other", "other"];
const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * One detect-handler invocation over `containers` × 10 metrics × `steps` one-minute steps with the embedded
 * scorer (each container name's streaming forest, warm-started from a trained model) and in-memory ports: the
 * cost of a Lambda run without network time, state decode and encode included.
 */
export async function benchDetectHandler(containers = 500, steps = 60, invocations = 5): Promise<HandlerBenchResult> {
  const fs: FeatureSet = { metrics: roles.map((role, i) => ({ name: `m${i}`, role })), stepSeconds: 60, maxFillSteps: 3, shingleSize: 1 };
  const rng = new Random(11);
  const t0 = Date.UTC(2026, 0, 5);
  const gen = (from: number, n: number, cs: number): MetricSample[] => {
    const out: MetricSample[] = [];
    for (let c = 0; c < cs; c++)
      for (let s = 0; s < n; s++)
        for (let m = 0; m < fs.metrics.length; m++) out.push({ service: "bench", container: `c${c}`, metric: `m${m}`, timestamp: from + s * 60_000 + 5_000, value: 50 + 10 * m + 5 * rng.normal() });
    return out;
  };
  const model = embeddedModel(trainModel(gen(t0, 1440, 6), { featureSet: fs, seed: 3 }).model, "bench model");
  const start = t0 + 86_400_000;
  const samples = gen(start, steps + 2, containers);
  const source: MetricSource = { name: "bench", fetch: async (_s, r) => samples.filter((x) => x.timestamp >= r.from && x.timestamp < r.to) };
  const run = async () => {
    const handler = makeDetectHandler({
      services: [{ name: "bench", scaling: { minTasks: 1, maxTasks: 1000, maxStep: 2, cooldownMs: 600_000 } }],
      source,
      model,
      alerts: { send: async () => undefined },
      scaler: { describe: async () => ({ desiredTasks: containers, runningTasks: containers, deploying: false }), apply: async (): Promise<ScalingOutcome | undefined> => undefined },
      state: new MemoryStateStore(),
      clock: { now: () => start + (steps + 1) * 60_000 },
      log: silent,
      settings: { firstRunSteps: steps, ingestDelaySteps: 0 },
    });
    return handler();
  };
  await run(); // warm-up
  let rows = 0;
  const t = performance.now();
  for (let i = 0; i < invocations; i++) rows += (await run()).services[0].rowsScored;
  const ms = performance.now() - t;
  return { name: "detect-handler", containers, metrics: fs.metrics.length, steps, invocations, msPerInvocation: ms / invocations, rowsPerSec: (rows / ms) * 1000 };
}
