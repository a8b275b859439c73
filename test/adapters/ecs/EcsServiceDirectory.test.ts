import { DescribeServicesCommand, ECSClient, ListServicesCommand, type Service, type Tag } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EcsServiceDirectory, type EcsServiceDirectoryOptions } from "../../../runtime/adapters/ecs/EcsServiceDirectory";
import { fakeRetryEnvironment } from "../../helpers/fakeRetryEnvironment";
import { RecordingLog } from "../../helpers/recordingLog";

const ecs = mockClient(ECSClient);
const ARN = (cluster: string, service: string) => `arn:aws:ecs:eu-west-1:123456789012:service/${cluster}/${service}`;
const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } });

/**
 * A fake ECS account: ListServices pages of `pageSize` ARNs per cluster (honouring nextToken, as ECS does) and
 * DescribeServices answering for at most 10 services with their tags, as the API documents.
 */
function account(clusters: Record<string, { name: string; tags?: Tag[]; status?: string }[]>, pageSize = 100): void {
  ecs.on(ListServicesCommand).callsFake((input: { cluster?: string; nextToken?: string; maxResults?: number }) => {
    listed.push({ ...input });
    const services = clusters[input.cluster ?? "default"] ?? [];
    const size = Math.min(pageSize, input.maxResults ?? 10);
    const start = input.nextToken === undefined ? 0 : Number(input.nextToken);
    const end = start + size;
    return { serviceArns: services.slice(start, end).map((s) => ARN(input.cluster ?? "default", s.name)), ...(end < services.length ? { nextToken: String(end) } : {}) };
  });
  ecs.on(DescribeServicesCommand).callsFake((input: { cluster?: string; services?: string[]; include?: string[] }) => {
    if ((input.services ?? []).length > 10) throw Object.assign(new Error("services can have at most 10 items"), { name: "InvalidParameterException" });
    const known = clusters[input.cluster ?? "default"] ?? [];
    const services: Service[] = [];
    for (const arn of input.services ?? []) {
      const s = known.find((k) => ARN(input.cluster ?? "default", k.name) === arn);
      if (s) services.push({ serviceName: s.name, serviceArn: arn, status: s.status ?? "ACTIVE", ...(input.include?.includes("TAGS") ? { tags: s.tags ?? [] } : {}) });
    }
    return { services, failures: [] };
  });
}

let log: RecordingLog;
/**
 * ListServices inputs as sent: the SDK's paginator reuses one input object and sets its nextToken page by page, so
 * the mock's recorded calls all show the last token; the fakes copy each input when it arrives.
 */
let listed: { cluster?: string; nextToken?: string; maxResults?: number }[];
const directory = (options: Partial<EcsServiceDirectoryOptions> = {}) =>
  new EcsServiceDirectory({ ecs: new ECSClient({ region: "eu-west-1" }), clusters: ["prod"], defaultBounds: { minTasks: 1, maxTasks: 6 }, log, env: fakeRetryEnvironment(), ...options });
