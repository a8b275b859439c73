import { describe, expect, it } from "vitest";
import { MemoryRunMetrics } from "../../runtime/adapters/memory/MemoryRunMetrics";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { sageMakerModel, type DetectionModel } from "../../runtime/handlers/detectionModel";
import { decodeServiceState, detectorStateKey, encodeServiceState, type ServiceState } from "../../runtime/handlers/detectorState";
import { makeDetectHandler, type DetectHandlerDeps, type ObservedStep } from "../../runtime/handlers/makeDetectHandler";
import { packState } from "../../runtime/model/binaryState";
import { ForestScorer } from "../helpers/forestScorer";
import { RandomCutForest } from "../../runtime/model/randomCutForest";
import { harnessBundle, harnessModel, makeHarness, MIN, SATURATION_FROM, SERVICE, T0 } from "../helpers/detectHarness";

/** Every detection a handler observed, as comparable records. */
function recorder() {
  const steps: ObservedStep[] = [];
  return { steps, observe: (s: ObservedStep) => steps.push(s), flat: () => steps.flatMap((s) => s.detections.map((d) => ({ ...d }))) };
}

/** The SageMaker-fed model of the harness: the batch forest of its bundle stands in for the endpoint. */
function sageMakerFed(): { model: DetectionModel; scorer: ForestScorer } {
  const bundle = harnessBundle();
  const model = sageMakerModel({ version: "ds-test", featureSet: bundle.featureSet, normalisation: bundle.normalisation }, { endpoint: "stand-in", calibratedAt: "2026-01-05T10:00:00Z", scoreStats: bundle.scoreStats, expectedAnomalyRate: bundle.expectedAnomalyRate ?? 0.01 });
  return { model, scorer: new ForestScorer(RandomCutForest.fromState(bundle.forest as NonNullable<typeof bundle.forest>)) };
}

describe("one detector: splitting a stream into runs changes nothing", () => {
  it.each([
    ["embedded", () => ({})],
    ["SageMaker-fed", () => sageMakerFed()],
  ] as const)("%s: 60 steps in one run, or in 12 runs of 5 steps by cold-started handlers, give the same grades, alerts and events", async (_mode, extra) => {
    const from = SATURATION_FROM - 40;
    const end = SATURATION_FROM + 20;
    // One run over the whole stretch.
    const whole = recorder();
    const a = makeHarness({ ...extra(), observe: whole.observe, settings: { firstRunSteps: end - from - 1, maxLagSteps: 500 } });
    a.minute = end;
    const one = await a.detect();
    // The same stretch as 12 scheduled runs, each by a new handler (a cold start: the state is decoded, not reused).
    const split = recorder();
    const b = makeHarness({ ...extra(), observe: split.observe, settings: { firstRunSteps: 4, maxLagSteps: 500 } });
    const events = [];
    for (b.minute = from + 5; b.minute <= end; b.minute += 5) {
      const run = makeDetectHandler(b.deps);
      events.push(...(await run()).services[0].events);
    }
    expect(split.flat().length).toBe(whole.flat().length);
    expect(split.flat()).toEqual(whole.flat());
    expect(split.flat().some((d) => d.alert)).toBe(true);
    // The incidents are the same; scaling is decided per run, so the split runs add scaling updates of their own.
    const what = (e: { type: string; at: number; incident: { id: string; kind: string; containers: readonly string[] } }) => [e.type, e.at, e.incident.id, e.incident.kind, e.incident.containers];
    const transitions = (list: readonly { type: string; at: number; incident: { id: string; kind: string; containers: readonly string[] } }[]) => list.filter((e) => e.type !== "update").map(what);
    expect(transitions(events)).toEqual(transitions(one.services[0].events));
    expect(transitions(events).length).toBeGreaterThan(0);
  });
});

