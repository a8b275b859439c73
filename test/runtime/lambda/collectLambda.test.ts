/**
 * The collector's Lambda entry module, wired with the real adapters (Vault through the extension proxy address,
 * Dynatrace, S3), against loopback fakes. The same module runs bundled in test/infra/functionArchives.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCollectHandler } from "../../../runtime/lambda/collectLambda";
import { parseFeatureRowsCsv } from "../../../runtime/features/featureRowCsv";
import { startCollectorFakes, pointCollectorAtFakes, withEnv, type CollectorFakes } from "../../helpers/collectorEnvironment";

const SECRET_PATH = "container-anomaly-detection/dev";
const deployed: Record<string, string> = {
  CAD_ENVIRONMENT: "dev",
  CAD_BUCKET: "cad-dev-bucket",
  CAD_SERVICES: JSON.stringify([
    { cluster: "shop", service: "checkout", minTasks: 1, maxTasks: 3 },
    { cluster: "shop", service: "catalog", minTasks: 1, maxTasks: 3 },
  ]),
  CAD_STATE_PREFIX: "state/",
  CAD_RAW_PREFIX: "metrics/",
  CAD_VAULT_PROXY_ADDRESS: "http://127.0.0.1:8200",
  CAD_VAULT_KV_MOUNT: "secret",
  CAD_VAULT_SECRET_PATH: SECRET_PATH,
  CAD_FEATURE_SET: JSON.stringify({
    metrics: [
      { name: "container.cpu.utilization", role: "cpu" },
      { name: "container.memory.usage.total", role: "memory" },
    ],
    stepSeconds: 60,
    maxFillSteps: 2,
    shingleSize: 4,
  }),
  CAD_METRIC_SOURCES: "{}",
};
const event = (time: string) => ({ id: `evt-${time}`, "detail-type": "Scheduled Event", source: "aws.events", time, resources: [] });

let fakes: CollectorFakes;
beforeAll(async () => {
  fakes = await startCollectorFakes(SECRET_PATH);
});
afterAll(async () => fakes.close());

describe("createCollectHandler", () => {
  it("reads the token from Vault once, collects every service into S3 windows and advances the checkpoints", async () => {
    const env = pointCollectorAtFakes(deployed, fakes);
    const summary = await withEnv(env, async () => {
      const handler = createCollectHandler(env);
      const first = await handler(event("2026-11-25T02:00:00Z"));
      const second = await handler(event("2026-11-25T02:05:00Z"));
      return { first, second };
    });
    expect(summary.first.sources).toEqual(["dynatrace"]);
    expect(summary.first.result.windows.map((w) => w.service).sort()).toEqual(["catalog", "checkout"]);
    expect(fakes.vault.requests.filter((r) => r.url.includes(SECRET_PATH))).toHaveLength(1);

    const windowKeys = [...fakes.s3.objects.keys()].filter((k) => k.startsWith("cad-dev-bucket/metrics/")).sort();
    expect(windowKeys.length).toBeGreaterThanOrEqual(4);
    expect(windowKeys[0]).toMatch(/^cad-dev-bucket\/metrics\/service=catalog\/date=2026-11-25\/2026-11-2\dT\d\d-\d\d-\d\dZ\.csv$/);
    const csv = fakes.s3.objects.get(windowKeys[0])?.body.toString("utf8") ?? "";
    const rows = parseFeatureRowsCsv(csv, JSON.parse(deployed.CAD_FEATURE_SET) as Parameters<typeof parseFeatureRowsCsv>[1], windowKeys[0]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.service === "catalog")).toBe(true);
    expect([...fakes.s3.objects.keys()]).toEqual(expect.arrayContaining(["cad-dev-bucket/state/collector/checkpoint/checkout", "cad-dev-bucket/state/collector/checkpoint/catalog"]));
  });

  it("fails the run, naming the missing key, when the Vault secret lacks a source's token", async () => {
    const other = await startCollectorFakes("other/path", { splunkToken: "x" });
    try {
      const env = { ...pointCollectorAtFakes(deployed, other), CAD_VAULT_SECRET_PATH: "other/path" };
      await expect(withEnv(env, () => createCollectHandler(env)(event("2026-11-25T02:00:00Z")))).rejects.toThrow(/the Vault secret "secret\/other\/path" has no "dynatraceToken"/);
    } finally {
      await other.close();
    }
  });
});
