/** The program passes its own CrossGuard pack: every policy over every resource the mocked program registers. */
import { describe, expect, it } from "vitest";
import { runProgram } from "../helpers/pulumiMocks";
import { runPolicyPack } from "../helpers/runPolicyPack";
import { SECRET_KEYS, devStackConfig } from "../helpers/stackConfig";
import { PROGRAM_MS } from "../helpers/timeouts";

const violationsOf = async (overrides: Record<string, unknown>) => {
  const run = await runProgram({ config: devStackConfig(overrides), secretKeys: SECRET_KEYS });
  return (await runPolicyPack(run.resources)).map((v) => `[${v.enforcementLevel}] ${v.policyName} ${v.resourceName ?? ""}: ${v.message}`);
};

describe("the CrossGuard pack over the program", () => {
  it("finds nothing in the dev stack", async () => {
    expect(await violationsOf({})).toEqual([]);
  }, PROGRAM_MS);

  it("finds nothing with the embedded scorer", async () => {
    expect(await violationsOf({ scorer: "embedded" })).toEqual([]);
  }, PROGRAM_MS);

  it("flags only the model's missing network isolation on a serverless endpoint (SageMaker cannot isolate those)", async () => {
    const violations = await violationsOf({ endpoint: { mode: "serverless", memorySizeMb: 2048, maxConcurrency: 2 } });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/^\[mandatory\] sagemaker-model-network-isolation cad-dev-rcf-model/);
  }, PROGRAM_MS);
});