describe("one detector: a stored state that cannot serve the run is replaced, logged and counted; the run's alerts still go out", () => {
  const DURING = SATURATION_FROM + 12;

  /** A harness whose store already holds `bytes` for the service, and a run's outcome at DURING. */
  async function runOver(bytes: Uint8Array | ((model: DetectionModel) => Uint8Array)) {
    const metrics = new MemoryRunMetrics();
    const h = makeHarness({ metrics, state: new MemoryStateStore() });
    await h.deps.state.saveBytes(detectorStateKey(SERVICE), typeof bytes === "function" ? bytes(h.deps.model) : bytes, undefined);
    h.minute = DURING;
    const summary = (await h.detect()).services[0];
    const stored = decodeServiceState(((await h.deps.state.loadBytes(detectorStateKey(SERVICE))) as { value: Uint8Array }).value, "stored");
    return { h, summary, metrics, stored };
  }

  /** A state as a previous run of the harness left it (at the minute given). */
  async function previousState(minute: number, edit: (s: ServiceState) => ServiceState = (s) => s): Promise<Uint8Array> {
    const h = makeHarness();
    h.minute = minute;
    await h.detect();
    const v = (await h.deps.state.loadBytes(detectorStateKey(SERVICE))) as { value: Uint8Array };
    return encodeServiceState(edit(decodeServiceState(v.value, "previous")));
  }

  it.each<[string, () => Promise<Uint8Array | ((m: DetectionModel) => Uint8Array)>, RegExp]>([
    ["truncated", async () => (await previousState(SATURATION_FROM - 10)).subarray(0, 200), /binary state is corrupt or truncated/],
    ["`{}` (a JSON object)", async () => Buffer.from("{}"), /not a binary detector state/],
    ["wrong types", async () => packState({ format: "cad-service-state/2", modelId: 3, featureSetId: "x", tracker: {}, scaling: {}, outbox: [], eventCounts: {}, detector: new Uint8Array(0) }), /modelId: expected a string, got 3/],
    ["a future lastScoredStep", async () => previousState(SATURATION_FROM - 10, (s) => ({ ...s, lastScoredStep: T0 + (DURING + 60) * MIN })), /it has scored up to 2026-01-05T\d\d:\d\d:00\.000Z, after this run's time/],
    ["another model's state", async () => previousState(SATURATION_FROM - 10, (s) => ({ ...s, modelId: "model-0123456789abcdef" })), /it was written for model model-0123456789abcdef \(deployed: model-/],
    ["a detector part that does not decode", async () => previousState(SATURATION_FROM - 10, (s) => ({ ...s, detector: Uint8Array.from([1, 2, 3]) })), /detector: not a binary detector state/],
  ])("%s", async (_what, bytes, reason) => {
    const { h, summary, metrics, stored } = await runOver(await bytes());
    const logged = h.log.find("error", "detector state replaced");
    expect(logged).toHaveLength(1);
    expect(String(logged[0].fields.reason)).toMatch(reason);
    expect(metrics.total("stateResets")).toBe(1);
    // A fresh detector (warm-started from the model) still finds the saturation: the alert goes out.
    expect(summary.error).toBeUndefined();
    expect(h.sink.sent.map((e) => `${e.type}:${e.incident.kind}`)).toContain("open:saturation");
    expect(stored.modelId).toBe(h.deps.model.id);
    expect(stored.lastScoredStep).toBe(T0 + (DURING - 2) * MIN);
  });

  it("another model's state keeps its undelivered alerts and sends them", async () => {
    const pending = { id: "checkout:old#1", type: "open" as const, incident: { ...(await (async () => (await import("../helpers/incidentEvents")).incident())()), id: "checkout:old" }, at: T0 };
    const bytes = await previousState(SATURATION_FROM - 10, (s) => ({ ...s, modelId: "model-0123456789abcdef", outbox: [pending] }));
    const { h } = await runOver(bytes);
    expect(h.sink.sent[0].id).toBe("checkout:old#1");
  });
});

describe("one detector: replicas share what normal is", () => {
  it("a new task is scored from its first step (no warm-up) against the model its container name learnt", async () => {
    const h = makeHarness();
    const samples = h.source.samples;
    // A fifth task appears at SATURATION_FROM − 5 with normal values: it is graded at once, not anomalous.
    const fresh = samples.filter((s) => s.container === "c1" && s.timestamp >= T0 + (SATURATION_FROM - 5) * MIN && s.timestamp < T0 + SATURATION_FROM * MIN).map((s) => ({ ...s, container: "c5" }));
    h.source.samples = [...samples, ...fresh];
    const seen = recorder();
    const run = makeDetectHandler({ ...h.deps, observe: seen.observe, settings: { firstRunSteps: 10 } } satisfies DetectHandlerDeps);
    h.minute = SATURATION_FROM + 1;
    await run();
    const c5 = seen.flat().filter((d) => d.container === "c5");
    expect(c5).toHaveLength(5);
    expect(c5.every((d) => d.confidence > 0.5 && d.score > 0)).toBe(true);
    expect(c5.every((d) => d.grade === 0)).toBe(true);
    expect(harnessModel().warmStart?.size).toBe(1);
  });
});
