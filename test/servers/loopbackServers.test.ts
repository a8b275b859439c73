import { afterEach, describe, expect, it } from "vitest";
import { startDynatraceServer, type DynatraceServer } from "./dynatraceServer";
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
