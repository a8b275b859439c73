import { describe, expect, it } from "vitest";
import { makePlanHandler } from "../../runtime/handlers/makePlanHandler";
import type { WorkMessage, WorkQueue } from "../../runtime/ports";
import { RecordingLog } from "../helpers/recordingLog";

class RecordingQueue implements WorkQueue {
  readonly sent: WorkMessage[] = [];
  async send(messages: readonly WorkMessage[]): Promise<void> {
    this.sent.push(...messages);
  }
}

const AT = Date.UTC(2026, 0, 5, 10, 5);

describe("makePlanHandler", () => {
  it("enqueues one message per service, each carrying the planned time", async () => {
    const queue = new RecordingQueue();
    const plan = makePlanHandler({ kind: "detect", services: ["checkout", "search", "cart"], queue, clock: { now: () => AT }, log: new RecordingLog() });
    expect(await plan()).toEqual({ kind: "detect", through: AT, enqueued: 3 });
    expect(queue.sent).toEqual(["checkout", "search", "cart"].map((service) => ({ kind: "detect", service, through: AT })));
  });

  it("fails the run when the queue refused messages, so Lambda retries it", async () => {
    const queue: WorkQueue = { send: () => Promise.reject(new Error("SQS: 1 of 2 message(s) not enqueued: search (Throttled)")) };
    const plan = makePlanHandler({ kind: "collect", services: ["checkout", "search"], queue, clock: { now: () => AT }, log: new RecordingLog() });
    await expect(plan()).rejects.toThrow("SQS: 1 of 2 message(s) not enqueued: search (Throttled)");
  });

  it("refuses an empty or repeated service list", () => {
    const deps = { kind: "detect" as const, queue: new RecordingQueue(), clock: { now: () => AT }, log: new RecordingLog() };
    expect(() => makePlanHandler({ ...deps, services: [] })).toThrow("detect planner: no services to plan for: configure at least one service");
    expect(() => makePlanHandler({ ...deps, services: ["a", "b", "a"] })).toThrow("detect planner: service(s) listed twice: a");
  });
});
