import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { PagerDutyNotifier } from "../../runtime/adapters/pagerduty/PagerDutyNotifier";
import { VaultSecrets } from "../../runtime/adapters/vault/VaultSecrets";
import { makeNotifyHandler, progressKey, type NotifyResult } from "../../runtime/handlers/makeNotifyHandler";
import { alertText, incidentLifecycle, sqsEventOf } from "../helpers/alertBodies";
import { RecordingDeliveryQueue } from "../helpers/recordingDeliveryQueue";
import { RecordingLog } from "../helpers/recordingLog";
import { startPagerDutyServer, type PagerDutyServer } from "../servers/pagerDutyServer";
import { VaultServer } from "../servers/vaultServer";

const ROUTING_KEY = "R0UT1NGKEY0123456789abcdef012345";
const events = incidentLifecycle();
const id = events.open.incident.id;
const texts = { open: alertText(events.open), update: alertText(events.update), resolve: alertText(events.resolve), restore: alertText(events.restore) };
const NOW = Date.UTC(2026, 10, 25, 2);

let pd: PagerDutyServer;
let vault: VaultServer;
let queue: RecordingDeliveryQueue;
let progress: MemoryStateStore;
let log: RecordingLog;
let handler: (event: unknown) => Promise<NotifyResult>;

function wire(url: string): void {
  const notifier = new PagerDutyNotifier({ secrets: new VaultSecrets({ address: vault.address }), secretPath: "cad/dev/pagerduty", url, log });
  handler = makeNotifyHandler({ notifier, queue, progress, maxAttempts: 3, clock: { now: () => NOW }, log });
}

beforeEach(async () => {
  pd = await startPagerDutyServer({ routingKeys: [ROUTING_KEY] });
  vault = await VaultServer.start({ requireToken: false });
  vault.put("secret", "cad/dev/pagerduty", { routingKey: ROUTING_KEY });
  queue = new RecordingDeliveryQueue();
  progress = new MemoryStateStore();
  log = new RecordingLog();
  wire(`${pd.url}/v2/enqueue`);
});
afterEach(async () => {
  await pd.close().catch(() => undefined);
  await vault.close();
});

