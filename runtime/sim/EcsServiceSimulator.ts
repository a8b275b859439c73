import { Random } from "../model/random";
import type { MetricSource, Scaler, ScalingOutcome, ServiceCapacity, TimeRange } from "../ports";
import type { MetricSample, ScalingDecision } from "../types";
import type { InjectedIncident } from "./incidentPlan";

/** Options of the simulated ECS service. Units in names; all randomness from `seed`. */
export interface SimulatorOptions {
  readonly service: string;
  readonly tasks: number;
  readonly seed: number;
  /** Epoch ms of the first simulated minute (aligned to the minute). */
  readonly startMs: number;
  readonly incidents: readonly InjectedIncident[];
  /** Mean total requests/s of the service over a day (default 220). */
  readonly meanRps?: number;
  /** Minutes before a task added by scaling starts reporting metrics (default 2). */
  readonly taskStartMinutes?: number;
  /**
   * Whether every task also runs an Envoy proxy sidecar (default true): a second container per task, named
   * "envoy" beside the application's "app", carrying the task's traffic with its own CPU and memory profile.
   */
  readonly sidecar?: boolean;
  /**
   * The service's traffic at epoch ms `t` relative to its usual day (e.g. 0.35 on weekends): multiplies the daily
   * curve. Unset: every day alike (and the same samples as before the option existed, draw for draw).
   */
  readonly trafficLevel?: (t: number) => number;
}

/** Container names in every simulated task. */
export const APP_CONTAINER = "app";
export const SIDECAR_CONTAINER = "envoy";

interface Task {
  /** The task's id; its containers are `<id>/app` and `<id>/envoy`. */
  readonly task: string;
  readonly share: number;
  /** First minute index at which it reports. */
  readonly activeFrom: number;
  /** Memory the container holds above its load-driven baseline (leaks, restarts). */
  memoryOffsetMiB: number;
  restarts: number;
}

const MIN = 60_000;
/** Requests/s one task serves at 100 % CPU. */
const TASK_CAPACITY_RPS = 100;

/**
 * A simulated ECS service: N tasks behind a load balancer, a daily load curve with noise, and per-container
 * CPU %, memory MiB, network rx/tx bytes/s, restarts, CPU throttling % and p95 latency, all driven by the
 * load each task carries. Each task runs the application container ("app") and, by default, an Envoy proxy
 * sidecar ("envoy") whose normal is different (a few % CPU, a small steady memory, the task's traffic).
 * Samples carry the container's name beside its id (`<task id>/<name>`), as OpenTelemetry's `container.name`
 * and `aws.ecs.task.id` do. Injected incidents change the app container's metrics inside their ground-truth
 * windows (a network drop also starves the task's proxy).
 *
 * It is both a MetricSource (what "Splunk" would return) and a Scaler: scaling out adds tasks, which
 * lowers the load per task. Time only moves forward through `advanceTo`; deterministic for a seed.
 */
export class EcsServiceSimulator implements MetricSource, Scaler {
  readonly name = "sim";
  private readonly rng: Random;
  /**
   * Randomness of injected effects only: drawing it from `rng` would shift all later noise, so a run with an
   * incident would differ from the same seed without it long after the incident's window.
   */
  private readonly effectRng: Random;
  private readonly tasks: Task[] = [];
  private readonly samples: MetricSample[][] = []; // by minute index
  private minute = 0;
  private loadNoise = 0;
  private nextTaskId = 0;
  private desired: number;
  private readonly meanRps: number;
  private readonly startupMinutes: number;
  private readonly sidecar: boolean;
  /** Every scaling action applied, for reports. */
  readonly scalingLog: { at: number; decision: ScalingDecision }[] = [];

  constructor(private readonly opts: SimulatorOptions) {
    if (!Number.isInteger(opts.tasks) || opts.tasks < 1) throw new Error(`simulator: tasks must be a positive integer, got ${opts.tasks}`);
    if (opts.startMs % MIN !== 0) throw new Error("simulator: startMs must be aligned to a whole minute");
    this.rng = new Random(opts.seed);
    this.effectRng = new Random((opts.seed ^ 0x5bd1e995) >>> 0);
    this.meanRps = opts.meanRps ?? 220;
    this.startupMinutes = opts.taskStartMinutes ?? 2;
    this.sidecar = opts.sidecar ?? true;
    this.desired = opts.tasks;
    for (let i = 0; i < opts.tasks; i++) this.addTask(0);
  }

