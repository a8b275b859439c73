import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PagerDutyNotifier } from "../../../runtime/adapters/pagerduty/PagerDutyNotifier";
import { VaultSecrets } from "../../../runtime/adapters/vault/VaultSecrets";
import type { NotifierError } from "../../../runtime/notify/notifier";
import { alertBody, incidentLifecycle } from "../../helpers/alertBodies";
import { RecordingLog } from "../../helpers/recordingLog";
import { rejectionOf } from "../../helpers/rejection";
import { startPagerDutyServer, type PagerDutyServer } from "../../servers/pagerDutyServer";
import { VaultServer } from "../../servers/vaultServer";

const ROUTING_KEY = "R0UT1NGKEY0123456789abcdef012345";
let pd: PagerDutyServer;
let vault: VaultServer;
let notifier: PagerDutyNotifier;
const events = incidentLifecycle();
const id = events.open.incident.id;

beforeEach(async () => {
  pd = await startPagerDutyServer({ routingKeys: [ROUTING_KEY] });
  vault = await VaultServer.start({ requireToken: false });
  vault.put("secret", "cad/dev/pagerduty", { routingKey: ROUTING_KEY });
  notifier = new PagerDutyNotifier({ secrets: new VaultSecrets({ address: vault.address }), secretPath: "cad/dev/pagerduty", url: `${pd.url}/v2/enqueue`, log: new RecordingLog() });
});
afterEach(async () => {
  // One test stops the server itself, to be unreachable.
  await pd.close().catch(() => undefined);
  await vault.close();
});

describe("PagerDutyNotifier against the loopback Events API v2", () => {
  it("open triggers, update adds to the same alert (no second page), resolve resolves it, restore sends nothing", async () => {
    expect(await notifier.notify(alertBody(events.open))).toBe("sent");
    expect(pd.alerts.get(id)).toMatchObject({ status: "triggered", triggers: 1, pages: 1 });
    expect(await notifier.notify(alertBody(events.update))).toBe("sent");
    expect(pd.alerts.get(id)).toMatchObject({ status: "triggered", triggers: 2, pages: 1 });
    expect(await notifier.notify(alertBody(events.resolve))).toBe("sent");
    expect(await notifier.notify(alertBody(events.restore))).toBe("skipped");
    expect(pd.alerts.get(id)?.status).toBe("resolved");
    expect(pd.received.map((e) => [e.event_action, e.dedup_key, e.routing_key])).toEqual([
      ["trigger", id, ROUTING_KEY],
      ["trigger", id, ROUTING_KEY],
      ["resolve", id, ROUTING_KEY],
    ]);
    // The routing key is read from Vault once per container, not per event.
    expect(vault.requests).toHaveLength(1);
  });

  it("a 400 invalid event is permanent, with PagerDuty's reasons; the routing key is in no error", async () => {
    vault.put("secret", "cad/dev/pagerduty", { routingKey: "f".repeat(32) });
    const error = (await rejectionOf(notifier.notify(alertBody(events.open)))) as NotifierError;
    expect(error).toMatchObject({ name: "NotifierError", kind: "rejected", retryable: false, status: 400 });
    expect(error.message).toMatch(/invalid event: Event object is invalid \(Invalid routing key\)/);
    expect(error.message).not.toContain("f".repeat(32));
  });

  it("429 is retryable and carries Retry-After; 5xx is retryable", async () => {
    pd.fail({ status: 429, retryAfter: "30" }, { status: 429 }, { status: 503 });
    expect(await rejectionOf(notifier.notify(alertBody(events.open)))).toMatchObject({ kind: "rate-limited", retryable: true, status: 429, retryAfterMs: 30_000 });
    const bare = (await rejectionOf(notifier.notify(alertBody(events.open)))) as NotifierError;
    expect(bare).toMatchObject({ kind: "rate-limited", retryable: true });
    expect(bare.retryAfterMs).toBeUndefined();
    expect(await rejectionOf(notifier.notify(alertBody(events.open)))).toMatchObject({ kind: "unavailable", retryable: true, status: 503 });
    expect(await notifier.notify(alertBody(events.open))).toBe("sent");
  });

  it("an unreachable PagerDuty and an unreadable secret are retryable, and say which", async () => {
    await pd.close();
    expect(await rejectionOf(notifier.notify(alertBody(events.open)))).toMatchObject({ kind: "unreachable", retryable: true, message: expect.stringMatching(/PagerDuty Events API at 127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED/) });
    const noKey = new PagerDutyNotifier({ secrets: new VaultSecrets({ address: vault.address }), secretPath: "cad/dev/other", url: `${pd.url}/v2/enqueue`, log: new RecordingLog() });
    vault.put("secret", "cad/dev/other", { key: "x" });
    expect(await rejectionOf(noKey.notify(alertBody(events.open)))).toMatchObject({ kind: "secret", retryable: true, message: expect.stringMatching(/"cad\/dev\/other" has no "routingKey" \(keys: key\)/) });
    vault.seal();
    const sealed = new PagerDutyNotifier({ secrets: new VaultSecrets({ address: vault.address }), secretPath: "cad/dev/pagerduty", url: `${pd.url}/v2/enqueue`, log: new RecordingLog() });
    expect(await rejectionOf(sealed.notify(alertBody(events.open)))).toMatchObject({ kind: "secret", retryable: true, message: expect.stringMatching(/sealed/) });
  });

  it("refuses a plain-http events URL to another host (the routing key would travel in clear)", () => {
    expect(() => new PagerDutyNotifier({ secrets: new VaultSecrets({ address: vault.address }), secretPath: "p", url: "http://events.pagerduty.com/v2/enqueue", log: new RecordingLog() })).toThrow(/must be an https URL/);
  });
});
