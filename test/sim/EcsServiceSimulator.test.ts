import { describe, expect, it } from "vitest";
import { EcsServiceSimulator } from "../../runtime/sim/EcsServiceSimulator";
import type { InjectedIncident, InjectedKind } from "../../runtime/sim/incidentPlan";
import type { MetricSample } from "../../runtime/types";

const MIN = 60_000;
const START = Date.UTC(2026, 0, 5);
const MINUTES = 300;
const at = (m: number) => START + m * MIN;
const inc = (kind: InjectedKind, from: number, to: number, task?: number): InjectedIncident => ({ kind, start: at(from), end: at(to), task, description: kind });
/** One window per kind, apart from each other; tasks 1..4 are the affected containers. */
const PLAN = [inc("load-spike", 30, 60), inc("memory-leak", 80, 120, 1), inc("cpu-throttling", 140, 170, 2), inc("network-drop", 190, 220, 3), inc("crash-loop", 240, 270, 4)];

function simulate(incidents: readonly InjectedIncident[], seed = 7, minutes = MINUTES): EcsServiceSimulator {
  const sim = new EcsServiceSimulator({ service: "checkout", tasks: 6, seed, startMs: START, incidents });
  sim.advanceTo(at(minutes));
  return sim;
}
const all = (sim: EcsServiceSimulator) => sim.fetch("checkout", { from: START, to: at(MINUTES) });
const sim0 = () => simulate([], 7, 1);

