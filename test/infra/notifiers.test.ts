/**
 * The program with a PagerDuty notifier: its queue subscribed to the alert topic, its dead-letter queue and alarm,
 * its worker with a least-privilege role, its own Vault policy and auth role; the CrossGuard pack passes over it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../infra/iamDocuments";
import { REPO_ROOT, ofType, resource, runProgram, type ProgramRun } from "../helpers/pulumiMocks";
import { mandatoryViolations, runPolicyPack } from "../helpers/runPolicyPack";
import { PROGRAM_MS } from "../helpers/timeouts";
import { SECRET_KEYS, devStackConfig } from "../helpers/stackConfig";

const NOTIFIERS = { pagerDuty: { vaultPath: "container-anomaly-detection/dev/pagerduty", maxAttempts: 4 }, slack: { vaultPath: "container-anomaly-detection/dev/slack" } };
let r: ProgramRun;
beforeAll(async () => {
  r = await runProgram({ config: devStackConfig({ notifiers: NOTIFIERS }), secretKeys: SECRET_KEYS });
}, PROGRAM_MS);

const policyOf = (name: string): PolicyDocument => JSON.parse(String(resource(r, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy)) as PolicyDocument;
const arnOf = (type: string, name: string): string => String(resource(r, type, name).outputs.arn);

describe("the program with a PagerDuty notifier", () => {
  const n = "cad-dev-notify-pagerduty";

  it("subscribes the notifier's encrypted queue to the alert topic with raw delivery and a dead-letter queue", () => {
    const queue = resource(r, "aws:sqs/queue:Queue", `${n}-queue`);
    const dlq = resource(r, "aws:sqs/queue:Queue", `${n}-dlq`);
    expect(queue.inputs).toMatchObject({ name: n, kmsMasterKeyId: r.outputs.kmsKeyArn, visibilityTimeoutSeconds: 720 });
    expect(JSON.parse(String(queue.inputs.redrivePolicy))).toEqual({ deadLetterTargetArn: dlq.outputs.arn, maxReceiveCount: 5 });
    expect(dlq.inputs).toMatchObject({ name: `${n}-dlq`, kmsMasterKeyId: r.outputs.kmsKeyArn, messageRetentionSeconds: 1_209_600 });
    const subscription = resource(r, "aws:sns/topicSubscription:TopicSubscription", `${n}-subscription`);
    expect(subscription.inputs).toMatchObject({ topic: r.outputs.alertTopicArn, protocol: "sqs", endpoint: queue.outputs.arn, rawMessageDelivery: true });
    expect(JSON.parse(String(subscription.inputs.redrivePolicy))).toEqual({ deadLetterTargetArn: dlq.outputs.arn });
    for (const [policy, target] of [[`${n}-queue-policy`, queue], [`${n}-dlq-policy`, dlq]] as const) {
      expect(JSON.parse(String(resource(r, "aws:sqs/queuePolicy:QueuePolicy", policy).inputs.policy))).toEqual({
        Version: "2012-10-17",
        Statement: [{ Sid: "TopicDelivers", Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: ["sqs:SendMessage"], Resource: [target.outputs.arn], Condition: { ArnEquals: { "aws:SourceArn": r.outputs.alertTopicArn } } }],
      });
    }
    expect(resource(r, "aws:cloudwatch/metricAlarm:MetricAlarm", `${n}-dlq-depth`).inputs).toMatchObject({ dimensions: { QueueName: dlq.outputs.name }, threshold: 0, alarmActions: [r.outputs.alertTopicArn] });
  });

  it("runs the worker off its queue with partial batch responses, and the environment the entry module reads", () => {
    const mapping = resource(r, "aws:lambda/eventSourceMapping:EventSourceMapping", `${n}-worker-queue`);
    expect(mapping.inputs).toMatchObject({ batchSize: 10, functionResponseTypes: ["ReportBatchItemFailures"], scalingConfig: { maximumConcurrency: 2 } });
    const fn = resource(r, "aws:lambda/function:Function", `${n}-worker-function`);
    expect(fn.inputs).toMatchObject({ name: n, timeout: 120, reservedConcurrentExecutions: 2 });
    const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    expect(env).toMatchObject({
      CAD_NOTIFIER: "pagerduty",
      CAD_NOTIFIER_SECRET_PATH: NOTIFIERS.pagerDuty.vaultPath,
      CAD_NOTIFIER_MAX_ATTEMPTS: "4",
      CAD_PAGERDUTY_EVENTS_URL: "https://events.pagerduty.com/v2/enqueue",
      CAD_VAULT_KV_MOUNT: "secret",
      VAULT_AUTH_ROLE: "cad-dev-lambda-notify-pagerduty",
      CAD_STATE_PREFIX: "state/",
    });
    expect(env).not.toHaveProperty("CAD_VAULT_SECRET_PATH");
  });

  it("gives the worker exactly its queue, its dead-letter queue, the key, its logs and its own progress records", () => {
    const bucket = arnOf("aws:s3/bucket:Bucket", "cad-dev-bucket");
    const statements = policyOf(`${n}-worker-policy`).Statement;
    const dlq = arnOf("aws:sqs/queue:Queue", `${n}-dlq`);
    expect(statements.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [expect.stringMatching(/:log-group:\/aws\/lambda\/cad-dev-notify-pagerduty:\*$/)]],
      ["OnFailureDestination", ["sqs:SendMessage"], [dlq]],
      ["UseStackKey", ["kms:Decrypt", "kms:GenerateDataKey"], [r.outputs.kmsKeyArn]],
      ["ConsumeWorkQueue", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], [arnOf("aws:sqs/queue:Queue", `${n}-queue`)]],
      ["OwnProgress", ["s3:GetObject", "s3:PutObject"], [`${bucket}/state/notify/pagerduty/*`]],
      ["ListOwnProgress", ["s3:ListBucket"], [bucket]],
    ]);
  });

  it("lets only the worker's role read only the PagerDuty secret in Vault", () => {
    const policy = resource(r, "vault:index/policy:Policy", `${n}-vault-policy`);
    expect(policy.inputs.policy).toBe(`# Read-only access to one secret; written by Pulumi (container-anomaly-detection).\npath "secret/data/${NOTIFIERS.pagerDuty.vaultPath}" {\n  capabilities = ["read"]\n}\n`);
    const role = resource(r, "vault:aws/authBackendRole:AuthBackendRole", `${n}-vault-role`);
    expect(role.inputs).toMatchObject({ role: "cad-dev-lambda-notify-pagerduty", authType: "iam", boundIamPrincipalArns: [arnOf("aws:iam/role:Role", `${n}-worker-role`)], tokenPolicies: [policy.outputs.name], tokenTtl: 900 });
    // The collector's and detector's auth role does not admit the notifier.
    const stackRole = ofType(r, "vault:aws/authBackendRole:AuthBackendRole").find((x) => x.name === "cad-dev-vault-auth-role");
    expect(stackRole?.inputs.boundIamPrincipalArns).not.toContain(arnOf("aws:iam/role:Role", `${n}-worker-role`));
  });

  it("gives Slack the same shape under its own names, secret and Vault role", () => {
    const s = "cad-dev-notify-slack";
    const env = (resource(r, "aws:lambda/function:Function", `${s}-worker-function`).inputs.environment as { variables: Record<string, string> }).variables;
    expect(env).toMatchObject({ CAD_NOTIFIER: "slack", CAD_NOTIFIER_SECRET_PATH: NOTIFIERS.slack.vaultPath, CAD_NOTIFIER_MAX_ATTEMPTS: "5", VAULT_AUTH_ROLE: "cad-dev-lambda-notify-slack" });
    expect(env).not.toHaveProperty("CAD_PAGERDUTY_EVENTS_URL");
    expect(resource(r, "aws:sns/topicSubscription:TopicSubscription", `${s}-subscription`).inputs).toMatchObject({ protocol: "sqs", endpoint: arnOf("aws:sqs/queue:Queue", `${s}-queue`), rawMessageDelivery: true });
    expect(resource(r, "vault:index/policy:Policy", `${s}-vault-policy`).inputs.policy).toContain(`path "secret/data/${NOTIFIERS.slack.vaultPath}"`);
    expect(resource(r, "vault:aws/authBackendRole:AuthBackendRole", `${s}-vault-role`).inputs.boundIamPrincipalArns).toEqual([arnOf("aws:iam/role:Role", `${s}-worker-role`)]);
    expect(policyOf(`${s}-worker-policy`).Statement.find((x) => x.Sid === "OwnProgress")?.Resource).toEqual([`${arnOf("aws:s3/bucket:Bucket", "cad-dev-bucket")}/state/notify/slack/*`]);
  });

  it.each(["dev.json", "prod.json"])("passes the CrossGuard pack under policies/config/%s with no mandatory violation", async (file) => {
    const config = JSON.parse(readFileSync(join(REPO_ROOT, "policies", "config", file), "utf8")) as PolicyPackConfig;
    const violations = await runPolicyPack(r.resources, { config });
    expect(mandatoryViolations(violations).map((v) => `${v.policyName} ${v.resourceName ?? ""}: ${v.message}`)).toEqual([]);
    // No advisory finding is about a notifier's resources either.
    expect(violations.filter((v) => (v.resourceName ?? "").includes("notify")).map((v) => `${v.policyName} ${v.resourceName ?? ""}`)).toEqual([]);
  });

  it("creates nothing of the kind without the notifiers key", async () => {
    const plain = await runProgram({ config: devStackConfig(), secretKeys: SECRET_KEYS });
    expect(plain.resources.filter((x) => x.name.includes("notify"))).toEqual([]);
  }, PROGRAM_MS);
});
