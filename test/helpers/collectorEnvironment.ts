/**
 * Loopback stand-ins for everything the deployed collector talks to — the Vault extension's proxy, Dynatrace,
 * S3 — and the environment that points a collector at them. Shared by the entry-module test and the test that
 * runs the bundled Lambda archive.
 */
import { S3Server } from "../servers/s3Server";
import { VaultServer } from "../servers/vaultServer";
import { startDynatraceServer, type DynatraceServer } from "../servers/dynatraceServer";
import type { GeneratedFleet } from "../servers/containerMetricsGenerator";

export const COLLECTOR_FLEET: GeneratedFleet = { seed: 11, services: ["checkout", "catalog"], containersPerService: 2 };
export const DT_TOKEN = "dt0c01.loopback-token";
const DIM = "dt.entity.container_group_instance";

export interface CollectorFakes {
  readonly vault: VaultServer;
  readonly dynatrace: DynatraceServer;
  readonly s3: S3Server;
  close(): Promise<void>;
}

/** Starts the fakes; the Vault secret at `secret/<secretPath>` holds the Dynatrace token (or `credentials`). */
export async function startCollectorFakes(secretPath: string, credentials: Record<string, string> = { dynatraceToken: DT_TOKEN }): Promise<CollectorFakes> {
  const [vault, dynatrace, s3] = await Promise.all([
    VaultServer.start({ requireToken: false }),
    startDynatraceServer({ fleet: COLLECTOR_FLEET, tokens: [DT_TOKEN] }),
    S3Server.start(),
  ]);
  vault.put("secret", secretPath, credentials);
  return {
    vault,
    dynatrace,
    s3,
    close: async () => {
      await Promise.all([vault.close(), dynatrace.close(), s3.close()]);
    },
  };
}

/**
 * A deployed collector environment re-pointed at the fakes: Vault proxy, Dynatrace (the only source, with the two
 * metrics it reports in the feature set) and S3 (through the SDK's standard AWS_ENDPOINT_URL_S3), with dummy
 * AWS credentials. Everything else (bucket, prefixes, services, secret path) stays as deployed.
 */
export function pointCollectorAtFakes(deployed: Readonly<Record<string, string>>, fakes: CollectorFakes): Record<string, string> {
  const featureSet = JSON.parse(deployed.CAD_FEATURE_SET ?? "{}") as { metrics: { name: string; role: string }[] };
  return {
    ...deployed,
    CAD_VAULT_PROXY_ADDRESS: fakes.vault.address,
    CAD_METRIC_SOURCES: JSON.stringify({
      dynatrace: {
        url: fakes.dynatrace.url,
        metricSelectors: {
          "container.cpu.utilization": `builtin:containers.cpu.usagePercent:splitBy("${DIM}"):avg`,
          "container.memory.usage.total": `builtin:containers.memory.residentSetBytes:splitBy("${DIM}"):avg`,
        },
        containerDimension: DIM,
        entitySelector: 'type(CONTAINER_GROUP_INSTANCE),tag("aws.ecs.service.name:{service}")',
      },
    }),
    CAD_FEATURE_SET: JSON.stringify({ ...featureSet, metrics: featureSet.metrics.filter((m) => m.role === "cpu" || m.role === "memory") }),
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDLOOPBACK",
    AWS_SECRET_ACCESS_KEY: "loopback-secret",
    AWS_ENDPOINT_URL_S3: fakes.s3.endpoint,
    POWERTOOLS_DEV: "true",
    POWERTOOLS_LOG_LEVEL: process.env.CAD_TEST_LOG_LEVEL ?? "ERROR",
  };
}

/** Runs `fn` with `vars` in process.env (the AWS SDK reads region, credentials and endpoints from there), then restores it. */
export async function withEnv<T>(vars: Readonly<Record<string, string>>, fn: () => Promise<T> | T): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const key of Object.keys(vars)) if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
    Object.assign(process.env, saved);
  }
}
