import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import type { FeatureSet } from "../../runtime/features/featureSet";
import { makeDetectHandler, type DetectHandlerDeps } from "../../runtime/handlers/makeDetectHandler";
import { embeddedModel, type DetectionModel } from "../../runtime/handlers/detectionModel";
import type { ModelBundle } from "../../runtime/model/modelBundle";
import { Random } from "../../runtime/model/random";
import type { AlertSink, MetricSource, Scaler, ScalingOutcome, ScalingTarget, ServiceCapacity, TimeRange } from "../../runtime/ports";
import type { IncidentEvent, MetricSample, ScalingDecision } from "../../runtime/types";
import { trainModel } from "../../training/trainModel";
import { RecordingLog } from "./recordingLog";

export const MIN = 60_000;
export const T0 = Date.UTC(2026, 0, 5);
export const SERVICE = "checkout";
export const CONTAINERS = ["c1", "c2", "c3", "c4"];
export const HARNESS_FS: FeatureSet = {
  metrics: [
    { name: "cpu", role: "cpu" },
    { name: "memory", role: "memory" },
    { name: "latency", role: "latency" },
  ],
  stepSeconds: 60,
  maxFillSteps: 2,
  shingleSize: 1,
};
/** Minutes 0..599 train the model; saturation (CPU 95 %, latency 400 ms on every container) starts here. */
export const TRAIN_MINUTES = 600;
export const SATURATION_FROM = 640;
export const TOTAL_MINUTES = 720;

/** Seeded samples of 4 containers: normal noise, saturation from minute SATURATION_FROM on. */
export function harnessSamples(seed = 5): MetricSample[] {
  const r = new Random(seed);
  const out: MetricSample[] = [];
  for (let m = 0; m < TOTAL_MINUTES; m++) {
    for (const c of CONTAINERS) {
      const hot = m >= SATURATION_FROM;
      const ts = T0 + m * MIN + 10_000;
      out.push({ service: SERVICE, container: c, metric: "cpu", timestamp: ts, value: hot ? 95 + r.normal() : 40 + 3 * r.normal() });
      out.push({ service: SERVICE, container: c, metric: "memory", timestamp: ts, value: 450 + 5 * r.normal() });
      out.push({ service: SERVICE, container: c, metric: "latency", timestamp: ts, value: hot ? 400 + 10 * r.normal() : 80 + 4 * r.normal() });
    }
  }
  return out;
}

let cached: ModelBundle | undefined;
/** The bundle trained on the first TRAIN_MINUTES of `harnessSamples()` (trained once per test file). */
export function harnessBundle(): ModelBundle {
  cached ??= trainModel(
    harnessSamples().filter((s) => s.timestamp < T0 + TRAIN_MINUTES * MIN),
    { featureSet: HARNESS_FS, numTrees: 50, sampleSize: 128, seed: 3, trainedAt: "2026-01-05T10:00:00.000Z" },
  ).model;
  return cached;
}

/** The embedded model of {@link harnessBundle}: its trained streaming detector. */
export function harnessModel(): DetectionModel {
  return embeddedModel(harnessBundle(), "harness model");
}

/** A MetricSource over a fixed array; `fail` makes the next fetch reject. */
export class ArraySource implements MetricSource {
  readonly name = "array";
  readonly fetches: TimeRange[] = [];
  constructor(public samples: MetricSample[]) {}
  async fetch(service: string, range: TimeRange): Promise<MetricSample[]> {
    this.fetches.push(range);
    return this.samples.filter((s) => s.service === service && s.timestamp >= range.from && s.timestamp < range.to);
  }
}

/** An AlertSink that records what it delivered; `failNext` sends fail (as SNS would when throttled). */
export class RecordingSink implements AlertSink {
  readonly sent: IncidentEvent[] = [];
  failNext = 0;
  async send(event: IncidentEvent): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("SNS: Rate exceeded");
    }
    this.sent.push(JSON.parse(JSON.stringify(event)) as IncidentEvent);
  }
}

/** A Scaler holding a desired count; `failWith` makes apply reject. */
export class FakeScaler implements Scaler {
  readonly applied: ScalingDecision[] = [];
  readonly attempts: ScalingDecision[] = [];
  /** The target passed with each apply (undefined for a configured service). */
  readonly targets: (ScalingTarget | undefined)[] = [];
  failWith?: Error;
  deploying = false;
  constructor(public desired = 4) {}
  async describe(): Promise<ServiceCapacity> {
    return { desiredTasks: this.desired, runningTasks: this.desired, deploying: this.deploying };
  }
  /** When set, apply resolves with this outcome (e.g. a dry run) instead of undefined. */
  outcome?: ScalingOutcome;
  async apply(decision: ScalingDecision, target?: ScalingTarget): Promise<ScalingOutcome | undefined> {
    this.attempts.push(decision);
    this.targets.push(target);
    if (this.failWith) throw this.failWith;
    this.applied.push(decision);
    if (this.outcome?.dryRun) return this.outcome;
    this.desired = decision.toTasks;
    return this.outcome;
  }
}

export interface Harness {
  readonly deps: DetectHandlerDeps;
  readonly source: ArraySource;
  readonly sink: RecordingSink;
  readonly scaler: FakeScaler;
  readonly state: MemoryStateStore;
  readonly log: RecordingLog;
  /** The clock's minute (minutes since T0); set before each run. */
  minute: number;
  readonly detect: ReturnType<typeof makeDetectHandler>;
}

/** The detect handler wired to in-memory ports, scoring with the harness model's forest. */
export function makeHarness(over: Partial<DetectHandlerDeps> = {}): Harness {
  const model = harnessModel();
  const h = {
    source: new ArraySource(harnessSamples()),
    sink: new RecordingSink(),
    scaler: new FakeScaler(4),
    state: new MemoryStateStore(),
    log: new RecordingLog(),
    minute: 0,
  } as Omit<Harness, "deps" | "detect"> & { minute: number };
  const deps: DetectHandlerDeps = {
    services: [{ name: SERVICE, scaling: { minTasks: 4, maxTasks: 8, maxStep: 2, cooldownMs: 10 * MIN } }],
    source: h.source,
    model,
    featureSet: HARNESS_FS,
    alerts: h.sink,
    scaler: h.scaler,
    state: h.state,
    clock: { now: () => T0 + h.minute * MIN },
    log: h.log,
    settings: { firstRunSteps: 30 },
    ...over,
  };
  return Object.assign(h, { deps, detect: makeDetectHandler(deps) });
}
