import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileStateStore } from "../../runtime/adapters/local/FileStateStore";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { feedbackFor } from "../../runtime/detection/feedback";
import { feedbackForRun, feedbackKey, feedbackStoreOptions, loadFeedback, recordFeedback, removeFeedback } from "../../runtime/handlers/feedbackStore";
import { StateConflictError, type Log } from "../../runtime/ports";
import type { Incident } from "../../runtime/types";
import { anomalyAt, T0 } from "../helpers/anomalies";

const incident = (id: string): Incident => ({ id, service: "checkout", status: "open", kind: "saturation", start: T0, lastAnomalyAt: T0, containers: ["c1"], containerNames: ["app"], anomalyCount: 1, peakScore: 2, peakGrade: 0.5, confidence: 1, threshold: 1.2, topMetrics: anomalyAt("c1", 0, { cpu: 4 }).attribution.slice(0, 1) });
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the feedback store", () => {
  it("keeps feedback next to the detector state, one object per service", async () => {
    const store = new MemoryStateStore();
    await recordFeedback(store, feedbackFor(incident("checkout:a"), "false-alarm", T0));
    expect(store.keys()).toEqual([feedbackKey("checkout")]);
    expect(feedbackKey("my svc")).toBe("feedback/my%20svc.json");
    expect((await loadFeedback(store, "checkout")).memory.records.map((r) => r.incidentId)).toEqual(["checkout:a"]);
  });

  it("two feedbacks given together are both kept (conditional write, reload and retry)", async () => {
    const store = new MemoryStateStore();
    await Promise.all([recordFeedback(store, feedbackFor(incident("checkout:a"), "false-alarm", T0)), recordFeedback(store, feedbackFor(incident("checkout:b"), "real", T0))]);
    const { memory } = await loadFeedback(store, "checkout");
    expect(memory.records.map((r) => r.incidentId).sort()).toEqual(["checkout:a", "checkout:b"]);
  });

  it("the same on the local file store the CLI uses", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cad-feedback-"));
    dirs.push(dir);
    const store = new FileStateStore({ dir });
    const ids = ["checkout:a", "checkout:b", "checkout:c"];
    await Promise.all(ids.map((id) => recordFeedback(store, feedbackFor(incident(id), "expected", T0))));
    expect((await loadFeedback(store, "checkout")).memory.records.map((r) => r.incidentId).sort()).toEqual(ids);
  });

  it("gives up with StateConflictError when every attempt loses the race", async () => {
    const store = new MemoryStateStore();
    const racing = Object.assign(Object.create(store) as MemoryStateStore, {
      save: async () => {
        throw new StateConflictError(feedbackKey("checkout"));
      },
    });
    await expect(recordFeedback(racing, feedbackFor(incident("checkout:a"), "real", T0), 3)).rejects.toBeInstanceOf(StateConflictError);
  });

  it("takes a mark back, keeping the others; a removal of a mark it does not hold writes nothing", async () => {
    const store = new MemoryStateStore();
    await recordFeedback(store, feedbackFor(incident("checkout:a"), "false-alarm", T0));
    await recordFeedback(store, feedbackFor(incident("checkout:b"), "real", T0));
    const { removed, memory } = await removeFeedback(store, "checkout", "checkout:a");
    expect(removed).toMatchObject({ incidentId: "checkout:a", verdict: "false-alarm" });
    expect(memory.records.map((r) => r.incidentId)).toEqual(["checkout:b"]);
    expect((await loadFeedback(store, "checkout")).memory.records.map((r) => r.incidentId)).toEqual(["checkout:b"]);
    const version = (await store.load(feedbackKey("checkout")))?.version;
    expect((await removeFeedback(store, "checkout", "checkout:a")).removed).toBeUndefined();
    expect((await store.load(feedbackKey("checkout")))?.version).toBe(version);
    expect(await removeFeedback(store, "payments", "payments:x")).toEqual({ removed: undefined, memory: { format: "cad-feedback/1", service: "payments", records: [] } });
    expect(store.keys()).toEqual([feedbackKey("checkout")]);
  });

  it("a removal and a mark given together are both applied (conditional write, reload and retry)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cad-feedback-"));
    dirs.push(dir);
    const store = new FileStateStore({ dir });
    await recordFeedback(store, feedbackFor(incident("checkout:a"), "false-alarm", T0));
    await Promise.all([removeFeedback(store, "checkout", "checkout:a"), recordFeedback(store, feedbackFor(incident("checkout:b"), "expected", T0)), recordFeedback(store, feedbackFor(incident("checkout:c"), "real", T0))]);
    expect((await loadFeedback(store, "checkout")).memory.records.map((r) => r.incidentId).sort()).toEqual(["checkout:b", "checkout:c"]);
  });

  it("a removal gives up with StateConflictError when every attempt loses the race", async () => {
    const store = new MemoryStateStore();
    await recordFeedback(store, feedbackFor(incident("checkout:a"), "real", T0));
    const racing = Object.assign(Object.create(store) as MemoryStateStore, {
      save: async () => {
        throw new StateConflictError(feedbackKey("checkout"));
      },
    });
    await expect(removeFeedback(racing, "checkout", "checkout:a", 3)).rejects.toBeInstanceOf(StateConflictError);
  });

  it("a detect run with unreadable feedback logs why and applies none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cad-feedback-"));
    dirs.push(dir);
    mkdirSync(join(dir, "feedback"));
    writeFileSync(join(dir, "feedback", "checkout.json"), JSON.stringify({ format: "cad-feedback/1", service: "checkout", records: [{ verdict: "maybe" }] }));
    const errors: string[] = [];
    const log: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m, f) => errors.push(`${m} ${String(f?.error)}`) };
    expect(await feedbackForRun(new FileStateStore({ dir }), "checkout", log)).toEqual([]);
    expect(errors[0]).toMatch(/feedback not applied.*records\[0\]\.incidentId/);
  });

  it("the alert's command reaches the deployment's bucket (and a prefix other than the default)", () => {
    expect(feedbackStoreOptions("cad-state", "state/")).toBe("--bucket cad-state");
    expect(feedbackStoreOptions("cad-state", "other/")).toBe("--bucket cad-state --prefix other/");
  });
});
