import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackNotifier } from "../../../runtime/adapters/slack/SlackNotifier";
import { VaultSecrets } from "../../../runtime/adapters/vault/VaultSecrets";
import type { NotifierError } from "../../../runtime/notify/notifier";
import { alertBody, incidentLifecycle } from "../../helpers/alertBodies";
import { RecordingLog } from "../../helpers/recordingLog";
import { rejectionOf } from "../../helpers/rejection";
import { startSlackWebhookServer, type SlackWebhookServer } from "../../servers/slackWebhookServer";
import { VaultServer } from "../../servers/vaultServer";

let slack: SlackWebhookServer;
let vault: VaultServer;
let notifier: SlackNotifier;
const events = incidentLifecycle();
const SECRET = "l00pb4ckS3cr3tT0k3n";

beforeEach(async () => {
  slack = await startSlackWebhookServer();
  vault = await VaultServer.start({ requireToken: false });
  vault.put("secret", "cad/dev/slack", { webhookUrl: slack.webhookUrl });
  notifier = new SlackNotifier({ secrets: new VaultSecrets({ address: vault.address }), secretPath: "cad/dev/slack", log: new RecordingLog() });
});
afterEach(async () => {
  await slack.close().catch(() => undefined);
  await vault.close();
});

describe("SlackNotifier against the loopback incoming webhook", () => {
  it("posts open, resolve and restore; skips update; reads the webhook URL from Vault once", async () => {
    const outcomes = [];
    for (const type of ["open", "update", "resolve", "restore"] as const) outcomes.push(await notifier.notify(alertBody(events[type])));
    expect(outcomes).toEqual(["sent", "skipped", "sent", "sent"]);
    expect(slack.posted.map((m) => String(m.text).split(" ")[1])).toEqual(["OPEN", "RESOLVED", "RESTORED"]);
    expect(vault.requests).toHaveLength(1);
  });

  it.each([
    ["archived", (s: SlackWebhookServer) => s.archive(), 410, /channel_is_archived/],
    ["prohibited", (s: SlackWebhookServer) => s.prohibit(), 403, /action_prohibited/],
  ])("a %s channel is permanent (gone), and the error holds no webhook secret", async (_name, setUp, status, said) => {
    setUp(slack);
    const error = (await rejectionOf(notifier.notify(alertBody(events.open)))) as NotifierError;
    expect(error).toMatchObject({ kind: "gone", retryable: false, status });
    expect(error.message).toMatch(said);
    expect(error.message).not.toContain(SECRET);
  });

  it("an unknown webhook is gone (404 no_service); a bad URL in Vault waits for a fix (retryable)", async () => {
    vault.put("secret", "cad/dev/slack", { webhookUrl: `${slack.url}/services/T0/B0/revoked` });
    expect(await rejectionOf(notifier.notify(alertBody(events.open)))).toMatchObject({ kind: "gone", status: 404, message: expect.stringMatching(/no_service/) });
    const other = new SlackNotifier({ secrets: new VaultSecrets({ address: vault.address }), secretPath: "cad/dev/slack2", log: new RecordingLog() });
    vault.put("secret", "cad/dev/slack2", { webhookUrl: "http://hooks.slack.com/services/T/B/x" });
    expect(await rejectionOf(other.notify(alertBody(events.open)))).toMatchObject({ kind: "secret", retryable: true, message: expect.stringMatching(/must be an https URL/) });
  });

  it("429 carries Retry-After; 5xx and an unreachable Slack are retryable", async () => {
    slack.fail({ status: 429, retryAfter: "7" }, { status: 500 });
    expect(await rejectionOf(notifier.notify(alertBody(events.open)))).toMatchObject({ kind: "rate-limited", retryable: true, retryAfterMs: 7000 });
    expect(await rejectionOf(notifier.notify(alertBody(events.open)))).toMatchObject({ kind: "unavailable", retryable: true, status: 500, message: expect.stringMatching(/rollup_error/) });
    expect(await notifier.notify(alertBody(events.open))).toBe("sent");
    await slack.close();
    const error = (await rejectionOf(notifier.notify(alertBody(events.resolve)))) as NotifierError;
    expect(error).toMatchObject({ kind: "unreachable", retryable: true });
    expect(error.message).not.toContain(SECRET);
  });
});
