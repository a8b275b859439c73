/**
 * Real Pulumi resources under `pulumi.runtime.setMocks`, recorded and run through the pack: proves the
 * recorder format of runPolicyPack ({ type, name, inputs, outputs }) and what the pack says about
 * aws.lambda.CallbackFunction, which registers a plain `aws:lambda/function:Function`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { mandatoryViolations, runPolicyPack, type RecordedResource } from "../helpers/runPolicyPack";

const recorded: RecordedResource[] = [];
const ACCOUNT = "123456789012";

/** Drains Pulumi's pending registrations (internal but exported at run time). */
const waitForRegistrations = () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        const name = typeof inputs["name"] === "string" ? inputs["name"] : `${args.name}-auto`;
        const service = args.type.split(":")[1]?.split("/")[0] ?? "x";
        const outputs = { name, arn: `arn:aws:${service}:eu-west-1:${ACCOUNT}:${name}` };
        recorded.push({ type: args.type, name: args.name, inputs, outputs });
        return { id: `${args.name}-id`, state: { ...inputs, ...outputs } };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "container-anomaly-detection",
    "test",
    false,
  );
});

function recordedFrom(prefix: string): RecordedResource[] {
  return recorded.filter((r) => r.name.startsWith(prefix));
}

describe("aws.lambda.CallbackFunction under the pack", () => {
  it("without an explicit role: the *FullAccess policies it attaches are mandatory violations", async () => {
    new aws.lambda.CallbackFunction("naive", { callback: async () => ({ statusCode: 200 }) });
    await waitForRegistrations();
    const resources = recordedFrom("naive");
    // The function and its generated role share the name "naive".
    expect(resources.filter((r) => r.name === "naive").map((r) => r.type).sort()).toEqual(["aws:iam/role:Role", "aws:lambda/function:Function"]);

    const violations = await runPolicyPack(resources);
    const broad = mandatoryViolations(violations).filter((v) => v.policyName === "iam-no-broad-managed-policies");
    // Lambda, CloudWatch, CloudWatch Events, S3, DynamoDB, SQS and Kinesis *FullAccess plus AmazonCognitoPowerUser (X-Ray write-only is fine).
    expect(broad).toHaveLength(8);
    expect(broad.every((v) => v.resourceType === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && /FullAccess|PowerUser/.test(v.message))).toBe(true);
    expect(violations.filter((v) => v.resourceName === "naive").map((v) => v.policyName).sort()).toEqual(["lambda-error-alarm", "lambda-failure-destination", "lambda-log-retention"]);
  });

  it("with a least-privilege role, DLQ, log group and error alarm: no violation at all", async () => {
    const key = new aws.kms.Key("good-key", { enableKeyRotation: true });
    const dlq = new aws.sqs.Queue("good-dlq", { kmsMasterKeyId: key.arn });
    const role = new aws.iam.Role("good-role", {
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    });
    new aws.iam.RolePolicy("good-dlq-send", {
      role: role.name,
      policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: dlq.arn }] }),
    });
    const fn = new aws.lambda.CallbackFunction("good", {
      name: "cad-good",
      role,
      callback: async () => ({ statusCode: 200 }),
      deadLetterConfig: { targetArn: dlq.arn },
      environment: { variables: { VAULT_SECRET_PATH: "kv/data/cad/splunk" } },
    });
    new aws.cloudwatch.LogGroup("good-logs", { name: pulumi.interpolate`/aws/lambda/${fn.name}`, retentionInDays: 30 });
    new aws.cloudwatch.MetricAlarm("good-errors", {
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: fn.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      alarmActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:cad-alerts`],
    });
    await waitForRegistrations();
    expect(await runPolicyPack(recordedFrom("good"))).toEqual([]);
  });
});
