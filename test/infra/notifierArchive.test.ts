/**
 * The notifiers' generated archives run for real, as the other functions' do (functionArchives.test.ts):
 * loaded the way the language host builds it, fed Lambda's SQS event under its deployed environment, against the
 * loopback PagerDuty Events API or Slack webhook, the Vault extension's proxy and S3 (its per-incident progress), with SQS mocked
 * (the dead-letter queue and visibility changes).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArchivesReport } from "../helpers/emitFunctionArchives";
import { alertText, incidentLifecycle, sqsEventOf } from "../helpers/alertBodies";
import { archiveWorkDir, emit, fn, runArchive } from "../helpers/functionArchiveRunner";
import { LANGUAGE_HOST_MS } from "../helpers/timeouts";
import { S3Server } from "../servers/s3Server";
import { startPagerDutyServer } from "../servers/pagerDutyServer";
import { startSlackWebhookServer } from "../servers/slackWebhookServer";
import { VaultServer } from "../servers/vaultServer";

/** A deployed notifier environment pointed at the loopback Vault proxy and S3, with dummy AWS credentials. */
function loopbackEnv(deployed: Readonly<Record<string, string>>, vault: VaultServer, s3: S3Server): Record<string, string> {
  return {
    ...deployed,
    CAD_VAULT_PROXY_ADDRESS: vault.address,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDLOOPBACK",
    AWS_SECRET_ACCESS_KEY: "loopback-secret",
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    POWERTOOLS_DEV: "true",
    POWERTOOLS_LOG_LEVEL: process.env.CAD_TEST_LOG_LEVEL ?? "ERROR",
  };
}