const named = (n: number, prefix = "svc") => Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${String(i).padStart(3, "0")}` }));

beforeEach(() => {
  ecs.reset();
  log = new RecordingLog();
  listed = [];
});

describe("EcsServiceDirectory", () => {
  it("lists every service across pages and describes them 10 at a time with their tags", async () => {
    account({ prod: named(237) }, 100);
    const services = await directory().list();
    expect(services).toHaveLength(237);
    expect(services[236]).toEqual({ cluster: "prod", service: "svc-236", minTasks: 1, maxTasks: 6 });
    expect(listed.map((l) => l.nextToken)).toEqual([undefined, "100", "200"]);
    expect(listed.every((l) => l.cluster === "prod" && l.maxResults === 100)).toBe(true);
    const describes = ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input);
    expect(describes).toHaveLength(24);
    expect(describes.map((d) => d.services?.length).filter((n) => n !== 10)).toEqual([7]);
    expect(describes.every((d) => d.include?.includes("TAGS") && d.cluster === "prod")).toBe(true);
  });

  it("lets in only services with every filter tag, leaves out cad:watch=false and non-ACTIVE services, reads bounds from tags", async () => {
    account({
      prod: [
        { name: "checkout", tags: [{ key: "team", value: "payments" }, { key: "cad:max-tasks", value: "12" }, { key: "cad:min-tasks", value: "3" }] },
        { name: "ledger", tags: [{ key: "team", value: "payments" }, { key: "cad:watch", value: "false" }] },
        { name: "search", tags: [{ key: "team", value: "discovery" }] },
        { name: "cart", tags: [{ key: "team", value: "payments" }, { key: "cad:watch", value: "true" }] },
        { name: "refunds", tags: [{ key: "team", value: "payments" }], status: "DRAINING" },
      ],
    });
    const services = await directory({ tags: { team: "payments" } }).list();
    expect(services).toEqual([
      { cluster: "prod", service: "checkout", minTasks: 3, maxTasks: 12 },
      { cluster: "prod", service: "cart", minTasks: 1, maxTasks: 6 },
    ]);
    expect(log.find("debug", "left out").map((e) => e.fields)).toEqual([
      { cluster: "prod", service: "ledger", why: "tagged cad:watch=false" },
      { cluster: "prod", service: "search", why: "tag team=payments not present" },
    ]);
  });

  it("skips a service whose cad:* tag is malformed, with a warning naming the service, the tag and what was expected; the others are listed", async () => {
    account({
      prod: [
        { name: "checkout", tags: [{ key: "cad:max-tasks", value: "1O" }] },
        { name: "search", tags: [{ key: "cad:min-tasks", value: "9" }] },
        { name: "ledger", tags: [{ key: "cad:watch", value: "no" }] },
        { name: "cart", tags: [{ key: "cad:max-tasks", value: "4" }] },
      ],
    });
    expect(await directory().list()).toEqual([{ cluster: "prod", service: "cart", minTasks: 1, maxTasks: 4 }]);
    expect(log.find("warn", "tag value is malformed").map((e) => e.fields)).toEqual([
      { cluster: "prod", service: "checkout", tag: "cad:max-tasks", value: "1O", expected: "an integer from 1 to 1000" },
      { cluster: "prod", service: "search", tag: "cad:min-tasks", value: "9", expected: "an integer <= the service's maxTasks (6, the default)" },
      { cluster: "prod", service: "ledger", tag: "cad:watch", value: "no", expected: '"true" or "false"' },
    ]);
    expect(log.find("info", "cluster listed")[0].fields).toEqual({ cluster: "prod", services: 4, excluded: 0, invalid: 3 });
  });

  it("retries throttling: a ListServices page resumes where it failed, DescribeServices is repeated, then the list is complete", async () => {
    account({ prod: named(150) }, 100);
    const list = ecs.on(ListServicesCommand);
    let calls = 0;
    const pages = (input: { nextToken?: string }) => {
      listed.push({ ...input });
      calls++;
      if (calls === 2) throw throttled();
      const start = input.nextToken === undefined ? 0 : Number(input.nextToken);
      return { serviceArns: named(150).slice(start, start + 100).map((s) => ARN("prod", s.name)), ...(start + 100 < 150 ? { nextToken: String(start + 100) } : {}) };
    };
    list.callsFake(pages);
    ecs.on(DescribeServicesCommand).rejectsOnce(throttled()).callsFake((input: { services?: string[] }) => ({
      services: (input.services ?? []).map((arn) => ({ serviceName: arn.split("/").pop(), status: "ACTIVE", tags: [] })),
    }));
    const env = fakeRetryEnvironment();
    const services = await directory({ env }).list();
    expect(services).toHaveLength(150);
    expect(new Set(services.map((s) => s.service)).size).toBe(150);
    expect(listed.map((l) => l.nextToken)).toEqual([undefined, "100", "100"]);
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(16);
    expect(env.sleeps).toHaveLength(2);
    expect(log.find("warn", "failed, retrying").map((e) => e.message)).toEqual(["ECS ListServices failed, retrying", "ECS DescribeServices failed, retrying"]);
  });

  it("rejects, naming the cluster and the call, when throttling persists or a call fails for good: never a partial list", async () => {
    ecs.on(ListServicesCommand).rejects(throttled());
    await expect(directory({ retry: { maxAttempts: 3 } }).list()).rejects.toThrow('service directory: ECS ListServices of cluster "prod" failed: RetryGaveUpError: ECS ListServices of cluster "prod" failed after 3 attempts');
    ecs.reset();
    ecs.on(ListServicesCommand).rejects(Object.assign(new Error("Cluster not found."), { name: "ClusterNotFoundException", $metadata: { httpStatusCode: 400 } }));
    await expect(directory().list()).rejects.toThrow('service directory: ECS ListServices of cluster "prod" failed: ClusterNotFoundException: Cluster not found.');
    expect(ecs.commandCalls(ListServicesCommand)).toHaveLength(1);
  });

  it("lists several clusters in order; a service name in two clusters is kept in the first, with a warning", async () => {
    account({ prod: [{ name: "checkout" }, { name: "search" }], batch: [{ name: "search" }, { name: "reports" }] });
    expect(await directory({ clusters: ["prod", "batch"] }).list()).toEqual([
      { cluster: "prod", service: "checkout", minTasks: 1, maxTasks: 6 },
      { cluster: "prod", service: "search", minTasks: 1, maxTasks: 6 },
      { cluster: "batch", service: "reports", minTasks: 1, maxTasks: 6 },
    ]);
    expect(log.find("warn", "found in two clusters")[0].fields).toEqual({ service: "search", kept: "prod", skipped: "batch" });
  });

  it("leaves out a service ECS reports as a failure (deleted since the listing)", async () => {
    ecs.on(ListServicesCommand).resolves({ serviceArns: [ARN("prod", "gone"), ARN("prod", "cart")] });
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: "cart", status: "ACTIVE" }], failures: [{ arn: ARN("prod", "gone"), reason: "MISSING" }] });
    expect(await directory().list()).toEqual([{ cluster: "prod", service: "cart", minTasks: 1, maxTasks: 6 }]);
    expect(log.find("warn", "could not describe")[0].fields).toMatchObject({ service: ARN("prod", "gone"), reason: "MISSING" });
  });

  it("refuses no clusters or impossible default bounds", () => {
    expect(() => directory({ clusters: [] })).toThrow("EcsServiceDirectory: at least one cluster is required");
    expect(() => directory({ defaultBounds: { minTasks: 5, maxTasks: 2 } })).toThrow("EcsServiceDirectory: defaultBounds must be integers with 0 <= minTasks <= maxTasks and maxTasks >= 1, got 5..2");
  });
});
