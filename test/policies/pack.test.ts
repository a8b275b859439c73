import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { policies } from "../../policies/policies";

/** Policies whose violations block `pulumi up` by default: encryption, least privilege, secrets, isolation. */
const MANDATORY = [
  "s3-bucket-sse-kms",
  "s3-public-access-block",
  "s3-bucket-tls-only",
  "s3-bucket-controls-present",
  "kms-key-rotation",
  "sns-topic-kms",
  "sqs-queue-kms",
  "iam-no-wildcard-action",
  "iam-no-wildcard-resource-writes",
  "iam-no-broad-managed-policies",
  "iam-trust-policy-scoped",
  "lambda-no-plaintext-secrets",
  "lambda-function-url-iam-auth",
  "sagemaker-endpoint-config-kms",
  "sagemaker-training-job-kms",
  "sagemaker-training-job-network-isolation",
  "sagemaker-model-network-isolation",
  "vault-aws-auth-role-bound-principals",
  "vault-aws-auth-role-token-limits",
  "vault-policy-no-wildcard-paths",
  "iam-role-no-policy-management-conflicts",
  "sqs-event-source-partial-batch",
  "sqs-source-queue-dead-letter",
  "sns-subscription-dead-letter",
];
const ADVISORY = [
  "s3-bucket-versioning",
  "kms-key-deletion-window",
  "lambda-supported-runtime",
  "lambda-reserved-concurrency",
  "cloudwatch-log-retention",
  "cloudwatch-alarm-actions",
  "lambda-failure-destination",
  "lambda-log-retention",
  "lambda-error-alarm",
  "s3-bucket-logging-enabled",
];

describe("policy pack", () => {
  it(`pack has ${policies.length} policies (${MANDATORY.length} mandatory, ${ADVISORY.length} advisory)`, () => {
    expect(policies.length).toBeGreaterThanOrEqual(15);
    expect(policies.map((p) => p.name).sort()).toEqual([...MANDATORY, ...ADVISORY].sort());
    // Visible in the default reporter's output, next to the file's results.
    console.info(`policy pack: ${policies.length} policies (${MANDATORY.length} mandatory, ${ADVISORY.length} advisory)`);
  });

  it("sets each policy's default enforcement explicitly: mandatory for the security-critical ones", () => {
    for (const p of policies) {
      expect(p.enforcementLevel, p.name).toBe(MANDATORY.includes(p.name) ? "mandatory" : "advisory");
    }
  });

  it("names are unique kebab-case; descriptions are one sentence on one line", () => {
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const p of policies) {
      expect(p.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(p.description, p.name).toMatch(/^[A-Z][^\n]*\.$/);
      expect(p.description.length, p.name).toBeLessThanOrEqual(140);
    }
  });

  it("every configSchema property has a default, so an unconfigured stack behaves as documented", () => {
    for (const p of policies) {
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        expect(schema, `${p.name}.${key}`).toHaveProperty("default");
      }
    }
  });

  it("docs/policies.md lists every policy with its default enforcement", () => {
    const doc = readFileSync(path.join(__dirname, "../../docs/policies.md"), "utf8");
    for (const p of policies) {
      expect(doc, p.name).toMatch(new RegExp(`\\| \`${p.name}\` \\|[^\\n]*\\| ${p.enforcementLevel} \\|`));
    }
  });
});

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

/** The problems of one `--policy-pack-config` file against the policies' config schemas. */
function configProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(config)) {
    const policy = policies.find((p) => p.name === name);
    if (name !== "all" && policy === undefined) problems.push(`${name}: no such policy`);
    if (typeof entry === "string") {
      if (!LEVELS.includes(entry)) problems.push(`${name}: unknown level ${entry}`);
      continue;
    }
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (key === "enforcementLevel") {
        if (!LEVELS.includes(value as string)) problems.push(`${name}: unknown level ${String(value)}`);
        continue;
      }
      const schema = policy?.configSchema?.properties[key];
      if (schema === undefined) {
        problems.push(`${name}.${key}: not in the policy's configSchema`);
        continue;
      }
      const type = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
      if (schema.type !== type) problems.push(`${name}.${key}: expected ${String(schema.type)}, got ${type}`);
    }
  }
  return problems;
}

describe("policy config files (policies/config/*.json)", () => {
  const dir = path.join(__dirname, "../../policies/config");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

  it("exist for dev, prod and a stack on a serverless endpoint", () => {
    expect(files.sort()).toEqual(["dev.json", "prod.json", "serverless.json"]);
  });

  it.each(files)("%s names real policies, levels and schema properties of the right type", (file) => {
    expect(configProblems(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>)).toEqual([]);
  });

  it("the checker itself catches typos", () => {
    expect(configProblems({ "no-such-policy": "mandatory", "sqs-queue-kms": { allowSqsManagedSSE: true }, "lambda-reserved-concurrency": { maximum: "50" } })).toEqual([
      "no-such-policy: no such policy",
      "sqs-queue-kms.allowSqsManagedSSE: not in the policy's configSchema",
      "lambda-reserved-concurrency.maximum: expected integer, got string",
    ]);
  });
});

describe("policies/package.json", () => {
  it("pins the same @pulumi versions as the root, so the pack runs from the root node_modules", () => {
    const read = (file: string) => JSON.parse(readFileSync(path.join(__dirname, "../..", file), "utf8")) as { dependencies: Record<string, string>; version?: string };
    const pack = read("policies/package.json");
    const root = read("package.json");
    expect(pack.version).toMatch(/^\d+\.\d+\.\d+$/); // PolicyPack refuses to start without a version
    for (const [name, version] of Object.entries(pack.dependencies)) {
      expect(root.dependencies[name], name).toBe(version);
    }
  });
});
