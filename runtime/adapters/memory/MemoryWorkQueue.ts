import type { WorkMessage, WorkQueue } from "../../ports";
import { encodeWorkMessage, workDeduplicationId, workGroupId } from "../../handlers/workMessage";
import type { SqsBatchResponse } from "../../handlers/sqsBatch";

/** One queued message as Lambda's SQS event carries it (the fields the workers read). */
export interface QueuedRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: { readonly ApproximateReceiveCount: string; readonly MessageGroupId: string };
}

interface Stored {
  readonly seq: number;
  readonly messageId: string;
  readonly body: string;
  readonly group: string;
  receives: number;
}

/** A worker handler as the queue invokes it: Lambda's SQS event in, the partial batch response out. */
export type QueueWorker = (event: { Records: QueuedRecord[] }) => Promise<SqsBatchResponse>;

export interface MemoryWorkQueueOptions {
  /** Receives after which a failing message moves to the dead-letter list (SQS's redrive maxReceiveCount). Default 3. */
  readonly maxReceiveCount?: number;
}

/** What draining the queue did. */
export interface DrainReport {
  readonly batches: number;
  /** Messages handed to workers, redeliveries included. */
  readonly deliveries: number;
  /** Messages a worker reported failed (each is redelivered or dead-lettered). */
  readonly failures: number;
}

/**
 * The in-process stand-in for the workers' SQS FIFO queue with its redrive policy, for `cad demo`, the benchmark
 * and tests. Like SQS FIFO: a message group (one per service) is handed out in order and only while none of its
 * messages is in flight; a repeated deduplication id is dropped; a failed message comes back before the rest of its
 * group, and moves to the dead-letter list after `maxReceiveCount` receives. {@link drain} runs a pool of workers
 * that receive batches and invoke their handler with them as Lambda does (an event with `Records`).
 */
export class MemoryWorkQueue implements WorkQueue {
  private waiting: Stored[] = [];
  private readonly inFlight = new Map<string, Stored>();
  private readonly dead: QueuedRecord[] = [];
  private readonly seen = new Set<string>();
  private sent = 0;
  private readonly maxReceiveCount: number;

  constructor(options: MemoryWorkQueueOptions = {}) {
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
    if (!Number.isInteger(this.maxReceiveCount) || this.maxReceiveCount < 1) throw new Error(`MemoryWorkQueue: maxReceiveCount must be an integer >= 1, got ${String(options.maxReceiveCount)}`);
  }

  async send(messages: readonly WorkMessage[]): Promise<void> {
    for (const m of messages) {
      const dedup = workDeduplicationId(m);
      if (this.seen.has(dedup)) continue;
      this.seen.add(dedup);
      const seq = ++this.sent;
      this.waiting.push({ seq, messageId: `msg-${seq}`, body: encodeWorkMessage(m), group: workGroupId(m), receives: 0 });
    }
  }

  /** Messages waiting (not in flight, not dead-lettered). */
  get depth(): number {
    return this.waiting.length;
  }

  /** Messages moved to the dead-letter list, as last received. */
  get deadLetters(): readonly QueuedRecord[] {
    return this.dead;
  }

  /** Takes up to `max` messages in order, skipping the groups that have a message in flight, and marks them received. */
  receive(max: number): QueuedRecord[] {
    const busy = new Set([...this.inFlight.values()].map((s) => s.group));
    const taken: Stored[] = [];
    for (const s of this.waiting) {
      if (taken.length >= max) break;
      if (!busy.has(s.group)) taken.push(s);
    }
    const ids = new Set(taken.map((s) => s.messageId));
    this.waiting = this.waiting.filter((s) => !ids.has(s.messageId));
    return taken.map((s) => {
      s.receives++;
      this.inFlight.set(s.messageId, s);
      return { messageId: s.messageId, body: s.body, attributes: { ApproximateReceiveCount: String(s.receives), MessageGroupId: s.group } };
    });
  }

  /** Settles a received batch from the worker's answer: failed ones come back (or go dead), the rest are deleted. Returns how many failed. */
  settle(batch: readonly QueuedRecord[], response: SqsBatchResponse | undefined): number {
    // No answer (the invocation threw) fails the whole batch, as Lambda does.
    const failed = new Set(response ? response.batchItemFailures.map((f) => f.itemIdentifier) : batch.map((r) => r.messageId));
    for (const record of batch) {
      const stored = this.inFlight.get(record.messageId);
      this.inFlight.delete(record.messageId);
      if (!stored || !failed.has(record.messageId)) continue;
      if (stored.receives >= this.maxReceiveCount) this.dead.push({ ...record });
      else this.waiting.push(stored);
    }
    this.waiting.sort((a, b) => a.seq - b.seq);
    return batch.filter((r) => failed.has(r.messageId)).length;
  }

  /**
   * Runs one concurrent worker per handler (as Lambda runs one batch per function instance at a time) until the
   * queue is empty: each receives up to `batchSize` messages, invokes its handler with them and settles the batch.
   * A handler that throws fails its whole batch. A worker that finds nothing it may take while others still hold
   * messages waits for one of them to settle.
   */
  async drain(handlers: readonly QueueWorker[], options: { readonly batchSize: number }): Promise<DrainReport> {
    const { batchSize } = options;
    if (handlers.length < 1) throw new Error("drain: at least one worker is needed");
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) throw new Error(`batchSize must be an integer 1-10 (SQS FIFO's limit), got ${String(batchSize)}`);
    const report = { batches: 0, deliveries: 0, failures: 0 };
    let settled: () => void = () => undefined;
    let nextSettle = new Promise<void>((r) => (settled = r));
    const worker = async (handler: QueueWorker): Promise<void> => {
      while (this.waiting.length > 0 || this.inFlight.size > 0) {
        const batch = this.receive(batchSize);
        if (batch.length === 0) {
          await nextSettle;
          continue;
        }
        report.batches++;
        report.deliveries += batch.length;
        let response: SqsBatchResponse | undefined;
        try {
          response = await handler({ Records: batch });
        } catch {
          response = undefined;
        }
        report.failures += this.settle(batch, response);
        const wake = settled;
        nextSettle = new Promise<void>((r) => (settled = r));
        wake();
      }
    };
    await Promise.all(handlers.map((h) => worker(h)));
    return report;
  }
}