describe("makeNotifyHandler with PagerDuty", () => {
  it("delivers one incident's events in order even when the batch has them shuffled; restore is skipped", async () => {
    const result = await handler(sqsEventOf([texts.resolve, texts.restore, texts.open, texts.update]));
    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(["sent", "skipped", "sent", "sent"]);
    expect(pd.received.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ["trigger", id],
      ["trigger", id],
      ["resolve", id],
    ]);
    expect(pd.alerts.get(id)).toMatchObject({ status: "resolved", pages: 1 });
    expect((await progress.load<{ lastSent: number }>(progressKey("pagerduty", id)))?.value.lastSent).toBe(3);
  });

  it("drops an event older than one already delivered: a late open never re-opens the resolved alert", async () => {
    await handler(sqsEventOf([texts.open], 1, "a"));
    await handler(sqsEventOf([texts.resolve], 1, "b"));
    const late = await handler(sqsEventOf([texts.update, texts.open], 2, "c"));
    expect(late.outcomes.map((o) => o.outcome)).toEqual(["superseded", "superseded"]);
    expect(late.batchItemFailures).toEqual([]);
    expect(pd.alerts.get(id)).toMatchObject({ status: "resolved", pages: 1, triggers: 1 });
    expect(log.find("info", "superseded")).toHaveLength(2);
  });

  it("PagerDuty down: retried while attempts remain, then parked in the dead-letter queue with the last error; nothing lost", async () => {
    await pd.close();
    const batch = [texts.open, texts.resolve];
    const first = await handler(sqsEventOf(batch, 1));
    expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["m-0", "m-1"]);
    // The resolve waits for its incident's open: not attempted, so it cannot overtake it.
    expect(first.outcomes[1].error).toMatch(/not attempted: an earlier event of the incident failed/);
    expect((await handler(sqsEventOf(batch, 2))).batchItemFailures).toHaveLength(2);
    const last = await handler(sqsEventOf(batch, 3));
    expect(last.outcomes.map((o) => o.outcome)).toEqual(["parked", "parked"]);
    expect(last.batchItemFailures).toEqual([]);
    expect(queue.parked.map((p) => p.body)).toEqual(batch);
    expect(queue.parked[0].attributes).toMatchObject({ notifier: "pagerduty", incidentId: id, eventId: `${id}#1`, eventType: "open", permanent: "false", attempts: "3", failedAt: new Date(NOW).toISOString() });
    expect(queue.parked[0].attributes.error).toMatch(/unreachable: ECONNREFUSED/);
  });

  it("PagerDuty back after 5xx answers: the retried messages go through and the alert ends resolved", async () => {
    pd.fail({ status: 503 }, { status: 500 });
    const batch = [texts.open, texts.resolve];
    expect((await handler(sqsEventOf(batch, 1))).batchItemFailures).toHaveLength(2);
    expect((await handler(sqsEventOf(batch, 2))).batchItemFailures).toHaveLength(2);
    const third = await handler(sqsEventOf(batch, 3));
    expect(third.outcomes.map((o) => o.outcome)).toEqual(["sent", "sent"]);
    expect(pd.alerts.get(id)).toMatchObject({ status: "resolved", pages: 1 });
    expect(queue.parked).toEqual([]);
  });

  it("a 429 with Retry-After postpones the message by that long instead of retrying at once", async () => {
    pd.fail({ status: 429, retryAfter: "120" });
    const result = await handler(sqsEventOf([texts.open]));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m-0" }]);
    expect(queue.postponed).toEqual([{ receiptHandle: "receipt-m-0", seconds: 120 }]);
    expect(log.find("warn", "will be retried")[0].fields).toMatchObject({ retryAfterMs: 120_000, status: "429" });
    expect((await handler(sqsEventOf([texts.open], 2))).outcomes[0].outcome).toBe("sent");
  });

  it("a 400 invalid event is parked at once with PagerDuty's reason and does not hold back the next events", async () => {
    pd.fail({ status: 400 });
    const result = await handler(sqsEventOf([texts.open, texts.resolve]));
    expect(result.outcomes.map((o) => o.outcome)).toEqual(["parked", "sent"]);
    expect(queue.parked[0].attributes).toMatchObject({ permanent: "true", status: "400", attempts: "1" });
    expect(queue.parked[0].attributes.error).toMatch(/refused it as invalid \(400\)/);
  });

  it("a malformed message is parked as it came; a message the dead-letter queue refuses is retried", async () => {
    const result = await handler(sqsEventOf(['{"schema":"cad.incident-event/3"}', texts.open]));
    expect(result.outcomes.map((o) => o.outcome)).toEqual(["parked", "sent"]);
    expect(queue.parked[0]).toMatchObject({ body: '{"schema":"cad.incident-event/3"}', attributes: { permanent: "true" } });
    expect(queue.parked[0].attributes.error).toMatch(/alert message m-0: eventId/);
    queue.parkFails = true;
    expect((await handler(sqsEventOf(["nope"]))).batchItemFailures).toEqual([{ itemIdentifier: "m-0" }]);
  });

  it("reads the alert from an SNS envelope too (a subscription without raw delivery)", async () => {
    const envelope = JSON.stringify({ Type: "Notification", MessageId: "x", TopicArn: "arn:aws:sns:eu-west-1:1:t", Message: texts.open });
    expect((await handler(sqsEventOf([envelope]))).outcomes[0].outcome).toBe("sent");
  });

  it("refuses an event that is not Lambda's SQS event, naming the field", async () => {
    await expect(handler({ Records: [{ body: "x" }] })).rejects.toThrow(/pagerduty notifier: SQS event: Records\[0\]\.messageId/);
  });
});

describe("progressKey", () => {
  it("turns any incident id into a valid state key", async () => {
    const key = progressKey("slack", "svc (blue)!:1764031200000");
    expect(key).toBe("notify/slack/svc%20%28blue%29%21%3A1764031200000");
    await expect(new MemoryStateStore().save(key, 1, undefined)).resolves.toBeDefined();
  });
});
