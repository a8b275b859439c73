import { describe, expect, it } from "vitest";
import { compliantStack, FUNCTION_NAME } from "../fixtures/policies/compliantStack";
import { mandatoryViolations, runPolicyPack, unwrapSecrets, type RecordedResource } from "./runPolicyPack";

/** The fixture with one resource's inputs changed. */
function withInputs(name: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>): RecordedResource[] {
  return compliantStack().map((r) => (r.name === name ? { ...r, inputs: change(r.inputs) } : r));
}

describe("runPolicyPack", () => {
  it("finds no violation at all in the compliant hand-built stack", async () => {
    expect(await runPolicyPack(compliantStack())).toEqual([]);
  });

  it("attributes a resource violation to its policy, level and resource", async () => {
    const violations = await runPolicyPack(withInputs("alerts", ({ kmsMasterKeyId: _key, ...rest }) => rest));
    expect(violations).toEqual([
      {
        policyName: "sns-topic-kms",
        enforcementLevel: "mandatory",
        resourceType: "aws:sns/topic:Topic",
        resourceName: "alerts",
        message: expect.stringMatching(/^The topic is not encrypted with KMS\. Remediation:/),
      },
    ]);
    expect(mandatoryViolations(violations)).toHaveLength(1);
  });

  it("attributes a stack violation to the resource it names, with the policy's advisory level", async () => {
    const withoutAlarm = compliantStack().filter((r) => r.name !== "detect-errors");
    expect(await runPolicyPack(withoutAlarm)).toEqual([
      { policyName: "lambda-error-alarm", enforcementLevel: "advisory", resourceType: "aws:lambda/function:Function", resourceName: "detect", message: expect.stringMatching(/^Function 'detect' has no error alarm/) },
    ]);
  });

  it("applies per-policy config: level overrides, disabled policies and policy settings", async () => {
    const stack = withInputs("detect", (inputs) => ({ ...inputs, runtime: "nodejs20.x" }));
    const [advisory] = await runPolicyPack(stack);
    expect(advisory).toMatchObject({ policyName: "lambda-supported-runtime", enforcementLevel: "advisory" });
    const [mandatory] = await runPolicyPack(stack, { config: { "lambda-supported-runtime": "mandatory" } });
    expect(mandatory).toMatchObject({ policyName: "lambda-supported-runtime", enforcementLevel: "mandatory" });
    expect(await runPolicyPack(stack, { config: { "lambda-supported-runtime": { enforcementLevel: "disabled" } } })).toEqual([]);
    expect(await runPolicyPack(stack, { config: { "lambda-supported-runtime": { allowedRuntimes: ["nodejs20.x"] } } })).toEqual([]);
  });

  it("reads secrets the way the analyzer does (plaintext), so a leaked secret is still caught", async () => {
    const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "changeme" };
    const stack = withInputs("detect", (inputs) => ({ ...inputs, environment: { variables: { SPLUNK_PASSWORD: secret } } }));
    expect(await runPolicyPack(stack)).toEqual([expect.objectContaining({ policyName: "lambda-no-plaintext-secrets", resourceName: "detect", enforcementLevel: "mandatory" })]);
    expect(unwrapSecrets({ a: [secret] })).toEqual({ a: ["changeme"] });
  });

  it("matches names through mock outputs when inputs omit them (auto-named resources)", async () => {
    const autoNamed = compliantStack().map((r) =>
      r.name === "detect" ? { ...r, inputs: { ...r.inputs, name: undefined }, outputs: { ...r.outputs, name: FUNCTION_NAME } } : r,
    );
    expect(await runPolicyPack(autoNamed)).toEqual([]);
  });

  it("links companions to their bucket through the mock's id (bucket: bucket.id)", async () => {
    const byMockId = compliantStack().map((r) => {
      if (r.type === "aws:s3/bucket:Bucket") return { ...r, inputs: {}, outputs: { bucket: "cad-data-dev-0a1b2c3", arn: "arn:aws:s3:::cad-data-dev-0a1b2c3" }, id: "data-id" };
      if (!("bucket" in r.inputs)) return r;
      // A bucket policy names the bucket it is attached to: here the one whose id is data-id.
      const policy = typeof r.inputs.policy === "string" ? { policy: r.inputs.policy.split(String(r.inputs.bucket)).join("data-id") } : {};
      return { ...r, inputs: { ...r.inputs, ...policy, bucket: "data-id" } };
    });
    expect(await runPolicyPack(byMockId)).toEqual([]);
    const withoutId = byMockId.map((r) => (r.type === "aws:s3/bucket:Bucket" ? { ...r, id: undefined } : r));
    // Without the id nothing links the companions (nor the access logging) to the bucket.
    expect((await runPolicyPack(withoutId)).map((v) => v.policyName)).toEqual(["s3-bucket-controls-present", "s3-bucket-logging-enabled"]);
  });

  it("runs only the policies given", async () => {
    const broken = withInputs("alerts", ({ kmsMasterKeyId: _key, ...rest }) => rest);
    expect(await runPolicyPack(broken, { policies: [] })).toEqual([]);
  });
});
