/**
 * The program passes its own CrossGuard pack under every policy configuration the repository ships
 * (policies/config/*.json), each applied to the stacks it is meant for: zero mandatory violations, and exactly the
 * advisory ones docs/policies.md explains. The resources are those the mocked program registers, with the state the
 * provider-like mocks return (what stack policies see after an update).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runProgram, type ProgramRun } from "../helpers/pulumiMocks";
import { PROGRAM_MS } from "../helpers/timeouts";
import { mandatoryViolations, runPolicyPack, type PackViolation } from "../helpers/runPolicyPack";
import { SECRET_KEYS, devStackConfig, sageMakerStackConfig, trainingSetKeys } from "../helpers/stackConfig";

type Scenario = "embedded" | "sagemaker" | "serverless";
const runs = {} as Record<Scenario, ProgramRun>;

beforeAll(async () => {
  const bucketKeys = trainingSetKeys(undefined, { calibrated: true });
  runs.embedded = await runProgram({ config: devStackConfig(), secretKeys: SECRET_KEYS });
  runs.sagemaker = await runProgram({ config: sageMakerStackConfig(), secretKeys: SECRET_KEYS, bucketKeys });
  runs.serverless = await runProgram({ config: sageMakerStackConfig({ endpoint: { mode: "serverless" } }), secretKeys: SECRET_KEYS, bucketKeys });
}, PROGRAM_MS);

/** Which stacks each shipped policy configuration is for (docs/policies.md, docs/deploy.md). */
const STACKS_OF: Record<string, readonly Scenario[]> = {
  "dev.json": ["embedded", "sagemaker"],
  "prod.json": ["embedded", "sagemaker"],
  "serverless.json": ["serverless"],
};
const configDir = join(REPO_ROOT, "policies", "config");
const shipped = readdirSync(configDir).filter((f) => f.endsWith(".json")).sort();
const readConfig = (file: string): PolicyPackConfig => JSON.parse(readFileSync(join(configDir, file), "utf8")) as PolicyPackConfig;
const describeAll = (violations: readonly PackViolation[]) => violations.map((v) => `[${v.enforcementLevel}] ${v.policyName} ${v.resourceName ?? ""}: ${v.message}`);

describe("the CrossGuard pack over the program", () => {
  it("has a stack for every shipped policy configuration", () => {
    expect(Object.keys(STACKS_OF).sort()).toEqual(shipped);
  });

  // Issue 16, item 4: prod.json requires reserved concurrency on every function; the collector had none.
  it.each(Object.entries(STACKS_OF).flatMap(([file, scenarios]) => scenarios.map((scenario) => [file, scenario] as const)))(
    "%s on the %s stack: no mandatory violation",
    async (file, scenario) => {
      const violations = await runPolicyPack(runs[scenario].resources, { config: readConfig(file) });
      expect(describeAll(mandatoryViolations(violations))).toEqual([]);
    },
  );

  it("reports exactly the advisories docs/policies.md explains: no access logging on the bucket; no isolation on a serverless model", async () => {
    const advisory = async (scenario: Scenario, file: string) => (await runPolicyPack(runs[scenario].resources, { config: readConfig(file) })).map((v) => `${v.policyName} ${v.resourceName ?? ""}`);
    expect(await advisory("embedded", "dev.json")).toEqual(["s3-bucket-logging-enabled cad-dev-bucket"]);
    expect(await advisory("sagemaker", "prod.json")).toEqual(["s3-bucket-logging-enabled cad-dev-bucket"]);
    expect((await advisory("serverless", "serverless.json")).sort()).toEqual(["s3-bucket-logging-enabled cad-dev-bucket", "sagemaker-model-network-isolation cad-dev-rcf-model"]);
  });

  it("without the serverless configuration, a serverless model is a mandatory violation (SageMaker cannot isolate it)", async () => {
    const violations = mandatoryViolations(await runPolicyPack(runs.serverless.resources, { config: readConfig("dev.json") }));
    expect(describeAll(violations)).toEqual([expect.stringMatching(/^\[mandatory\] sagemaker-model-network-isolation cad-dev-rcf-model/)]);
  });
});
