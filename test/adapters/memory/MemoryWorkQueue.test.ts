import { describe, expect, it } from "vitest";
import { MemoryWorkQueue } from "../../../runtime/adapters/memory/MemoryWorkQueue";
import type { WorkMessage } from "../../../runtime/ports";

const msg = (service: string, through: number): WorkMessage => ({ kind: "detect", service, through });
const services = (records: { body: string }[]) => records.map((r) => (JSON.parse(r.body) as WorkMessage).service + "@" + String((JSON.parse(r.body) as WorkMessage).through));

describe("MemoryWorkQueue (SQS FIFO semantics)", () => {
  it("hands a group out only while none of its messages is in flight, in order, and drops repeated deduplication ids", async () => {
    const q = new MemoryWorkQueue();
    await q.send([msg("a", 1), msg("b", 1), msg("a", 2), msg("a", 1)]);
    expect(q.depth).toBe(3);
    const first = q.receive(1);
    expect(services(first)).toEqual(["a@1"]);
    expect(services(q.receive(10))).toEqual(["b@1"]); // a@2 waits for a@1
    q.settle(first, { batchItemFailures: [] });
    expect(services(q.receive(10))).toEqual(["a@2"]);
  });

  it("a failed message comes back before the rest of its group, and is dead-lettered after maxReceiveCount", async () => {
    const q = new MemoryWorkQueue({ maxReceiveCount: 2 });
    await q.send([msg("a", 1), msg("a", 2)]);
    let batch = q.receive(1);
    q.settle(batch, { batchItemFailures: [{ itemIdentifier: batch[0].messageId }] });
    batch = q.receive(1);
    expect(services(batch)).toEqual(["a@1"]);
    expect(batch[0].attributes.ApproximateReceiveCount).toBe("2");
    q.settle(batch, undefined); // the invocation threw: the whole batch failed
    expect(services([...q.deadLetters])).toEqual(["a@1"]);
    expect(services(q.receive(10))).toEqual(["a@2"]);
  });

  it("drain runs every worker until the queue is empty, waiting while the only messages left are in flight", async () => {
    const q = new MemoryWorkQueue();
    await q.send([msg("a", 1), msg("a", 2), msg("a", 3), msg("b", 1)]);
    const seen: string[][] = [];
    const worker = async (e: { Records: { body: string; messageId: string }[] }) => (seen.push(services(e.Records)), { batchItemFailures: [] });
    const report = await q.drain([worker, worker], { batchSize: 1 });
    expect(report).toEqual({ batches: 4, deliveries: 4, failures: 0 });
    expect(seen.flat().filter((s) => s.startsWith("a"))).toEqual(["a@1", "a@2", "a@3"]);
    expect(q.depth).toBe(0);
  });
});
