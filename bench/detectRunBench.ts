import { MemoryStateStore } from "../runtime/adapters/memory/MemoryStateStore";
import { ServiceDetector } from "../runtime/detection/serviceDetector";
import { DEFAULT_FEATURE_SET } from "../runtime/features/defaultFeatureSet";
import { embeddedModel } from "../runtime/handlers/detectionModel";
import { decodeDetector, decodeServiceState, detectorStateKey, encodeDetector, encodeServiceState } from "../runtime/handlers/detectorState";
import { DEFAULT_DETECT_SETTINGS, makeDetectHandler, type DetectHandlerDeps } from "../runtime/handlers/makeDetectHandler";
import { detectorConfig } from "../runtime/handlers/serviceStateLoader";
import { Random } from "../runtime/model/random";
import type { Log, MetricSource, ScalingOutcome } from "../runtime/ports";
import type { MetricSample } from "../runtime/types";
import { trainModel } from "../training/trainModel";

/** The `detect-run` line of `npm run bench -- --json`. */
export interface DetectRunResult {
  readonly name: "detect-run";
  readonly containers: number;
  readonly metrics: number;
  readonly steps: number;
  /** One run's compute: the handler's time minus the state's decode and encode (median of the timed runs), ms. */
  readonly computeMs: number;
  /** The stored state of the service after the run, bytes. */
  readonly stateBytes: number;
  /** The replicas' part of the state (stateBytes − the same state without its replicas) / containers. */
  readonly stateBytesPerContainer: number;
  /** The state without its replicas: the service's models (forest, statistics, seasonal view per container name). */
  readonly modelBytes: number;
  /** Decoding the stored state into a detector plus encoding it again (median), ms. */
  readonly loadSaveMs: number;
  readonly runs: number;
}

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const MIN = 60_000;

/**
 * One scheduled detect run (5 one-minute steps) of a service of `containers` containers × the default feature
 * set's 7 metrics, embedded scorer, in-memory ports: a detector warm-started from a model trained on a day of 6
 * containers, then an hour of runs so every replica has state; then `runs` timed runs, each by a new handler
 * (a cold start: the state is decoded, not taken from memory). Compute excludes the state's decode and encode,
 * which are measured on their own on the stored state (`loadSaveMs`).
 */
export async function benchDetectRun(containers = 500, runs = 7): Promise<DetectRunResult> {
  const fs = DEFAULT_FEATURE_SET;
  const rng = new Random(17);
  const t0 = Date.UTC(2026, 0, 5);
  const gen = (from: number, steps: number, cs: number): MetricSample[] => {
    const out: MetricSample[] = [];
    for (let c = 0; c < cs; c++)
      for (let s = 0; s < steps; s++) {
        const load = 1 + 0.3 * Math.sin((2 * Math.PI * (from + s * MIN)) / 86_400_000);
        for (let m = 0; m < fs.metrics.length; m++) out.push({ service: "bench", container: `task-${c}/app`, containerName: "app", metric: fs.metrics[m].name, timestamp: from + s * MIN + 5_000, value: (20 + 15 * m) * load * (1 + 0.05 * rng.normal()) });
      }
    return out;
  };
  const { model: bundle } = trainModel(gen(t0, 1440, 6), { featureSet: fs, seed: 3 });
  const model = embeddedModel(bundle, "bench model");
  const start = t0 + 86_400_000;
  const measure = async (cs: number) => {
    const samples = gen(start, 60 + 5 * runs + 2, cs);
    const source: MetricSource = { name: "bench", fetch: async (_s, r) => samples.filter((x) => x.timestamp >= r.from && x.timestamp < r.to) };
    const state = new MemoryStateStore();
    let now = start + 5 * MIN;
    const deps: DetectHandlerDeps = {
      services: [{ name: "bench", scaling: { minTasks: 1, maxTasks: 10_000, maxStep: 2, cooldownMs: 600_000 } }],
      source,
      model,
      alerts: { send: async () => undefined },
      scaler: { describe: async () => ({ desiredTasks: cs, runningTasks: cs, deploying: false }), apply: async (): Promise<ScalingOutcome | undefined> => undefined },
      state,
      clock: { now: () => now },
      log: silent,
      settings: { firstRunSteps: 5, ingestDelaySteps: 0 },
    };
    const warm = makeDetectHandler(deps);
    for (; now < start + 60 * MIN; now += 5 * MIN) await warm();
    const times: number[] = [];
    for (let i = 0; i < runs; i++, now += 5 * MIN) {
      const handler = makeDetectHandler(deps);
      const t = performance.now();
      await handler();
      times.push(performance.now() - t);
    }
    const stored = (await state.loadBytes(detectorStateKey("bench")))?.value as Uint8Array;
    const config = detectorConfig(model, DEFAULT_DETECT_SETTINGS);
    const decodedDetector = decodeDetector(decodeServiceState(stored, "bench").detector, "bench");
    const modelOnly = encodeServiceState({ ...decodeServiceState(stored, "bench"), detector: encodeDetector({ ...decodedDetector, replicas: [] }) }).byteLength;
    const loadSave: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const decoded = decodeServiceState(stored, "bench");
      const detector = ServiceDetector.fromState(config, decodeDetector(decoded.detector, "bench"));
      encodeServiceState({ ...decoded, detector: encodeDetector(detector.toState()) });
      loadSave.push(performance.now() - t);
    }
    return { bytes: stored.byteLength, modelBytes: modelOnly, runMs: median(times), loadSaveMs: median(loadSave) };
  };
  const many = await measure(containers);
  return {
    name: "detect-run",
    containers,
    metrics: fs.metrics.length,
    steps: 5,
    computeMs: round(many.runMs - many.loadSaveMs),
    stateBytes: many.bytes,
    stateBytesPerContainer: Math.round((many.bytes - many.modelBytes) / containers),
    modelBytes: many.modelBytes,
    loadSaveMs: round(many.loadSaveMs),
    runs,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const round = (x: number) => Math.round(x * 10) / 10;
