import { ConsoleLog } from "../../runtime/adapters/local/ConsoleLog";
import { MemoryServiceDirectory } from "../../runtime/adapters/memory/MemoryServiceDirectory";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { embeddedModel } from "../../runtime/handlers/detectionModel";
import type { MetricSource, Scaler } from "../../runtime/ports";
import { EcsServiceSimulator } from "../../runtime/sim/EcsServiceSimulator";
import { defaultIncidentPlan, type InjectedIncident } from "../../runtime/sim/incidentPlan";
import { matchIncidents } from "../../runtime/sim/matchIncidents";
import type { IncidentEvent } from "../../runtime/types";
import { trainModel } from "../../training/trainModel";
import { makeFanOut, quantile } from "../fanout/runFanOutCycle";
import { DEMO_START } from "./demoService";
import { DEMO_RUN_EVERY_MIN } from "./runDemo";

export interface FanOutDemoOptions {
  readonly services: number;
  readonly days: number;
  readonly seed: number;
  readonly tasks: number;
  readonly workers: number;
  /** Called after every cycle with the cycles done and in total (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One simulated service's outcome over the whole run. */
export interface FanOutServiceResult {
  readonly service: string;
  readonly injected: number;
  readonly detected: number;
  readonly falseAlerts: number;
  readonly alerts: number;
  readonly scalingActions: number;
  /** Mean time of its messages, ms. */
  readonly meanMs: number;
  readonly failures: number;
}

export interface FanOutDemoResult {
  readonly services: readonly FanOutServiceResult[];
  /** Of `services`, how many the planner listed from the in-memory cluster directory rather than configured ones. */
  readonly listed: number;
  readonly cycles: number;
  readonly messages: number;
  readonly retries: number;
  readonly deadLettered: number;
  /** Sum of the cycles' wall times, ms. */
  readonly wallMs: number;
  readonly p50ServiceMs: number;
  readonly p95ServiceMs: number;
  readonly stateBytesTotal: number;
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** The in-memory cluster the demo's listed services belong to. */
const DEMO_CLUSTER = "demo-cluster";
const serviceName = (i: number, n: number) => `svc-${String(i + 1).padStart(String(n).length, "0")}`;

/**
 * `cad demo --services N`: N simulated ECS services through the fan-out code the Lambdas run — the planner puts one
 * message per service on an in-process FIFO queue every 5 simulated minutes and a pool of detector workers drains
 * it. Every fifth service gets the demo's five injected incidents, the others run quiet (any alert there is a
 * false one). One model, trained on the first service's quiet day 1, serves every service: they share its profile.
 * The first half of the services are configured; the planner lists the other half from an in-memory cluster
 * directory (as `discovery` lists an ECS cluster), with the same bounds, so their messages carry cluster and bounds.
 */
export async function runFanOutDemo(opts: FanOutDemoOptions): Promise<FanOutDemoResult> {
  if (opts.days < 2) throw new Error(`--days must be at least 2 (one day to train, then detection), got ${opts.days}`);
  const start = DEMO_START;
  const end = start + opts.days * DAY;
  const names = Array.from({ length: opts.services }, (_, i) => serviceName(i, opts.services));
  const truth = new Map<string, InjectedIncident[]>(names.map((n, i) => [n, i % 5 === 0 ? defaultIncidentPlan(start, opts.days, opts.tasks) : []]));
  const sims = new Map(names.map((n, i) => [n, new EcsServiceSimulator({ service: n, tasks: opts.tasks, seed: opts.seed + i, startMs: start, incidents: truth.get(n) ?? [] })]));
  const simOf = (service: string): EcsServiceSimulator => {
    const sim = sims.get(service);
    if (!sim) throw new Error(`no simulated service "${service}"`);
    return sim;
  };
  const first = simOf(names[0]);
  first.advanceTo(start + DAY);
  const { model } = trainModel(await first.fetch(names[0], { from: start, to: start + DAY }), { featureSet: DEFAULT_FEATURE_SET, seed: opts.seed, trainedAt: new Date(start + DAY).toISOString() });

  const events = new Map<string, IncidentEvent[]>(names.map((n) => [n, []]));
  const source: MetricSource = { name: "sim", fetch: (service, range) => simOf(service).fetch(service, range) };
  const scaler: Scaler = { describe: (service) => simOf(service).describe(service), apply: (decision) => simOf(decision.service).apply(decision) };
  const state = new MemoryStateStore();
  let now = start + DAY;
  const scaling = { minTasks: opts.tasks, maxTasks: opts.tasks * 2, maxStep: 2, cooldownMs: 10 * MIN };
  const configured = names.slice(0, Math.ceil(names.length / 2));
  const directory = new MemoryServiceDirectory(names.slice(configured.length).map((service) => ({ cluster: DEMO_CLUSTER, service, minTasks: scaling.minTasks, maxTasks: scaling.maxTasks })));
  const fanOut = makeFanOut({
    directory,
    deps: {
      services: configured.map((name) => ({ name, scaling })),
      discovered: { clusters: [DEMO_CLUSTER], maxStep: scaling.maxStep, cooldownMs: scaling.cooldownMs },
      source,
      model: embeddedModel(model, `model trained on ${names[0]}`),
      featureSet: DEFAULT_FEATURE_SET,
      alerts: { send: async (e) => void events.get(e.incident.service)?.push(e) },
      scaler,
      state,
      clock: { now: () => now },
      log: new ConsoleLog("error"),
    },
    workers: opts.workers,
    // One message per invocation, so a message's time is its own service's compute plus the other workers' turns.
    batchSize: 1,
  });

  const perService = new Map<string, { ms: number; n: number; failures: number }>(names.map((n) => [n, { ms: 0, n: 0, failures: 0 }]));
  const allMs: number[] = [];
  let cycles = 0;
  let retries = 0;
  let deadLettered = 0;
  let wallMs = 0;
  const total = Math.floor((end - start - DAY) / (DEMO_RUN_EVERY_MIN * MIN));
  for (now = start + DAY + DEMO_RUN_EVERY_MIN * MIN; now <= end; now += DEMO_RUN_EVERY_MIN * MIN) {
    for (const sim of sims.values()) sim.advanceTo(now);
    const cycle = await fanOut.runCycle(now);
    cycles++;
    retries += cycle.retries;
    deadLettered += cycle.deadLettered;
    wallMs += cycle.wallMs;
    for (const r of cycle.services) {
      const p = perService.get(r.service);
      if (!p) continue;
      p.ms += r.ms;
      p.n++;
      if (r.error) p.failures++;
      allMs.push(r.ms);
    }
    opts.onProgress?.(cycles, total);
  }
  const services = names.map((service): FanOutServiceResult => {
    const sent = events.get(service) ?? [];
    const report = matchIncidents(sent, truth.get(service) ?? [], 30 * MIN);
    const p = perService.get(service) ?? { ms: 0, n: 0, failures: 0 };
    return {
      service,
      injected: report.matches.length,
      detected: report.matches.filter((m) => m.detectedBy).length,
      falseAlerts: report.falseAlerts.length,
      alerts: sent.length,
      scalingActions: simOf(service).scalingLog.length,
      meanMs: p.n > 0 ? p.ms / p.n : 0,
      failures: p.failures,
    };
  });
  const stateBytesTotal = state.keys().reduce((sum, k) => sum + (state.sizeOf(k) ?? 0), 0);
  return { services, listed: names.length - configured.length, cycles, messages: allMs.length, retries, deadLettered, wallMs, p50ServiceMs: quantile(allMs, 0.5), p95ServiceMs: quantile(allMs, 0.95), stateBytesTotal };
}

/** The per-service table and the totals, as `cad demo --services` prints them. */
export function formatFanOutDemo(r: FanOutDemoResult, workers: number): string {
  const header = ["service", "injected", "detected", "false alerts", "alerts sent", "scaling", "wall ms/message"];
  const rows = r.services.map((s) => [s.service, String(s.injected), String(s.detected), String(s.falseAlerts), String(s.alerts), String(s.scalingActions), s.meanMs.toFixed(1)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const fmt = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join("  ");
  const sum = (f: (s: FanOutServiceResult) => number) => r.services.reduce((n, s) => n + f(s), 0);
  return [
    fmt(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(fmt),
    "",
    `${r.services.length} services (${r.listed} listed from the cluster directory), ${r.cycles} planner cycles, ${r.messages} messages through ${workers} workers (${r.retries} redeliveries, ${r.deadLettered} dead-lettered)`,
    `detected ${sum((s) => s.detected)} of ${sum((s) => s.injected)} injected incidents; false alerts: ${sum((s) => s.falseAlerts)}; scaling actions: ${sum((s) => s.scalingActions)}`,
    `per message: p50 ${r.p50ServiceMs.toFixed(1)} ms, p95 ${r.p95ServiceMs.toFixed(1)} ms; detection wall time ${(r.wallMs / 1000).toFixed(1)} s; state ${(r.stateBytesTotal / 1024).toFixed(0)} KiB in total`,
  ].join("\n");
}
