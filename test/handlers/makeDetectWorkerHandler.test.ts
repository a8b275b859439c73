import { describe, expect, it } from "vitest";
import { MemoryWorkQueue, type QueuedRecord } from "../../runtime/adapters/memory/MemoryWorkQueue";
import { makeDetectHandler, makeServiceDetection, type DetectHandlerDeps, type ServiceRunSummary } from "../../runtime/handlers/makeDetectHandler";
import { makeDetectWorkerHandler } from "../../runtime/handlers/makeDetectWorkerHandler";
import { makePlanHandler } from "../../runtime/handlers/makePlanHandler";
import { detectorStateKey } from "../../runtime/handlers/detectorState";
import { encodeWorkMessage } from "../../runtime/handlers/workMessage";
import type { MetricSource, StateStore, TimeRange, WorkMessage } from "../../runtime/ports";
import type { MetricSample } from "../../runtime/types";
import { ArraySource, harnessSamples, makeHarness, MIN, SATURATION_FROM, SERVICE, T0, type Harness } from "../helpers/detectHarness";

const OTHER = "payments";
const DURING = SATURATION_FROM + 12;
const scaling = { minTasks: 4, maxTasks: 8, maxStep: 2, cooldownMs: 10 * MIN };

/** The harness with a second service whose containers behave like checkout's (saturation included). */
function twoServices(): Harness {
  const samples: MetricSample[] = harnessSamples().flatMap((s) => [s, { ...s, service: OTHER }]);
  return makeHarness({ source: new ArraySource(samples), services: [{ name: SERVICE, scaling }, { name: OTHER, scaling }] });
}

let ids = 0;
function record(service: string, minute: number, messageId = `m${++ids}`, discovered?: WorkMessage["discovered"]): QueuedRecord {
  const message: WorkMessage = { kind: "detect", service, through: T0 + minute * MIN, ...(discovered ? { discovered } : {}) };
  return { messageId, body: encodeWorkMessage(message), attributes: { ApproximateReceiveCount: "1", MessageGroupId: "g" } };
}

/** A worker as one Lambda instance: its own detection (and detector cache) over the shared ports. */
function worker(h: Harness, deps: Partial<DetectHandlerDeps> = {}) {
  const all = { ...h.deps, ...deps };
  return makeDetectWorkerHandler({ detection: makeServiceDetection(all), clock: all.clock, log: h.log });
}

