/** makeNotifyHandler with the Slack notifier: the delivery guarantees of makeNotifyHandler.test.ts, for Slack's protocol. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../runtime/adapters/memory/MemoryStateStore";
import { SlackNotifier } from "../../runtime/adapters/slack/SlackNotifier";
import { VaultSecrets } from "../../runtime/adapters/vault/VaultSecrets";
import { makeNotifyHandler, type NotifyResult } from "../../runtime/handlers/makeNotifyHandler";
import { alertText, incidentLifecycle, sqsEventOf } from "../helpers/alertBodies";
import { RecordingDeliveryQueue } from "../helpers/recordingDeliveryQueue";
import { RecordingLog } from "../helpers/recordingLog";
import { startSlackWebhookServer, type SlackWebhookServer } from "../servers/slackWebhookServer";
import { VaultServer } from "../servers/vaultServer";

const events = incidentLifecycle();
const texts = { open: alertText(events.open), update: alertText(events.update), resolve: alertText(events.resolve), restore: alertText(events.restore) };
let slack: SlackWebhookServer;
let vault: VaultServer;
let queue: RecordingDeliveryQueue;
let handler: (event: unknown) => Promise<NotifyResult>;

beforeEach(async () => {
  slack = await startSlackWebhookServer();
  vault = await VaultServer.start({ requireToken: false });
  vault.put("secret", "cad/dev/slack", { webhookUrl: slack.webhookUrl });
  queue = new RecordingDeliveryQueue();
  const log = new RecordingLog();
  const notifier = new SlackNotifier({ secrets: new VaultSecrets({ address: vault.address }), secretPath: "cad/dev/slack", log });
  handler = makeNotifyHandler({ notifier, queue, progress: new MemoryStateStore(), maxAttempts: 2, clock: { now: () => 0 }, log });
});
afterEach(async () => {
  await slack.close().catch(() => undefined);
  await vault.close();
});

const posted = (): string[] => slack.posted.map((m) => String(m.text).split(" ")[1]);

describe("makeNotifyHandler with Slack", () => {
  it("posts open, resolve and restore in order from a shuffled batch; an update posts nothing", async () => {
    const result = await handler(sqsEventOf([texts.restore, texts.update, texts.resolve, texts.open]));
    expect(result.outcomes.map((o) => o.outcome)).toEqual(["sent", "skipped", "sent", "sent"]);
    expect(posted()).toEqual(["OPEN", "RESOLVED", "RESTORED"]);
  });

  it("a late open after the resolve was posted is dropped, not posted out of order", async () => {
    await handler(sqsEventOf([texts.resolve], 1, "a"));
    expect((await handler(sqsEventOf([texts.open], 2, "b"))).outcomes[0].outcome).toBe("superseded");
    expect(posted()).toEqual(["RESOLVED"]);
  });

  it("Slack down: retried, then parked with the error; Slack rate limiting: postponed by Retry-After", async () => {
    slack.fail({ status: 429, retryAfter: "9" });
    expect((await handler(sqsEventOf([texts.open], 1))).batchItemFailures).toEqual([{ itemIdentifier: "m-0" }]);
    expect(queue.postponed).toEqual([{ receiptHandle: "receipt-m-0", seconds: 9 }]);
    await slack.close();
    expect((await handler(sqsEventOf([texts.open], 1))).batchItemFailures).toHaveLength(1);
    const last = await handler(sqsEventOf([texts.open], 2));
    expect(last.outcomes[0].outcome).toBe("parked");
    expect(queue.parked).toEqual([{ body: texts.open, attributes: expect.objectContaining({ notifier: "slack", permanent: "false", error: expect.stringMatching(/Slack incoming webhook at 127\.0\.0\.1:\d+ is unreachable/) as unknown }) }]);
  });

  it("an archived channel parks the message at once (410 is permanent)", async () => {
    slack.archive();
    const result = await handler(sqsEventOf([texts.open]));
    expect(result.outcomes[0].outcome).toBe("parked");
    expect(queue.parked[0].attributes).toMatchObject({ permanent: "true", status: "410" });
    expect(queue.parked[0].attributes.error).toMatch(/channel_is_archived/);
  });
});