/** value[minute][task][metric] from samples. */
function grid(sim: EcsServiceSimulator, samples: MetricSample[]) {
  const tasks = sim.containers();
  const g = new Map<string, number>();
  for (const s of samples) g.set(`${Math.floor((s.timestamp - START) / MIN)}|${tasks.indexOf(s.container)}|${s.metric}`, s.value);
  return (minute: number, task: number, metric: string): number => {
    const v = g.get(`${minute}|${task}|${metric}`);
    if (v === undefined) throw new Error(`no ${metric} for task ${task} at minute ${minute}`);
    return v;
  };
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const TASKS = [0, 1, 2, 3, 4, 5];

describe("EcsServiceSimulator: deterministic for a seed", () => {
  it("reproduces every sample for the same seed and differs for another", async () => {
    const a = await all(simulate(PLAN));
    // 6 tasks, each an app and an Envoy sidecar, 7 metrics each.
    expect(a).toHaveLength(MINUTES * 6 * 2 * 7);
    expect(await all(simulate(PLAN))).toEqual(a);
    expect(await all(simulate(PLAN, 8))).not.toEqual(a);
  });

  it("reports each minute a few seconds into the minute, for the range asked, per container and metric", async () => {
    const sim = simulate([]);
    const window = await sim.fetch("checkout", { from: at(10) + 15_000, to: at(12) });
    expect(window.every((s) => s.timestamp >= at(10) + 15_000 && s.timestamp < at(12))).toBe(true);
    const minute11 = window.filter((s) => s.timestamp >= at(11));
    expect(minute11).toHaveLength(6 * 2 * 7);
    expect(new Set(minute11.map((s) => s.metric))).toEqual(
      new Set(["container.cpu.utilized", "container.memory.utilized", "container.network.rate.rx", "container.network.rate.tx", "container.restarts", "container.cpu.throttled", "http.server.latency.p95"]),
    );
    expect(await sim.fetch("search", { from: START, to: at(10) })).toEqual([]);
    // Nothing beyond the simulated time.
    expect(await sim.fetch("checkout", { from: at(MINUTES), to: at(MINUTES + 10) })).toEqual([]);
  });

  it("runs an app and an Envoy sidecar in every task, named as OpenTelemetry names them, the sidecar with its own normal", async () => {
    const samples = await all(simulate([]));
    const app = sim0().containers();
    expect(app).toHaveLength(6);
    expect(app.every((c) => c.endsWith("/app"))).toBe(true);
    const names = new Map<string, string | undefined>();
    for (const s of samples) names.set(s.container, s.containerName);
    expect([...names.entries()].filter(([, n]) => n === "envoy").map(([c]) => c.replace(/\/envoy$/, "/app")).sort()).toEqual([...app].sort());
    const cpu = (name: string) => mean(samples.filter((s) => s.containerName === name && s.metric === "container.cpu.utilized").map((s) => s.value));
    const mem = (name: string) => mean(samples.filter((s) => s.containerName === name && s.metric === "container.memory.utilized").map((s) => s.value));
    expect(cpu("envoy")).toBeLessThan(cpu("app") / 4);
    expect(mem("envoy")).toBeLessThan(mem("app") / 4);
    // Without the sidecar, one container per task.
    const single = new EcsServiceSimulator({ service: "checkout", tasks: 2, seed: 7, startMs: START, incidents: [], sidecar: false });
    single.advanceTo(at(3));
    expect(new Set((await single.fetch("checkout", { from: START, to: at(3) })).map((s) => s.containerName))).toEqual(new Set(["app"]));
  });

  it("rejects bad options and unknown services", async () => {
    expect(() => new EcsServiceSimulator({ service: "s", tasks: 0, seed: 1, startMs: START, incidents: [] })).toThrow("simulator: tasks must be a positive integer, got 0");
    expect(() => new EcsServiceSimulator({ service: "s", tasks: 1, seed: 1, startMs: START + 1, incidents: [] })).toThrow("simulator: startMs must be aligned to a whole minute");
    const sim = simulate([], 7, 1);
    await expect(sim.describe("search")).rejects.toThrow('simulator: unknown service "search"');
    await expect(sim.apply({ service: "search", action: "scale-out", fromTasks: 1, toTasks: 2, reason: "" })).rejects.toThrow('simulator: unknown service "search"');
  });
});

describe("EcsServiceSimulator: injected incidents change metrics inside their windows only", async () => {
  const withSim = simulate(PLAN);
  const baseSim = simulate([]);
  const v = grid(withSim, await all(withSim));
  const b = grid(baseSim, await all(baseSim));
  const inside = (m: number) => PLAN.some((p) => at(m) >= p.start && at(m) < p.end);
  const metrics = ["container.cpu.utilized", "container.memory.utilized", "container.network.rate.rx", "container.network.rate.tx", "container.restarts", "container.cpu.throttled", "http.server.latency.p95"];

  it("outside every window the metrics equal a run without incidents (a crashed container's memory warms up 60 MiB/min, so it is still low at the first minute after)", () => {
    let compared = 0;
    for (const m of range(0, MINUTES).filter((x) => !inside(x))) {
      for (const t of TASKS)
        for (const metric of metrics) {
          if (m === 270 && t === 4 && metric === "container.memory.utilized") {
            expect(v(m, t, metric)).toBeLessThan(b(m, t, metric));
            continue;
          }
          expect(v(m, t, metric), `minute ${m} task ${t} ${metric}`).toBe(b(m, t, metric));
          compared++;
        }
    }
    expect(compared).toBeGreaterThan(100 * 6 * 7);
  });

  it("load spike: CPU and latency of every task rise after the 5-minute ramp", () => {
    for (const t of TASKS) {
      const ms = range(35, 60);
      expect(mean(ms.map((m) => v(m, t, "container.cpu.utilized")))).toBeGreaterThan(1.8 * mean(ms.map((m) => b(m, t, "container.cpu.utilized"))));
      expect(mean(ms.map((m) => v(m, t, "http.server.latency.p95")))).toBeGreaterThan(mean(ms.map((m) => b(m, t, "http.server.latency.p95"))) + 5);
    }
  });

  it("memory leak: the leaking container grows 4 MiB per minute, the others do not change", () => {
    for (const m of range(80, 120)) {
      expect(v(m, 1, "container.memory.utilized") - b(m, 1, "container.memory.utilized")).toBeCloseTo(4 * (m - 79), 2);
      for (const t of [0, 2, 3, 4, 5]) expect(v(m, t, "container.memory.utilized")).toBe(b(m, t, "container.memory.utilized"));
    }
  });

  it("CPU throttling: the noisy neighbour's container is throttled 25–40 % with more CPU and latency; the others do not change", () => {
    for (const m of range(140, 170)) {
      expect(v(m, 2, "container.cpu.throttled")).toBeGreaterThanOrEqual(25);
      expect(v(m, 2, "container.cpu.throttled")).toBeLessThanOrEqual(40);
      expect(v(m, 2, "container.cpu.utilized")).toBeCloseTo(Math.min(100, b(m, 2, "container.cpu.utilized") * 1.3), 1);
      expect(v(m, 2, "http.server.latency.p95")).toBeCloseTo(b(m, 2, "http.server.latency.p95") * 1.8, 1);
      for (const t of [0, 1, 3, 4, 5]) expect(v(m, t, "container.cpu.throttled")).toBe(b(m, t, "container.cpu.throttled"));
    }
  });

  it("network drop: one container loses ~90 % of its traffic and gains latency, the others absorb its share", () => {
    const ms = range(190, 220);
    for (const metric of ["container.network.rate.rx", "container.network.rate.tx"]) {
      expect(mean(ms.map((m) => v(m, 3, metric)))).toBeLessThan(0.2 * mean(ms.map((m) => b(m, 3, metric))));
      expect(mean(ms.map((m) => v(m, 0, metric)))).toBeGreaterThan(1.1 * mean(ms.map((m) => b(m, 0, metric))));
    }
    expect(mean(ms.map((m) => v(m, 3, "http.server.latency.p95")))).toBeGreaterThan(mean(ms.map((m) => b(m, 3, "http.server.latency.p95"))) + 100);
  });

  it("crash loop: one container restarts every 3 minutes with a memory drop and a CPU burst", () => {
    const restartMinutes = range(240, 270).filter((m) => v(m, 4, "container.restarts") === 1);
    expect(restartMinutes).toEqual(range(240, 270).filter((m) => (m - 240) % 3 === 0));
    for (const m of restartMinutes) {
      expect(v(m, 4, "container.memory.utilized")).toBeLessThan(b(m, 4, "container.memory.utilized") - 150);
      expect(v(m, 4, "container.cpu.utilized")).toBeGreaterThan(b(m, 4, "container.cpu.utilized") + 20);
    }
    for (const m of range(0, MINUTES)) for (const t of [0, 1, 2, 3, 5]) expect(v(m, t, "container.restarts")).toBe(0);
  });
});

describe("EcsServiceSimulator as a Scaler", () => {
  it("scaling out adds containers that report after the start delay and lowers CPU per task; scaling in removes the newest", async () => {
    const scaled = new EcsServiceSimulator({ service: "checkout", tasks: 6, seed: 7, startMs: START, incidents: [] });
    const base = simulate([], 7, 120);
    scaled.advanceTo(at(60));
    const original = scaled.containers();
    await scaled.apply({ service: "checkout", action: "scale-out", fromTasks: 6, toTasks: 9, reason: "test" });
    expect(scaled.containers()).toHaveLength(9);
    expect(scaled.containers().slice(0, 6)).toEqual(original);
    expect(await scaled.describe("checkout")).toEqual({ desiredTasks: 9, runningTasks: 6, deploying: false });
    scaled.advanceTo(at(120));
    expect(await scaled.describe("checkout")).toEqual({ desiredTasks: 9, runningTasks: 9, deploying: false });

    const samples = await scaled.fetch("checkout", { from: START, to: at(120) });
    const newOnes = scaled.containers().slice(6);
    const firstReport = Math.min(...samples.filter((s) => newOnes.includes(s.container)).map((s) => s.timestamp));
    expect(Math.floor((firstReport - START) / MIN)).toBe(62);

    const cpu = (xs: MetricSample[], container: string) => mean(xs.filter((s) => s.container === container && s.metric === "container.cpu.utilized" && s.timestamp >= at(70)).map((s) => s.value));
    const baseSamples = await base.fetch("checkout", { from: START, to: at(120) });
    for (const c of original) expect(cpu(samples, c)).toBeLessThan(0.8 * cpu(baseSamples, c));

    await scaled.apply({ service: "checkout", action: "restore", fromTasks: 9, toTasks: 6, reason: "test" });
    expect(scaled.containers()).toEqual(original);
    expect(scaled.scalingLog.map((l) => [l.at, l.decision.action])).toEqual([
      [at(60), "scale-out"],
      [at(120), "restore"],
    ]);
  });
});