const ROUTING_KEY = "R0UT1NGKEY0123456789abcdef012345";
const SECRET_PATH = "container-anomaly-detection/dev/pagerduty";
const SLACK_PATH = "container-anomaly-detection/dev/slack";
const work = archiveWorkDir();
let report: ArchivesReport;
beforeAll(() => {
  report = emit(join(work, "notify"), { notifiers: { pagerDuty: { vaultPath: SECRET_PATH, maxAttempts: 2 }, slack: { vaultPath: SLACK_PATH } } }, false);
}, LANGUAGE_HOST_MS);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the notifiers' archives", () => {
  it.each(["pagerduty", "slack"])("%s: built lean (no Splunk SDK, no AWS SDK) and without a secret", (kind) => {
    const notify = fn(report, `cad-dev-notify-${kind}-worker-function`);
    expect(notify.entries).toEqual(["index.js"]);
    expect(notify.requires).toEqual(["@aws-sdk/client-s3", "@aws-sdk/client-sqs"]);
    expect(notify.bundled.filter((p) => p.includes("splunk-sdk") || p.includes("@aws-sdk"))).toEqual([]);
    expect(notify.secretHits).toEqual([]);
    // Measured: 0.20 MB, 0.05 MB deflated (Powertools and valibot); the detector's is 0.43 MB deflated.
    expect(notify.deflatedBytes).toBeLessThan(200_000);
  });

  it("Slack's posts open, resolve and restore of an incident, in order, with the webhook URL from Vault", async () => {
    const notify = fn(report, "cad-dev-notify-slack-worker-function");
    const [slack, vault, s3] = await Promise.all([startSlackWebhookServer(), VaultServer.start({ requireToken: false }), S3Server.start()]);
    vault.put("secret", SLACK_PATH, { webhookUrl: slack.webhookUrl });
    try {
      const events = incidentLifecycle();
      const [result] = await runArchive(work, notify, loopbackEnv(notify.environment, vault, s3), [sqsEventOf([alertText(events.restore), alertText(events.open), alertText(events.update), alertText(events.resolve)])]);
      expect(result).toEqual({ batchItemFailures: [] });
      expect(slack.posted.map((m) => String(m.text).split(" ")[1])).toEqual(["OPEN", "RESOLVED", "RESTORED"]);
      expect(vault.requests.map((r) => r.url)).toEqual([`/v1/secret/data/${SLACK_PATH}`]);
    } finally {
      await Promise.all([slack.close(), vault.close(), s3.close()]);
    }
  });

  it("a sealed Vault at the last attempt parks the alert with Vault's reason, not \"[object Object]\"", async () => {
    const notify = fn(report, "cad-dev-notify-pagerduty-worker-function");
    const [vault, s3] = await Promise.all([VaultServer.start({ requireToken: false }), S3Server.start()]);
    vault.seal();
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: "dlq-1" });
    try {
      const [result] = await runArchive(work, notify, loopbackEnv(notify.environment, vault, s3), [sqsEventOf([alertText(incidentLifecycle().open)], 2)]);
      expect(result).toEqual({ batchItemFailures: [] });
      const attributes = sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageAttributes;
      expect(attributes?.error.StringValue).toMatch(/^PagerDuty routing key: Vault is sealed \(503\)/);
      expect(attributes?.permanent.StringValue).toBe("false");
    } finally {
      sqs.restore();
      await Promise.all([vault.close(), s3.close()]);
    }
  });

  it("delivers an incident's events in order, records its progress in S3, and parks what PagerDuty keeps refusing", async () => {
    const notify = fn(report, "cad-dev-notify-pagerduty-worker-function");
    const [pd, vault, s3] = await Promise.all([startPagerDutyServer({ routingKeys: [ROUTING_KEY] }), VaultServer.start({ requireToken: false }), S3Server.start()]);
    vault.put("secret", SECRET_PATH, { routingKey: ROUTING_KEY });
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: "dlq-1" });
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    try {
      const env = { ...loopbackEnv(notify.environment, vault, s3), CAD_PAGERDUTY_EVENTS_URL: `${pd.url}/v2/enqueue` };
      const events = incidentLifecycle();
      const id = events.open.incident.id;
      const other = { ...events.open, id: "catalog:1#1", incident: { ...events.open.incident, id: "catalog:1", service: "catalog" } };
      const lifecycle = sqsEventOf([alertText(events.resolve), alertText(events.open), alertText(events.update), alertText(events.restore)], 1, "a");
      const [done] = await runArchive(work, notify, env, [lifecycle]);
      // Another container, and PagerDuty answers 503 to the other incident's two attempts.
      pd.fail({ status: 503 }, { status: 503 });
      const [refused, parked] = await runArchive(work, notify, env, [sqsEventOf([alertText(other)], 1, "b"), sqsEventOf([alertText(other)], 2, "b")]);
      expect(done).toEqual({ batchItemFailures: [] });
      expect(pd.received.slice(0, 3).map((e) => [e.event_action, e.dedup_key])).toEqual([
        ["trigger", id],
        ["trigger", id],
        ["resolve", id],
      ]);
      expect(pd.alerts.get(id)).toMatchObject({ status: "resolved", pages: 1 });
      const bucket = notify.environment.CAD_BUCKET;
      expect([...s3.objects.keys()].filter((k) => k.startsWith(`${bucket}/state/notify/pagerduty/`))).toEqual([`${bucket}/state/notify/pagerduty/checkout%3A${events.open.incident.start}`]);
      // PagerDuty down for the second incident (both attempts answered 503): retried once, then parked with the error.
      expect(refused).toEqual({ batchItemFailures: [{ itemIdentifier: "b-0" }] });
      expect(parked).toEqual({ batchItemFailures: [] });
      const dlq = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
      expect(dlq).toHaveLength(1);
      expect(dlq[0]).toMatchObject({ QueueUrl: notify.environment.CAD_NOTIFIER_DLQ_URL, MessageBody: alertText(other) });
      expect(dlq[0].MessageAttributes?.error.StringValue).toMatch(/PagerDuty answered 503/);
      // The routing key came from Vault through the proxy once per container (two cold starts), not per event.
      expect(vault.requests.filter((r) => r.url.includes(`/v1/secret/data/${SECRET_PATH}`))).toHaveLength(2);
    } finally {
      sqs.restore();
      await Promise.all([pd.close(), vault.close(), s3.close()]);
    }
  });
});