  /** Epoch ms up to which metrics exist (exclusive). */
  get now(): number {
    return this.opts.startMs + this.minute * MIN;
  }

  /** Simulates every minute before `t` (epoch ms). */
  advanceTo(t: number): void {
    while (this.now + MIN <= t) this.simulateMinute();
  }

  async fetch(service: string, range: TimeRange): Promise<MetricSample[]> {
    if (service !== this.opts.service) return [];
    const from = Math.max(0, Math.floor((range.from - this.opts.startMs) / MIN));
    const to = Math.min(this.minute, Math.ceil((range.to - this.opts.startMs) / MIN));
    const out: MetricSample[] = [];
    for (let m = from; m < to; m++) for (const s of this.samples[m]) if (s.timestamp >= range.from && s.timestamp < range.to) out.push(s);
    return out;
  }

  async describe(service: string): Promise<ServiceCapacity> {
    if (service !== this.opts.service) throw new Error(`simulator: unknown service "${service}"`);
    const running = this.tasks.filter((t) => t.activeFrom <= this.minute).length;
    return { desiredTasks: this.desired, runningTasks: running, deploying: false };
  }

  async apply(decision: ScalingDecision): Promise<ScalingOutcome> {
    if (decision.service !== this.opts.service) throw new Error(`simulator: unknown service "${decision.service}"`);
    const target = decision.toTasks;
    while (this.tasks.length < target) this.addTask(this.minute + this.startupMinutes);
    // Scale in removes the newest tasks, never the ones incidents are pinned to.
    while (this.tasks.length > target) this.tasks.pop();
    this.desired = target;
    this.scalingLog.push({ at: this.now, decision });
    return { applied: true, dryRun: false, target: "desired-count", toTasks: target, reason: `simulator now runs ${target} tasks (new ones report after ${this.startupMinutes} min)` };
  }

  /** The application containers' ids currently in the service, in task order (incidents are pinned to them). */
  containers(): string[] {
    return this.tasks.map((t) => `${t.task}/${APP_CONTAINER}`);
  }

  private addTask(activeFrom: number): void {
    const id = this.nextTaskId++;
    const hash = Math.floor(this.rng.next() * 0xffffff).toString(16).padStart(6, "0");
    this.tasks.push({ task: `${this.opts.service}-${id}-${hash}`, share: 1 + (this.rng.next() - 0.5) * 0.06, activeFrom, memoryOffsetMiB: 0, restarts: 0 });
  }

  private active(kind: InjectedIncident["kind"], t: number): InjectedIncident | undefined {
    return this.opts.incidents.find((i) => i.kind === kind && t >= i.start && t < i.end);
  }

