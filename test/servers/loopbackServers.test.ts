import { afterEach, describe, expect, it } from "vitest";
import { startDynatraceServer, type DynatraceServer } from "./dynatraceServer";
import { startPagerDutyServer } from "./pagerDutyServer";
import { startSlackWebhookServer } from "./slackWebhookServer";
import { startSplunkServer, type SplunkServer } from "./splunkServer";

/** Protocol details of the loopback servers that the client tests do not reach on their own. */
const FLEET = { seed: 1, services: ["checkout"], containersPerService: 2 };
const running: (SplunkServer | DynatraceServer)[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/services/auth/login?output_mode=json`, { method: "POST", body: new URLSearchParams({ username: "u", password: "p" }) });
  return ((await res.json()) as { sessionKey: string }).sessionKey;
}

describe("loopback splunkd", () => {
  it("has no v2 search endpoints before 9.0.2, and only GET results on v1 / POST results on v2", async () => {
    const old = await startSplunkServer({ fleet: FLEET, username: "u", password: "p", version: "8.2.0" });
    running.push(old);
    const key = await login(old.url);
    const headers = { Authorization: `Splunk ${key}` };
    expect((await fetch(`${old.url}/services/search/v2/jobs`, { method: "POST", headers, body: "search=x" })).status).toBe(404);
    const created = await fetch(`${old.url}/services/search/jobs`, { method: "POST", headers, body: new URLSearchParams({ search: "| mstats avg(cpu) AS m0 WHERE aws.ecs.service.name=\"checkout\" BY container.id span=60s", earliest_time: "0", latest_time: "120" }) });
    expect(created.status).toBe(201);
    const { sid } = (await created.json()) as { sid: string };
    expect((await fetch(`${old.url}/services/search/jobs/${sid}/results?output_mode=json`, { method: "POST", headers })).status).toBe(405);
    const rows = (await (await fetch(`${old.url}/services/search/jobs/${sid}/results?output_mode=json_rows&count=0`, { headers })).json()) as { fields: string[]; rows: unknown[][] };
    expect(rows.fields).toEqual(["_time", "container.id", "m0"]);
    expect(rows.rows).toHaveLength(4);
  });

  it("answers 401 without a session and for an unknown token", async () => {
    const server = await startSplunkServer({ fleet: FLEET, tokens: ["t"] });
    running.push(server);
    expect((await fetch(`${server.url}/services/server/info`)).status).toBe(401);
    expect((await fetch(`${server.url}/services/server/info`, { headers: { Authorization: "Bearer nope" } })).status).toBe(401);
    const info = (await (await fetch(`${server.url}/services/server/info`, { headers: { Authorization: "Bearer t" } })).json()) as { generator: { version: string } };
    expect(info.generator.version).toBe("9.1.2");
  });
});

describe("loopback Dynatrace", () => {
  it("requires nextPageKey to come alone, and rejects unknown keys and timeframes", async () => {
    const server = await startDynatraceServer({ fleet: FLEET, tokens: ["t"], seriesPerPage: 1 });
    running.push(server);
    const headers = { Authorization: "Api-Token t" };
    const base = `${server.url}/api/v2/metrics/query`;
    const first = (await (await fetch(`${base}?metricSelector=${encodeURIComponent('m:filter(eq("s","checkout"))')}&from=0&to=120000&resolution=1m`, { headers })).json()) as { nextPageKey: string; totalCount: number };
    expect(first.totalCount).toBe(2);
    expect((await fetch(`${base}?nextPageKey=${first.nextPageKey}&resolution=1m`, { headers })).status).toBe(400);
    expect((await fetch(`${base}?nextPageKey=bogus`, { headers })).status).toBe(400);
    const last = (await (await fetch(`${base}?nextPageKey=${first.nextPageKey}`, { headers })).json()) as { nextPageKey: string | null };
    expect(last.nextPageKey).toBeNull();
    expect((await fetch(`${base}?metricSelector=m&from=5&to=1`, { headers })).status).toBe(400);
    expect((await fetch(`${base}?metricSelector=m`, { headers: { Authorization: "Bearer t" } })).status).toBe(401);
  });
});

describe("loopback PagerDuty Events API v2", () => {
  const KEY = "0123456789abcdef0123456789abcdef";
  const post = (url: string, body: unknown) => fetch(`${url}/v2/enqueue`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  it("answers 400 with PagerDuty's error list for an invalid event, and re-pages a trigger after a resolve", async () => {
    const pd = await startPagerDutyServer({ routingKeys: [KEY] });
    try {
      const bad = await post(pd.url, { routing_key: KEY, event_action: "trigger", payload: { summary: "x".repeat(1025), source: "s", severity: "fatal" } });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ status: "invalid event", message: "Event object is invalid", errors: ["'payload.summary' must be at most 1024 characters", "'payload.severity' is invalid (must be one of: critical, error, warning, info)"] });
      expect((await post(pd.url, { routing_key: KEY, event_action: "resolve" })).status).toBe(400);
      const trigger = { routing_key: KEY, event_action: "trigger", dedup_key: "k", payload: { summary: "s", source: "s", severity: "info" } };
      expect(await (await post(pd.url, trigger)).json()).toEqual({ status: "success", message: "Event processed", dedup_key: "k" });
      // A resolve for an alert that is not open is accepted and ignored, as PagerDuty does.
      expect((await post(pd.url, { routing_key: KEY, event_action: "resolve", dedup_key: "other" })).status).toBe(202);
      await post(pd.url, { routing_key: KEY, event_action: "resolve", dedup_key: "k" });
      await post(pd.url, trigger);
      expect(pd.alerts.get("k")).toMatchObject({ status: "triggered", triggers: 2, pages: 2 });
      expect(pd.alerts.has("other")).toBe(false);
    } finally {
      await pd.close();
    }
  });
});

describe("loopback Slack incoming webhook", () => {
  it("answers Slack's error strings for bad payloads and unknown webhooks", async () => {
    const slack = await startSlackWebhookServer();
    try {
      const send = async (url: string, body: string) => {
        const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body });
        return [res.status, await res.text()];
      };
      expect(await send(slack.webhookUrl, "{not json")).toEqual([400, "invalid_payload"]);
      expect(await send(slack.webhookUrl, "{}")).toEqual([400, "no_text"]);
      expect(await send(slack.webhookUrl, JSON.stringify({ text: "t", blocks: [{ type: "header", text: { type: "mrkdwn", text: "h" } }] }))).toEqual([400, "invalid_blocks"]);
      expect(await send(`${slack.url}/services/T/B/unknown`, JSON.stringify({ text: "t" }))).toEqual([404, "no_service"]);
      expect(await send(slack.webhookUrl, JSON.stringify({ text: "t" }))).toEqual([200, "ok"]);
      expect(slack.posted).toEqual([{ text: "t" }]);
    } finally {
      await slack.close();
    }
  });
});
