import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { emptyTrackerState } from "../../runtime/detection/incidentTracker";
import { detectorStateKey, encodeServiceState, SERVICE_STATE_FORMAT } from "../../runtime/handlers/detectorState";
import { feedbackFor } from "../../runtime/detection/feedback";
import { loadFeedback, recordFeedback } from "../../runtime/handlers/feedbackStore";
import { makeFeedbackHandler } from "../../runtime/handlers/makeFeedbackHandler";
import { StateConflictError } from "../../runtime/ports";
import type { Incident } from "../../runtime/types";
import { anomalyAt, T0 } from "../helpers/anomalies";
import { RecordingLog } from "../helpers/recordingLog";

const ID = "checkout:2026-01-06T10:00:00.000Z";
const open: Incident = { id: ID, service: "checkout", status: "open", kind: "saturation", start: T0, lastAnomalyAt: T0, containers: ["c1"], containerNames: ["app"], anomalyCount: 4, peakScore: 2, peakGrade: 0.6, confidence: 1, threshold: 1.2, topMetrics: anomalyAt("c1", 0, { cpu: 4 }).attribution.slice(0, 1) };

async function storeWithIncident(): Promise<MemoryStateStore> {
  const store = new MemoryStateStore();
  const tracker = { ...emptyTrackerState(), open: { incident: open, evidence: {}, quietSteps: 0, lastEventAt: T0, lastEventKind: "saturation" as const, lastEventContainers: 1, lastEventGrade: 0.6 } };
  await store.saveBytes(detectorStateKey("checkout"), encodeServiceState({ format: SERVICE_STATE_FORMAT, modelId: "m", featureSetId: "fs", tracker, scaling: {}, outbox: [], eventCounts: {}, detector: new Uint8Array(0) }), undefined);
  return store;
}
const post = (body: unknown) => ({ body: typeof body === "string" ? body : JSON.stringify(body), requestContext: { http: { method: "POST" } } });
const clock = { now: () => T0 + 3_600_000 };

describe("makeFeedbackHandler (the function URL's POST)", () => {
  it("stores the mark with the incident's pattern and answers 200 with it", async () => {
    const store = await storeWithIncident();
    const log = new RecordingLog();
    const r = await makeFeedbackHandler({ state: store, clock, log })(post({ incidentId: ID, verdict: "expected", note: "release night" }));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ stored: { incidentId: ID, verdict: "expected", note: "release night", at: clock.now() }, key: "feedback/checkout.json", marks: 1 });
    expect((await loadFeedback(store, "checkout")).memory.records[0].pattern.metrics[0]).toMatchObject({ metric: "container.cpu.utilized", direction: "up" });
    expect(log.find("info", "feedback stored")).toHaveLength(1);
  });

  it("accepts a base64-encoded body, as function URLs may deliver it", async () => {
    const r = await makeFeedbackHandler({ state: await storeWithIncident(), clock, log: new RecordingLog() })({ body: Buffer.from(JSON.stringify({ incidentId: ID, verdict: "real" })).toString("base64"), isBase64Encoded: true });
    expect(r.statusCode).toBe(200);
  });

  it.each([
    ["not JSON", "{", "the body is not JSON"],
    ["a bad verdict", { incidentId: ID, verdict: "maybe" }, 'verdict: one of false-alarm, real, expected, got "maybe"'],
    ["a bad incident id", { incidentId: "checkout", verdict: "real" }, "incidentId: an incident id <service>:<start>"],
    ["an unknown field", { incidentId: ID, verdict: "real", severity: 1 }, "severity: one of the known fields: incidentId, verdict, note, remove"],
    ["neither verdict nor remove", { incidentId: ID }, "give either verdict (false-alarm, real or expected: mark the incident) or remove: true (take its mark back)"],
    ["both verdict and remove", { incidentId: ID, verdict: "real", remove: true }, "give either verdict"],
    ["remove other than true", { incidentId: ID, remove: "yes" }, 'remove: true (take the mark on incidentId back), got "yes"'],
    ["a note with remove", { incidentId: ID, remove: true, note: "oops" }, "note: goes with a verdict"],
  ])("answers 400 naming the field for %s", async (_, body, message) => {
    const r = await makeFeedbackHandler({ state: await storeWithIncident(), clock, log: new RecordingLog() })(post(body));
    expect(r.statusCode).toBe(400);
    expect(JSON.parse(r.body).error).toContain(message);
  });

  it("takes a mark back with {incidentId, remove: true}, keeping the others, and answers 404 when there is none to take back", async () => {
    const store = await storeWithIncident();
    const log = new RecordingLog();
    const handler = makeFeedbackHandler({ state: store, clock, log });
    expect((await handler(post({ incidentId: ID, verdict: "false-alarm" }))).statusCode).toBe(200);
    // A mark on an older incident the state no longer holds: it can still be taken back.
    const older = "checkout:2026-01-05T08:00:00.000Z";
    await recordFeedback(store, feedbackFor({ ...open, id: older }, "expected", T0));

    const r = await handler(post({ incidentId: older, remove: true }));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ removed: { incidentId: older, verdict: "expected" }, key: "feedback/checkout.json", marks: 1 });
    expect((await loadFeedback(store, "checkout")).memory.records.map((m) => m.incidentId)).toEqual([ID]);
    expect(log.find("info", "feedback removed")[0].fields).toMatchObject({ incidentId: older, verdict: "expected", marks: 1 });

    const again = await handler(post({ incidentId: older, remove: true }));
    expect(again.statusCode).toBe(404);
    expect(JSON.parse(again.body).error).toBe(`no mark on "${older}": the feedback of service "checkout" holds 1 mark(s)`);
    const conflicting = Object.assign(Object.create(store) as MemoryStateStore, { save: () => Promise.reject(new StateConflictError("feedback/checkout.json")) });
    expect((await makeFeedbackHandler({ state: conflicting, clock, log })(post({ incidentId: ID, remove: true }))).statusCode).toBe(409);
  });

  it("answers 404 for an incident the state does not hold, 405 for GET", async () => {
    const handler = makeFeedbackHandler({ state: await storeWithIncident(), clock, log: new RecordingLog() });
    const r = await handler(post({ incidentId: "checkout:2026-01-06T11:00:00.000Z", verdict: "real" }));
    expect(r.statusCode).toBe(404);
    expect(JSON.parse(r.body).error).toContain(`holds ${ID}`);
    expect((await handler(post({ incidentId: "payments:2026-01-06T11:00:00.000Z", verdict: "real" }))).statusCode).toBe(404);
    expect((await handler({ requestContext: { http: { method: "GET" } } })).statusCode).toBe(405);
  });

  it("answers 409 when concurrent writers keep winning, 500 (logged) when the store fails", async () => {
    const store = await storeWithIncident();
    const conflicting = Object.assign(Object.create(store) as MemoryStateStore, { save: () => Promise.reject(new StateConflictError("feedback/checkout.json")) });
    expect((await makeFeedbackHandler({ state: conflicting, clock, log: new RecordingLog() })(post({ incidentId: ID, verdict: "real" }))).statusCode).toBe(409);
    const failing = Object.assign(Object.create(store) as MemoryStateStore, { save: () => Promise.reject(new Error("AccessDenied")) });
    const log = new RecordingLog();
    expect((await makeFeedbackHandler({ state: failing, clock, log })(post({ incidentId: ID, verdict: "real" }))).statusCode).toBe(500);
    expect(log.find("error", "feedback could not be stored")[0].fields).toMatchObject({ error: "AccessDenied" });
  });
});