  private simulateMinute(): void {
    const t = this.now;
    const r = this.rng;
    const hour = ((t / 3_600_000) % 24 + 24) % 24;
    // Daily curve peaking mid-afternoon, trough before dawn, plus AR(1) noise.
    this.loadNoise = 0.9 * this.loadNoise + 0.006 * r.normal();
    let totalRps = this.meanRps * (1 + 0.5 * Math.sin((2 * Math.PI * (hour - 9)) / 24)) * (1 + this.loadNoise);
    const spike = this.active("load-spike", t);
    if (spike) totalRps *= 1 + 1.2 * Math.min(1, (t - spike.start) / (5 * MIN));
    if (this.opts.trafficLevel) totalRps *= this.opts.trafficLevel(t);

    const live = this.tasks.filter((x) => x.activeFrom <= this.minute);
    const crash = this.active("crash-loop", t);
    const drop = this.active("network-drop", t);
    const crashing = crash?.task !== undefined ? this.tasks[crash.task] : undefined;
    const dropped = drop?.task !== undefined ? this.tasks[drop.task] : undefined;
    // A crashing container serves half its share, a cut-off one almost nothing; the others absorb the rest.
    const weight = (x: Task) => x.share * (x === crashing ? 0.5 : x === dropped ? 0.1 : 1);
    const totalWeight = live.reduce((s, x) => s + weight(x), 0);

    const out: MetricSample[] = [];
    const service = this.opts.service;
    for (const task of live) {
      const idx = this.tasks.indexOf(task);
      const rps = (totalRps * weight(task)) / totalWeight;
      const u = Math.min(0.99, rps / TASK_CAPACITY_RPS);
      let cpu = 3 + 85 * u + 1.5 * r.normal();
      let latency = (35 + 25 / (1 - Math.min(u, 0.97))) * (1 + 0.04 * r.normal());
      let throttled = Math.max(0, 0.15 + 0.1 * r.normal());
      let restartsNow = 0;
      const leak = this.active("memory-leak", t);
      if (leak && leak.task === idx) task.memoryOffsetMiB += 4;
      else if (task.memoryOffsetMiB > 0) task.memoryOffsetMiB = 0; // the leaking container was replaced at the end of the window
      const throttle = this.active("cpu-throttling", t);
      if (throttle && throttle.task === idx) {
        throttled = 25 + 15 * this.effectRng.next();
        cpu = Math.min(cpu * 1.3, 100);
        latency *= 1.8;
      }
      if (crash && crash.task === idx && Math.round((t - crash.start) / MIN) % 3 === 0) {
        restartsNow = 1;
        task.restarts++;
        task.memoryOffsetMiB = -250; // a fresh process holds little memory
        cpu = Math.min(100, cpu + 45);
      }
      if (task.memoryOffsetMiB < 0) task.memoryOffsetMiB = Math.min(0, task.memoryOffsetMiB + 60); // warms up again
      if (dropped === task) latency += 150;
      const memory = 420 + 0.6 * rps + task.memoryOffsetMiB + 4 * r.normal();
      const rx = Math.max(0, 2200 * rps * (1 + 0.05 * r.normal()));
      const tx = Math.max(0, 9000 * rps * (1 + 0.05 * r.normal()));
      const values: [string, number][] = [
        ["container.cpu.utilized", clamp(cpu, 0, 100)],
        ["container.memory.utilized", Math.max(50, memory)],
        ["container.network.rate.rx", rx],
        ["container.network.rate.tx", tx],
        ["container.restarts", restartsNow],
        ["container.cpu.throttled", throttled],
        ["http.server.latency.p95", Math.max(1, latency)],
      ];
      // Report a few seconds into the minute, as a scraper would.
      const ts = t + 5_000 + Math.floor(r.next() * 20_000);
      const app = `${task.task}/${APP_CONTAINER}`;
      for (const [metric, value] of values) out.push({ service, container: app, containerName: APP_CONTAINER, metric, timestamp: ts, value: round3(value), source: "sim" });
      if (this.sidecar) {
        // The proxy carries the task's traffic (so a cut-off task starves it too): its CPU and memory follow
        // requests, at a proxy's scale.
        const proxyRps = rps;
        const proxy: [string, number][] = [
          ["container.cpu.utilized", clamp(1.5 + 0.06 * proxyRps + 0.4 * r.normal(), 0, 100)],
          ["container.memory.utilized", Math.max(20, 48 + 0.04 * proxyRps + 0.8 * r.normal())],
          ["container.network.rate.rx", Math.max(0, 2300 * proxyRps * (1 + 0.05 * r.normal()))],
          ["container.network.rate.tx", Math.max(0, 9100 * proxyRps * (1 + 0.05 * r.normal()))],
          ["container.restarts", 0],
          ["container.cpu.throttled", Math.max(0, 0.05 + 0.03 * r.normal())],
          ["http.server.latency.p95", Math.max(1, latency + 1.5 + 0.3 * r.normal())],
        ];
        const sidecar = `${task.task}/${SIDECAR_CONTAINER}`;
        for (const [metric, value] of proxy) out.push({ service, container: sidecar, containerName: SIDECAR_CONTAINER, metric, timestamp: ts + 1_000, value: round3(value), source: "sim" });
      }
    }
    this.samples.push(out);
    this.minute++;
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round3 = (v: number) => Math.round(v * 1000) / 1000;