async function version(store: StateStore, service = SERVICE): Promise<string | undefined> {
  return (await store.loadBytes(detectorStateKey(service)))?.version;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve: (v: T) => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("makeDetectWorkerHandler", () => {
  it("a failing service does not delay or fail the others: only its message is reported for retry", async () => {
    const h = twoServices();
    h.minute = DURING;
    // payments' source hangs until checkout has alerted, then fails.
    const hang = deferred<MetricSample[]>();
    const source: MetricSource = { name: "split", fetch: (svc: string, range: TimeRange) => (svc === OTHER ? hang.promise : h.source.fetch(svc, range)) };
    const checkoutAlerted = deferred<undefined>();
    const send = h.sink.send.bind(h.sink);
    h.sink.send = async (e) => (await send(e), e.incident.service === SERVICE ? checkoutAlerted.resolve(undefined) : undefined);

    const batch = [record(OTHER, DURING, "slow"), record(SERVICE, DURING, "fast")];
    const running = worker(h, { source })({ Records: batch });
    await checkoutAlerted.promise; // reached while payments is still waiting for its source
    hang.reject(new Error("Splunk: search job failed"));
    const out = await running;

    expect(out.batchItemFailures).toEqual([{ itemIdentifier: "slow" }]);
    expect(out.outcomes[0]).toMatchObject({ ok: false, error: expect.stringContaining("Splunk: search job failed") as string });
    const fast = out.outcomes[1];
    expect(fast.ok && fast.result.events.map((e) => e.type)).toEqual(["open"]);
    expect(h.sink.sent.map((e) => e.incident.service)).toEqual([SERVICE]);
    expect(await version(h.state, OTHER)).toBeUndefined();
  });

  it("a malformed or misrouted message fails alone, naming the field", async () => {
    const h = makeHarness();
    h.minute = DURING;
    const bad = { messageId: "bad", body: JSON.stringify({ kind: "detect", service: "", through: 1 }), attributes: { ApproximateReceiveCount: "1", MessageGroupId: "g" } };
    const misrouted = { messageId: "collect", body: JSON.stringify({ kind: "collect", service: SERVICE, through: 1 }), attributes: { ApproximateReceiveCount: "1", MessageGroupId: "g" } };
    const unknown = record("orders", DURING, "unknown");
    const out = await worker(h)({ Records: [bad, misrouted, unknown, record(SERVICE, DURING, "good")] });
    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["bad", "collect", "unknown"]);
    expect(out.outcomes.map((o) => (o.ok ? "ok" : o.error))).toEqual([
      "detect queue message bad: service: expected a non-empty service name, got \"\"",
      'detect queue message collect: a "collect" message on the detect queue; check the planner\'s queue URL',
      'service "orders" is not watched by this deployment (watched: checkout)',
      "ok",
    ]);
  });

  it("runs a service the planner found in an allowed cluster with the bounds its message carries; configured bounds win; other clusters are refused", async () => {
    const samples: MetricSample[] = harnessSamples().flatMap((s) => [s, { ...s, service: OTHER }]);
    const h = makeHarness({ source: new ArraySource(samples), services: [{ name: SERVICE, scaling }], discovered: { clusters: ["batch"], maxStep: 2, cooldownMs: 10 * MIN } });
    h.minute = DURING;
    const out = await worker(h)({
      Records: [
        record(OTHER, DURING, "found", { cluster: "batch", minTasks: 4, maxTasks: 5 }),
        record(SERVICE, DURING, "configured", { cluster: "batch", minTasks: 1, maxTasks: 1 }),
        record("ledger", DURING, "elsewhere", { cluster: "finance", minTasks: 1, maxTasks: 9 }),
      ],
    });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: "elsewhere" }]);
    expect(out.outcomes[2]).toMatchObject({ ok: false, error: 'service "ledger" is not watched by this deployment (watched: checkout; and services found in clusters batch)' });
    const byService = new Map(h.scaler.attempts.map((d, i) => [d.service, { toTasks: d.toTasks, target: h.scaler.targets[i] }]));
    // The found service stops at its tag's maxTasks 5 (4 + step 2 would be 6), in its own cluster.
    expect(byService.get(OTHER)).toEqual({ toTasks: 5, target: { cluster: "batch", minTasks: 4, maxTasks: 5 } });
    // The configured service keeps its configured bounds (max 8), not the message's.
    expect(byService.get(SERVICE)).toEqual({ toTasks: 6, target: undefined });
  });

  it("without discovered-service settings, a message for a found service is refused like any unknown service", async () => {
    const h = makeHarness();
    h.minute = DURING;
    const out = await worker(h)({ Records: [record(OTHER, DURING, "found", { cluster: "batch", minTasks: 1, maxTasks: 5 })] });
    expect(out.outcomes[0]).toMatchObject({ ok: false, error: 'service "payments" is not watched by this deployment (watched: checkout)' });
    // No configured service at all is refused, unless services found in clusters may run.
    expect(() => makeServiceDetection({ ...h.deps, services: [] })).toThrow("no services to watch: configure at least one service");
    expect(makeServiceDetection({ ...h.deps, services: [], discovered: { clusters: ["batch"], maxStep: 2, cooldownMs: 0 } }).services).toEqual([]);
  });

  it("redelivery of a processed message changes nothing: no scoring, no alert, no scaling, no write", async () => {
    const h = makeHarness();
    h.minute = DURING;
    const handle = worker(h);
    const first = await handle({ Records: [record(SERVICE, DURING)] });
    expect(first.batchItemFailures).toEqual([]);
    const before = { version: await version(h.state), sent: h.sink.sent.length, applied: h.scaler.applied.length };
    expect(before).toEqual({ version: expect.any(String) as string, sent: 1, applied: 1 });

    h.minute = DURING + 3; // redelivered later, by the same or another instance
    for (const handler of [handle, worker(h)]) {
      const again = await handler({ Records: [record(SERVICE, DURING)] });
      expect(again.batchItemFailures).toEqual([]);
      expect(again.outcomes[0]).toMatchObject({ ok: true, result: { stale: true, stepsScored: 0, events: [], alertsSent: 0 } });
    }
    expect({ version: await version(h.state), sent: h.sink.sent.length, applied: h.scaler.applied.length }).toEqual(before);
  });

  it("an older message after a newer one is stale: the newer one already scored its steps, in order", async () => {
    const h = makeHarness();
    h.minute = DURING + 10;
    const handle = worker(h);
    await handle({ Records: [record(SERVICE, DURING - 20)] });
    const newer = await handle({ Records: [record(SERVICE, DURING + 10)] });
    const stored = await version(h.state);
    const older = await handle({ Records: [record(SERVICE, DURING)] });
    expect(newer.outcomes[0]).toMatchObject({ ok: true, result: { stepsScored: 30 } });
    expect(older.outcomes[0]).toMatchObject({ ok: true, result: { stale: true, stepsScored: 0 } });
    expect(await version(h.state)).toBe(stored);
    expect(h.sink.sent.filter((e) => e.type === "open")).toHaveLength(1);
  });

  it("two workers on the same service never both scale: the second loses the claim, and its retry is stale", async () => {
    const h = makeHarness();
    h.minute = DURING;
    // Both instances load the state before either saves (SQS delivered the message twice at once).
    const bothLoaded = deferred<undefined>();
    let loads = 0;
    const gated: StateStore = {
      load: (k) => h.state.load(k),
      save: (k, v, e) => h.state.save(k, v, e),
      saveBytes: (k, b, e) => h.state.saveBytes(k, b, e),
      loadBytes: async (k) => {
        const v = await h.state.loadBytes(k);
        if (++loads === 2) bothLoaded.resolve(undefined);
        await bothLoaded.promise;
        return v;
      },
    };
    const message = record(SERVICE, DURING, "dup");
    const [a, b] = await Promise.all([worker(h, { state: gated })({ Records: [message] }), worker(h, { state: gated })({ Records: [message] })]);
    const failures = [...a.batchItemFailures, ...b.batchItemFailures];
    expect(failures).toEqual([{ itemIdentifier: "dup" }]);
    const lost = [...a.outcomes, ...b.outcomes].find((o) => !o.ok);
    expect(lost).toMatchObject({ error: 'state "detector/checkout.bin" was changed by another writer; reload and retry' });
    expect(h.scaler.applied).toHaveLength(1);
    expect(h.scaler.attempts).toHaveLength(1);

    const retry = await worker(h)({ Records: [message] });
    expect(retry.outcomes[0]).toMatchObject({ ok: true, result: { stale: true } });
    expect(h.scaler.applied).toHaveLength(1);
    expect(h.sink.sent.map((e) => e.type)).toEqual(["open"]);
  });

  it("a 3-hour backlog drains oldest-first: every alert the live runs sent, each once, and no scaling for a saturation already over", async () => {
    const START = SATURATION_FROM - 100;
    const h = twoServices();
    // The services ran before the outage.
    h.minute = START;
    await makeDetectHandler(h.deps)();
    // The planner kept planning every 5 minutes for 3 hours, but no worker ran.
    const queue = new MemoryWorkQueue({ maxReceiveCount: 5 });
    const plan = makePlanHandler({ kind: "detect", services: [SERVICE, OTHER], queue, clock: h.deps.clock, log: h.log });
    for (let m = START + 5; m <= START + 180; m += 5) {
      h.minute = m;
      await plan();
    }
    expect(queue.depth).toBe(72);

    // What a live run every 5 minutes would have opened (a separate store, same data).
    const ref = twoServices();
    for (let m = START; m <= START + 180; m += 5) {
      ref.minute = m;
      await ref.detect();
    }
    const opened = (events: readonly { type: string; incident: { id: string } }[]) => events.filter((e) => e.type === "open").map((e) => e.incident.id).sort();

    // Workers come back at the end of the outage; the first alert publish fails once (throttled) and is retried.
    h.sink.failNext = 1;
    const outcomes: ServiceRunSummary[] = [];
    const instances = [worker(h), worker(h), worker(h)].map((w) => async (event: { Records: QueuedRecord[] }) => {
      const out = await w(event);
      for (const o of out.outcomes) if (o.ok) outcomes.push(o.result);
      return out;
    });
    const report = await queue.drain(instances, { batchSize: 10 });

    expect(queue.depth).toBe(0);
    expect(queue.deadLetters).toEqual([]);
    expect(report.failures).toBeGreaterThan(0); // the throttled publish at least
    const ids = h.sink.sent.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(opened(h.sink.sent)).toEqual(opened(ref.sink.sent));
    expect(opened(h.sink.sent)).toHaveLength(2);
    expect(h.sink.sent.map((e) => e.type).sort()).toEqual(["open", "open", "resolve", "resolve"]);
    // Live runs scaled out while the saturation lasted; by the time the workers are back it has resolved, and
    // scaling decisions run on the wall clock, so the drained backlog scales nothing.
    expect(ref.scaler.applied.length).toBeGreaterThan(0);
    expect(h.scaler.applied).toEqual([]);
    for (const service of [SERVICE, OTHER]) {
      const scored = outcomes.filter((o) => o.service === service).reduce((n, o) => n + o.stepsScored, 0);
      expect(scored).toBeLessThanOrEqual(180);
    }
  });
});
