import { describe, expect, it } from "vitest";
import { MemoryServiceDirectory } from "../../runtime/adapters/memory/MemoryServiceDirectory";
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
    expect(await plan()).toEqual({ kind: "detect", through: AT, enqueued: 3, discovered: 0 });
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

  it("with a directory, also plans every service it lists, each message carrying its cluster and bounds; configured entries win, none twice", async () => {
    const queue = new RecordingQueue();
    const directory = new MemoryServiceDirectory([
      { cluster: "prod", service: "search", minTasks: 1, maxTasks: 2 },
      { cluster: "prod", service: "reports", minTasks: 0, maxTasks: 3 },
      { cluster: "batch", service: "ledger", minTasks: 2, maxTasks: 12 },
    ]);
    const log = new RecordingLog();
    const plan = makePlanHandler({ kind: "detect", services: ["checkout", "search"], directory, queue, clock: { now: () => AT }, log });
    expect(await plan()).toEqual({ kind: "detect", through: AT, enqueued: 4, discovered: 2 });
    expect(queue.sent).toEqual([
      { kind: "detect", service: "checkout", through: AT },
      { kind: "detect", service: "search", through: AT },
      { kind: "detect", service: "reports", through: AT, discovered: { cluster: "prod", minTasks: 0, maxTasks: 3 } },
      { kind: "detect", service: "ledger", through: AT, discovered: { cluster: "batch", minTasks: 2, maxTasks: 12 } },
    ]);
    expect(log.find("info", "keep their configured settings")[0].fields).toEqual({ kind: "detect", services: 1 });

    // Services come and go between runs: the next run plans what the directory lists then.
    directory.set([{ cluster: "prod", service: "cart", minTasks: 1, maxTasks: 4 }]);
    queue.sent.length = 0;
    expect(await plan()).toMatchObject({ enqueued: 3, discovered: 1 });
    expect(queue.sent.map((m) => m.service)).toEqual(["checkout", "search", "cart"]);
  });

  it("when the directory fails, still enqueues the configured services, then fails the run so Lambda retries it", async () => {
    const queue = new RecordingQueue();
    const directory = new MemoryServiceDirectory();
    directory.failure = new Error('service directory: ECS ListServices of cluster "prod" failed: AccessDeniedException: not authorized');
    const log = new RecordingLog();
    const plan = makePlanHandler({ kind: "collect", services: ["checkout"], directory, queue, clock: { now: () => AT }, log });
    await expect(plan()).rejects.toThrow('collect planner: 1 configured service(s) planned, but the service directory failed: service directory: ECS ListServices of cluster "prod" failed: AccessDeniedException: not authorized');
    expect(queue.sent).toEqual([{ kind: "collect", service: "checkout", through: AT }]);
    expect(log.find("error", "listing the clusters' services failed")).toHaveLength(1);
  });

  it("with a directory, an empty configured list is allowed; a run that finds nothing sends nothing", async () => {
    const queue = new RecordingQueue();
    const plan = makePlanHandler({ kind: "detect", services: [], directory: new MemoryServiceDirectory(), queue, clock: { now: () => AT }, log: new RecordingLog() });
    expect(await plan()).toEqual({ kind: "detect", through: AT, enqueued: 0, discovered: 0 });
    expect(queue.sent).toEqual([]);
  });
});
