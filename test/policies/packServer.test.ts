/**
 * The pack under the real analyzer: started the way the Pulumi CLI starts it, called over gRPC the way
 * the engine calls it. Slow to start (ts-node type-checks the pack, ~15 s), so one server for all cases.
 */
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies, POLICY_PACK_NAME } from "../../policies/policies";
import { PolicyPackServer, urnFor } from "../helpers/policyPackServer";
import { PROGRAM_MS } from "../helpers/timeouts";

/** The engine's marker for a string that is unknown during preview. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const FUNCTION = "aws:lambda/function:Function";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("policy pack served to the engine", { timeout: PROGRAM_MS }, () => {
  let server: PolicyPackServer;
  beforeAll(async () => {
    server = await PolicyPackServer.start();
  }, PROGRAM_MS);
  afterAll(() => server?.stop());

  it(`announces the pack and all ${policies.length} policies with their enforcement levels`, async () => {
    const info = await server.info();
    expect(info.getName()).toBe(POLICY_PACK_NAME);
    const announced = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
    expect(announced).toEqual(
      policies.map((p) => [p.name, p.enforcementLevel === "mandatory" ? analyzer.EnforcementLevel.MANDATORY : analyzer.EnforcementLevel.ADVISORY]),
    );
  });

  it("reports a mandatory violation with its remediation, and nothing for a compliant resource", async () => {
    const topic = "aws:sns/topic:Topic";
    expect(await server.analyze({ type: topic, name: "alerts", props: { displayName: "alerts" } })).toEqual([
      {
        policyName: "sns-topic-kms",
        enforcementLevel: "mandatory",
        // The analyzer prefixes each message with the policy's description.
        message: expect.stringMatching(/^SNS topics are encrypted at rest with a customer-managed KMS key\.\nThe topic is not encrypted with KMS\. Remediation: set kmsMasterKeyId/),
        // For per-resource analysis the engine attaches the URN itself.
        urn: "",
      },
    ]);
    expect(await server.analyze({ type: topic, name: "alerts", props: { kmsMasterKeyId: KEY_ARN } })).toEqual([]);
    // A key created in the same update: unknown during preview, still a key (no "can't run during preview" either).
    expect(await server.analyze({ type: topic, name: "alerts", props: { kmsMasterKeyId: UNKNOWN_STRING } })).toEqual([]);
  });

  it("reads lists and nested documents through the analyzer's unknown-checking proxy (role inline policies, trust policy)", async () => {
    const statement = (extra: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...extra }] });
    const diagnostics = await server.analyze({
      type: "aws:iam/role:Role",
      name: "wide-open",
      props: {
        assumeRolePolicy: statement({ Principal: "*", Action: "sts:AssumeRole" }),
        inlinePolicies: [{ name: "everything", policy: statement({ Action: "*", Resource: "arn:aws:s3:::data/*" }) }],
        managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      },
    });
    expect(diagnostics.map((d) => [d.policyName, d.enforcementLevel]).sort()).toEqual([
      ["iam-no-broad-managed-policies", "mandatory"],
      ["iam-no-wildcard-action", "mandatory"],
      ["iam-trust-policy-scoped", "mandatory"],
    ]);
  });

  it("keeps checking known environment variables when others are unknown during preview", async () => {
    const props = { role: UNKNOWN_STRING, runtime: "nodejs22.x", environment: { variables: { ALERTS_TOPIC_ARN: UNKNOWN_STRING, SPLUNK_PASSWORD: "changeme" } } };
    const diagnostics = await server.analyze({ type: FUNCTION, name: "detect", props });
    expect(diagnostics).toEqual([expect.objectContaining({ policyName: "lambda-no-plaintext-secrets", enforcementLevel: "mandatory", message: expect.stringContaining("SPLUNK_PASSWORD") })]);
  });

  it("downgrades a policy that meets a preview-unknown value to advisory instead of failing", async () => {
    const diagnostics = await server.analyze({ type: "aws:s3/bucketPolicy:BucketPolicy", name: "data", props: { bucket: "data", policy: UNKNOWN_STRING } });
    expect(diagnostics).toEqual([
      expect.objectContaining({ policyName: "s3-bucket-tls-only", enforcementLevel: "advisory", message: expect.stringContaining("during preview") }),
    ]);
  });

  it("links an alarm to a function through property dependencies while names are unknown", async () => {
    const fn = { type: FUNCTION, name: "detect", props: { name: UNKNOWN_STRING, arn: UNKNOWN_STRING, runtime: "nodejs22.x", deadLetterConfig: { targetArn: UNKNOWN_STRING } } };
    const alarm = {
      type: ALARM,
      name: "detect-errors",
      props: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: UNKNOWN_STRING } },
      propertyDependencies: { dimensions: [urnFor(FUNCTION, "detect")] },
    };
    const withAlarm = await server.analyzeStack([fn, alarm]);
    expect(withAlarm.filter((d) => d.policyName === "lambda-error-alarm")).toEqual([]);
    const withoutAlarm = await server.analyzeStack([fn]);
    expect(withoutAlarm.filter((d) => d.policyName === "lambda-error-alarm")).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory", urn: urnFor(FUNCTION, "detect"), message: expect.stringMatching(/\nFunction 'detect' has no error alarm\./) }),
    ]);
  });

  it("follows per-stack configuration: a disabled policy reports nothing", async () => {
    await server.configure("sns-topic-kms", analyzer.EnforcementLevel.DISABLED);
    expect(await server.analyze({ type: "aws:sns/topic:Topic", name: "alerts", props: {} })).toEqual([]);
  });
});
