import { MemoryRunMetrics } from "../../runtime/adapters/memory/MemoryRunMetrics";
import { describe, expect, it } from "vitest";
import { DetectRunError, makeDetectHandler } from "../../runtime/handlers/makeDetectHandler";
import { decodeServiceState, detectorStateKey, type ServiceState } from "../../runtime/handlers/detectorState";
import type { MetricSource } from "../../runtime/ports";
import { ArraySource, HARNESS_FS, makeHarness, MIN, SATURATION_FROM, SERVICE, T0, TOTAL_MINUTES, type Harness } from "../helpers/detectHarness";

async function stored(h: Harness): Promise<ServiceState> {
  const v = await h.state.loadBytes(detectorStateKey(SERVICE));
  if (!v) throw new Error("no detector state stored");
  return decodeServiceState(v.value, "stored");
}
async function rejection(p: Promise<unknown>): Promise<DetectRunError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DetectRunError);
  return err as DetectRunError;
}
/** Clock at SATURATION_FROM + 12 min: the window holds 11 saturated minutes, enough to confirm. */
const DURING = SATURATION_FROM + 12;

describe("makeDetectHandler with in-memory ports", () => {
  it("a window with an injected saturation opens one incident, scales out, alerts once and persists state", async () => {
    const h = makeHarness();
    h.minute = DURING;
    const summary = await h.detect();
    const s = summary.services[0];
    expect(summary.at).toBe(T0 + DURING * MIN);
    expect(s.error).toBeUndefined();
    expect(s.rowsScored).toBe(30 * 4);
    const saturated = s.anomalies.filter((a) => a.timestamp >= T0 + SATURATION_FROM * MIN);
    // Every container is anomalous from the saturation's first step for at least the 3 steps confirmation needs;
    // once confirmed, the forest learns it as the new normal (about a dozen steps), so not all 11 steps stay anomalous.
    for (const c of ["c1", "c2", "c3", "c4"]) {
      const times = saturated.filter((a) => a.container === c).map((a) => (a.timestamp - T0) / MIN);
      expect(times.slice(0, 3)).toEqual([SATURATION_FROM, SATURATION_FROM + 1, SATURATION_FROM + 2]);
    }
    expect(saturated.length).toBeLessThan(4 * 11);
    expect(s.anomalies.length - saturated.length).toBeLessThan(4); // the tail of the normal score distribution
    expect(s.events.map((e) => `${e.type}:${e.incident.kind}`)).toEqual(["open:saturation"]);
    const open = s.events[0];
    expect(open.incident).toMatchObject({ service: SERVICE, status: "open", start: T0 + SATURATION_FROM * MIN, containers: ["c1", "c2", "c3", "c4"] });
    expect(open.incident.topMetrics[0].role).toMatch(/^(cpu|latency)$/);
    expect(open.scaling).toMatchObject({ action: "scale-out", fromTasks: 4, toTasks: 6, applied: true, incidentId: open.incident.id });
    expect(h.scaler.applied).toEqual([expect.objectContaining({ action: "scale-out", fromTasks: 4, toTasks: 6 })]);
    expect(h.sink.sent).toEqual(JSON.parse(JSON.stringify(s.events)));
    expect(s.alertsSent).toBe(1);
    expect(s.alertsPending).toBe(0);
    const st = await stored(h);
    expect(st.outbox).toEqual([]);
    expect(st.lastScoredStep).toBe(T0 + (DURING - 2) * MIN); // the newest step is left for late data
    expect(st.scaling).toEqual({ baselineTasks: 4, lastActionAt: T0 + DURING * MIN });
    expect(h.log.find("error", "")).toEqual([]);
  });

  it("a quiet window sends nothing and scales nothing; the next run continues where the last one stopped", async () => {
    const h = makeHarness();
    h.minute = SATURATION_FROM - 5;
    const first = (await h.detect()).services[0];
    expect(first.events).toEqual([]);
    expect(h.sink.sent).toEqual([]);
    expect(h.scaler.attempts).toEqual([]);
    h.minute += 5;
    const second = (await h.detect()).services[0];
    expect(second.stepsScored).toBe(5);
    expect(h.source.fetches[1].to).toBe(T0 + (h.minute - 1) * MIN);
  });

  it("alert delivery fails: the event stays in the outbox, the run fails, and the next run delivers it without scaling again", async () => {
    const h = makeHarness();
    h.minute = DURING;
    h.sink.failNext = 1;
    const err = await rejection(h.detect());
    expect(err.message).toBe("detect run failed for checkout (alert delivery failed (1 pending): SNS: Rate exceeded)");
    expect(err.summary.services[0].error).toContain("SNS: Rate exceeded");
    expect(h.sink.sent).toEqual([]);
    expect(h.scaler.applied).toHaveLength(1);
    const parked = (await stored(h)).outbox;
    expect(parked.map((e) => e.type)).toEqual(["open"]);
    expect(parked[0].scaling).toMatchObject({ action: "scale-out", applied: true });
    expect(h.log.find("error", "alert delivery failed; kept in the outbox")).toHaveLength(1);

    // The platform retries the same invocation: the parked event goes out, nothing is re-scored or re-scaled.
    const retry = (await h.detect()).services[0];
    expect(retry.stepsScored).toBe(0);
    expect(retry.alertsSent).toBe(1);
    expect(h.sink.sent).toEqual(parked);
    expect(h.scaler.applied).toHaveLength(1);
    expect((await stored(h)).outbox).toEqual([]);

    // And later runs do not repeat it.
    h.minute += 5;
    await h.detect();
    expect(h.sink.sent.filter((e) => e.type === "open")).toHaveLength(1);
    expect(h.scaler.applied).toHaveLength(1);
  });

  it("scaler.apply fails: the alert still goes out and says scaling failed; the next run tries again", async () => {
    const h = makeHarness();
    h.minute = DURING;
    h.scaler.failWith = new Error("ECS: service is draining");
    const s = (await h.detect()).services[0];
    expect(h.sink.sent.map((e) => e.type)).toEqual(["open"]);
    expect(h.sink.sent[0].scaling).toMatchObject({ action: "scale-out", fromTasks: 4, toTasks: 6, applied: false, error: "ECS: service is draining" });
    expect(s.scaling).toMatchObject({ applied: false });
    expect(h.log.find("error", "scaling failed")).toHaveLength(1);
    expect((await stored(h)).scaling).toEqual({});

    h.scaler.failWith = undefined;
    h.minute += 5;
    await h.detect();
    expect(h.scaler.applied).toEqual([expect.objectContaining({ fromTasks: 4, toTasks: 6 })]);
    const last = h.sink.sent[h.sink.sent.length - 1];
    expect(last).toMatchObject({ type: "update", scaling: { action: "scale-out", applied: true } });
  });

  it("an overlapping run fails with DetectRunError on the state conflict, before scaling or alerting a second time", async () => {
    const h = makeHarness();
    h.minute = DURING;
    // The overlapping run loads the (empty) state, then its fetch is slow: ours runs to the end meanwhile.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slow: MetricSource = { name: "slow", fetch: async (svc, range) => (await gate, h.source.fetch(svc, range)) };
    const overlapping = makeDetectHandler({ ...h.deps, source: slow });
    const late = overlapping();
    const ours = await h.detect();
    expect(ours.services[0].scaling).toMatchObject({ fromTasks: 4, toTasks: 6, applied: true });
    release();
    const err = await rejection(late);
    expect(err.message).toBe('detect run failed for checkout (state "detector/checkout.bin" was changed by another writer; reload and retry)');
    // It saw 6 tasks and would have scaled 6 → 8, but the claim failed first.
    expect(h.scaler.applied).toHaveLength(1);
    expect(h.sink.sent.map((e) => e.type)).toEqual(["open"]);
    // Its retry reloads our state: nothing new to send, in cooldown.
    await overlapping();
    expect(h.sink.sent.map((e) => e.type)).toEqual(["open"]);
    expect(h.scaler.applied).toHaveLength(1);
  });

  it("refuses a serving feature set that differs from the model's, naming the difference", () => {
    const h = makeHarness();
    const serving = { ...HARNESS_FS, metrics: [HARNESS_FS.metrics[1], HARNESS_FS.metrics[0], HARNESS_FS.metrics[2]], stepSeconds: 30 };
    expect(() => makeDetectHandler({ ...h.deps, featureSet: serving })).toThrow(
      "the configured feature set does not match the model's; retrain or fix the configuration:\n  metrics: model has [cpu, memory, latency], serving has [memory, cpu, latency]\n  stepSeconds: model 60, serving 30",
    );
  });

  it("refuses a bad configuration at construction", () => {
    const h = makeHarness();
    expect(() => makeDetectHandler({ ...h.deps, services: [] })).toThrow("no services to watch: configure at least one service");
    expect(() => makeDetectHandler({ ...h.deps, services: [{ name: SERVICE, scaling: { minTasks: 5, maxTasks: 2, maxStep: 1, cooldownMs: 0 } }] })).toThrow(
      'service "checkout" scaling: minTasks (5) is greater than maxTasks (2)',
    );
  });

  it("no samples in the window: a warning, no crash, nothing sent", async () => {
    const h = makeHarness({ source: new ArraySource([]) });
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    expect(s).toMatchObject({ stepsScored: 0, rowsScored: 0, events: [], alertsSent: 0 });
    expect(h.log.find("warn", "no samples for service in window")).toEqual([
      expect.objectContaining({ fields: { service: SERVICE, from: new Date(T0 + (DURING - 31) * MIN).toISOString(), to: new Date(T0 + (DURING - 1) * MIN).toISOString() } }),
    ]);
  });

  it("a NaN sample is left out with a warning naming container and metric, and does not block detection", async () => {
    const h = makeHarness();
    const i = h.source.samples.findIndex((x) => x.timestamp >= T0 + (DURING - 5) * MIN && x.container === "c3" && x.metric === "latency");
    h.source.samples[i] = { ...h.source.samples[i], value: NaN };
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    expect(s.error).toBeUndefined();
    expect(s.rowsScored).toBeGreaterThan(0);
    expect(h.log.find("warn", "samples with non-numeric values or timestamps left out")).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ service: SERVICE, count: 1, example: expect.objectContaining({ container: "c3", metric: "latency", value: "NaN" }) }) }),
    ]);
  });

  it("reports model health per run: anomaly rate, its ratio to training's, and score quantiles", async () => {
    const h = makeHarness();
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    expect(s.health).toBeDefined();
    const health = s.health as NonNullable<typeof s.health>;
    expect(health.rowsScored).toBe(s.rowsScored);
    expect(health.anomalyRate).toBeCloseTo(s.anomalies.length / s.rowsScored, 12);
    expect(health.scoreQuantiles?.max).toBe(Math.max(...s.anomalies.map((a) => a.score)));
    if (h.deps.model.expectedAnomalyRate !== undefined) expect(health.rateRatio).toBeCloseTo((health.anomalyRate as number) / h.deps.model.expectedAnomalyRate, 12);
    // The same figures go out as per-service gauges (the model-health alarm watches AnomalyRate).
    const metrics = new MemoryRunMetrics();
    const again = makeHarness();
    again.minute = DURING;
    await makeDetectHandler({ ...again.deps, metrics })();
    expect(metrics.gauges.map((g) => g.name)).toEqual(["AnomalyRate", "ScoreP50", "ScoreP90", "ScoreP99", "ScoreMax"]);
    expect(metrics.gauges.every((g) => g.service === SERVICE)).toBe(true);
    expect(metrics.gauges[0].value).toBeCloseTo(health.anomalyRate as number, 12);
    expect(metrics.total("rowsProcessed")).toBe(s.rowsScored);
  });

  it("a dry-run scaler outcome reaches the alert: not applied, marked dry run, and paced like a real action", async () => {
    const h = makeHarness();
    h.scaler.outcome = { applied: false, dryRun: true, target: "desired-count", toTasks: 6, reason: "dry run: would set desiredCount 6" };
    h.minute = DURING;
    await h.detect();
    const withScaling = h.sink.sent.filter((e) => e.scaling);
    expect(withScaling).toHaveLength(1);
    expect(withScaling[0].scaling).toMatchObject({ action: "scale-out", applied: false, dryRun: true, toTasks: 6 });
    expect(withScaling[0].scaling?.reason).toMatch(/dry run: would set desiredCount 6/);
    expect(h.scaler.desired).toBe(4);
    h.minute = DURING + 1;
    await h.detect();
    expect(h.scaler.attempts).toHaveLength(1); // the cooldown holds after a dry run too
  });

  it("an alert parked in the sink's dead-letter queue is not re-sent, and the run still fails", async () => {
    const h = makeHarness();
    let calls = 0;
    const original = h.sink.send.bind(h.sink);
    h.sink.send = async (e) => {
      calls++;
      if (calls === 1) throw Object.assign(new Error("SNS publish failed: throttled"), { parkedIn: "https://sqs.example/dlq" });
      return original(e);
    };
    h.minute = DURING;
    const err = await rejection(h.detect());
    expect(err.message).toMatch(/1 parked in the dead-letter queue/);
    expect((await stored(h)).outbox).toEqual([]);
    expect(h.log.find("error", "alert not published; parked in the dead-letter queue")).toHaveLength(1);
  });

  it("duplicate and out-of-order samples are cleaned with counts in the log, and scored like clean input", async () => {
    const clean = makeHarness();
    clean.minute = DURING;
    const expected = (await clean.detect()).services[0];
    const h = makeHarness();
    const window = h.source.samples.filter((x) => x.timestamp >= T0 + (DURING - 40) * MIN);
    const again = window.filter((x) => x.timestamp >= T0 + (DURING - 10) * MIN && x.timestamp < T0 + (DURING - 9) * MIN && x.container === "c2");
    expect(again).toHaveLength(3);
    h.source.samples = [...window].reverse().concat(again, again);
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    expect(s.anomalies).toEqual(expected.anomalies);
    expect(s.events).toEqual(expected.events);
    const cleaned = h.log.find("info", "input cleaned while aligning");
    expect(cleaned).toHaveLength(1);
    expect(cleaned[0].fields).toMatchObject({ service: SERVICE, duplicates: 6 });
    expect(cleaned[0].fields.outOfOrder).toBeGreaterThan(0);
  });

  it("a failing describe() skips scaling for the run but still alerts", async () => {
    const h = makeHarness();
    h.scaler.describe = async () => {
      throw new Error("ECS: AccessDenied");
    };
    h.minute = DURING;
    const s = (await h.detect()).services[0];
    expect(s.scaling).toBeUndefined();
    expect(h.sink.sent.map((e) => e.type)).toEqual(["open"]);
    expect(h.log.find("error", "could not read service capacity")).toHaveLength(1);
  });

  it("the scale-in after a resolved incident is its own restore event, never an update after the resolve", async () => {
    const h = makeHarness({ services: [{ name: SERVICE, scaling: { minTasks: 4, maxTasks: 8, maxStep: 2, cooldownMs: 10 * MIN, restoreMaxCpuPercent: 100 } }] });
    // The saturation lasts 20 minutes; the samples after it are as normal as before it.
    const QUIET_FROM = SATURATION_FROM + 20;
    const before = h.source.samples.filter((x) => x.timestamp < T0 + SATURATION_FROM * MIN);
    const shifted = before.filter((x) => x.timestamp >= T0 + (SATURATION_FROM - (TOTAL_MINUTES - QUIET_FROM)) * MIN).map((x) => ({ ...x, timestamp: x.timestamp + (TOTAL_MINUTES - SATURATION_FROM) * MIN }));
    h.source.samples = [...h.source.samples.filter((x) => x.timestamp < T0 + QUIET_FROM * MIN), ...shifted];
    for (h.minute = DURING; h.minute <= TOTAL_MINUTES; h.minute += 5) await h.detect();

    const types = h.sink.sent.map((e) => e.type);
    expect(types[0]).toBe("open");
    expect(types.slice(-2)).toEqual(["resolve", "restore"]);
    expect(types.filter((t) => t === "resolve" || t === "restore")).toEqual(["resolve", "restore"]);
    const resolve = h.sink.sent[types.indexOf("resolve")];
    const restore = h.sink.sent[types.indexOf("restore")];
    // The resolve says only that; the restore carries the scale-in, for the same incident, numbered after it.
    expect(resolve.scaling?.action ?? "none").not.toBe("restore");
    expect(restore).toMatchObject({ incident: { id: resolve.incident.id, status: "resolved" }, scaling: { action: "restore", toTasks: 4, applied: true } });
    expect(Number(restore.id.split("#")[1])).toBe(Number(resolve.id.split("#")[1]) + 1);
    expect(h.scaler.applied.map((d) => d.action)).toEqual([...h.scaler.applied.slice(0, -1).map(() => "scale-out"), "restore"]);
    expect(h.scaler.desired).toBe(4);
  });
});
