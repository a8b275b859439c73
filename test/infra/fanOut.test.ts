/**
 * The program with `fanOut` set, under Pulumi's mocks: per kind a scheduled planner, a KMS-encrypted FIFO work queue
 * with its own dead-letter queue and alarm, and the worker consuming it through an event source mapping with
 * partial batch responses and the configured maximum concurrency; least-privilege roles; the pack passes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../infra/iamDocuments";
import { ofType, REPO_ROOT, resource, runProgram, type ProgramRun } from "../helpers/pulumiMocks";
import { mandatoryViolations, runPolicyPack } from "../helpers/runPolicyPack";
import { PROGRAM_MS } from "../helpers/timeouts";
import { SECRET_KEYS, devStackConfig } from "../helpers/stackConfig";

let run: ProgramRun;
let plain: ProgramRun;
/** Fan-out that watches every service of two clusters (`discovery`) and configures none. */
let found: ProgramRun;
const DISCOVERY = { clusters: ["shop-dev", "batch"], tags: { team: "payments" }, maxTasks: 6 };
beforeAll(async () => {
  run = await runProgram({ config: devStackConfig({ fanOut: { maxConcurrency: 8, batchSize: 4, maxReceiveCount: 5 } }), secretKeys: SECRET_KEYS });
  plain = await runProgram({ config: devStackConfig(), secretKeys: SECRET_KEYS });
  found = await runProgram({ config: devStackConfig({ services: [], fanOut: {}, discovery: DISCOVERY }), secretKeys: SECRET_KEYS });
}, PROGRAM_MS);

const FN = "aws:lambda/function:Function";
const QUEUE = "aws:sqs/queue:Queue";
const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const policyOf = (role: string, of: ProgramRun = run): PolicyDocument => JSON.parse(String(resource(of, "aws:iam/rolePolicy:RolePolicy", `${role}-policy`).inputs.policy)) as PolicyDocument;
const envOf = (fn: string, of: ProgramRun): Record<string, string> => (resource(of, FN, `${fn}-function`).inputs.environment as { variables: Record<string, string> }).variables;
const keyArn = () => String(run.outputs.kmsKeyArn);

describe("fan-out under mocks", () => {
  it("adds per kind a planner, a work queue and its dead-letter queue; the plain stack has none of them", () => {
    expect(ofType(run, FN).map((f) => f.inputs.name).sort()).toEqual(["cad-dev-collect", "cad-dev-collect-plan", "cad-dev-detect", "cad-dev-detect-plan"]);
    expect(ofType(run, QUEUE).map((q) => q.inputs.name ?? q.name).sort()).toEqual(["cad-dev-alerts-dlq", "cad-dev-collect-work-dlq.fifo", "cad-dev-collect-work.fifo", "cad-dev-detect-work-dlq.fifo", "cad-dev-detect-work.fifo"]);
    expect(ofType(plain, ESM)).toEqual([]);
    expect(ofType(plain, FN)).toHaveLength(2);
  });

  it("work queues are FIFO, encrypted with the stack key, redrive to their own dead-letter queue, and hide a message for 6 worker timeouts", () => {
    for (const [kind, timeout] of [["collect", 120], ["detect", 240]] as const) {
      const q = resource(run, QUEUE, `cad-dev-${kind}-work-queue`).inputs;
      const dlq = resource(run, QUEUE, `cad-dev-${kind}-work-dlq`);
      expect(q).toMatchObject({ fifoQueue: true, kmsMasterKeyId: keyArn(), visibilityTimeoutSeconds: 6 * timeout, deduplicationScope: "messageGroup", fifoThroughputLimit: "perMessageGroupId" });
      expect(JSON.parse(String(q.redrivePolicy))).toEqual({ deadLetterTargetArn: dlq.outputs.arn, maxReceiveCount: 5 });
      expect(dlq.inputs).toMatchObject({ fifoQueue: true, kmsMasterKeyId: keyArn() });
      const alarm = resource(run, "aws:cloudwatch/metricAlarm:MetricAlarm", `cad-dev-${kind}-work-dlq-depth`).inputs;
      expect(alarm).toMatchObject({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: dlq.outputs.name }, threshold: 0, alarmActions: [run.outputs.alertTopicArn] });
    }
  });

  it("workers consume with ReportBatchItemFailures and the configured maximum concurrency, reserving that much, with no schedule", () => {
    for (const kind of ["collect", "detect"]) {
      const esm = resource(run, ESM, `cad-dev-${kind}-queue`).inputs;
      expect(esm).toMatchObject({ eventSourceArn: resource(run, QUEUE, `cad-dev-${kind}-work-queue`).outputs.arn, functionResponseTypes: ["ReportBatchItemFailures"], batchSize: 4, scalingConfig: { maximumConcurrency: 8 } });
      expect(resource(run, FN, `cad-dev-${kind}-function`).inputs.reservedConcurrentExecutions).toBe(8);
      expect(run.resources.find((r) => r.name === `cad-dev-${kind}-schedule`)).toBeUndefined();
    }
  });

  it("planners run on the schedules (the detect planner disabled until there is a model) and know only their queue", () => {
    expect(resource(run, "aws:cloudwatch/eventRule:EventRule", "cad-dev-collect-plan-schedule").inputs).toMatchObject({ scheduleExpression: "rate(5 minutes)", state: "ENABLED" });
    expect(resource(run, "aws:cloudwatch/eventRule:EventRule", "cad-dev-detect-plan-schedule").inputs.state).toBe("DISABLED");
    expect(run.outputs.detectorSchedule).toBe("DISABLED");
    const env = (resource(run, FN, "cad-dev-detect-plan-function").inputs.environment as { variables: Record<string, string> }).variables;
    expect(Object.keys(env).sort()).toEqual(["CAD_ENVIRONMENT", "CAD_SERVICES", "CAD_WORK_KIND", "CAD_WORK_QUEUE_URL", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_SERVICE_NAME"]);
    expect(env.CAD_WORK_QUEUE_URL).toBe(resource(run, QUEUE, "cad-dev-detect-work-queue").outputs.url);
    expect(resource(run, FN, "cad-dev-detect-plan-function").inputs.layers).toEqual([]);
  });

  it("roles: a planner may only send to its queue (and log, and use the key); a worker may only consume its own queue", () => {
    const planner = policyOf("cad-dev-detect-plan");
    expect(planner.Statement.map((s) => s.Sid)).toEqual(["WriteOwnLogs", "OnFailureDestination", "UseStackKey", "EnqueueWork"]);
    expect(planner.Statement[3]).toMatchObject({ Action: ["sqs:SendMessage"], Resource: [resource(run, QUEUE, "cad-dev-detect-work-queue").outputs.arn] });
    for (const kind of ["collect", "detect"]) {
      const consume = policyOf(`cad-dev-${kind}`).Statement.filter((s) => s.Sid === "ConsumeWorkQueue");
      expect(consume).toEqual([
        { Sid: "ConsumeWorkQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], Resource: [resource(run, QUEUE, `cad-dev-${kind}-work-queue`).outputs.arn] },
      ]);
    }
  });

  it("with discovery: the planners may list and describe the services of exactly those clusters, the detector scale them; the collector gets no ECS", () => {
    for (const kind of ["collect", "detect"]) {
      const ecs = policyOf(`cad-dev-${kind}-plan`, found).Statement.filter((s) => s.Action.some((a) => a.startsWith("ecs:")));
      expect(ecs.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
        ["ListClusterServices", ["ecs:ListServices"], ["*"]],
        ["DescribeClusterServices", ["ecs:DescribeServices"], [expect.stringMatching(/^arn:aws:ecs:eu-west-1:\d{12}:service\/shop-dev\/\*$/), expect.stringMatching(/:service\/batch\/\*$/)]],
      ]);
      const clusters = (ecs[0].Condition?.ArnEquals?.["ecs:cluster"] ?? []) as string[];
      expect(clusters.map((arn) => arn.replace(/^arn:aws:ecs:eu-west-1:\d{12}:/, ""))).toEqual(["cluster/shop-dev", "cluster/batch"]);
      expect(JSON.parse(envOf(`cad-dev-${kind}-plan`, found).CAD_DISCOVERY)).toEqual({ ...DISCOVERY, minTasks: 1 });
      expect(JSON.parse(envOf(`cad-dev-${kind}`, found).CAD_DISCOVERY)).toEqual({ ...DISCOVERY, minTasks: 1 });
    }
    const scale = policyOf("cad-dev-detect", found).Statement.filter((s) => s.Action.includes("ecs:UpdateService"));
    // No configured service, so no statement for them (IAM refuses an empty Resource): only the clusters' services.
    expect(scale.map((s) => [s.Sid, s.Resource])).toEqual([["ScaleServicesOfWatchedClusters", [expect.stringMatching(/:service\/shop-dev\/\*$/), expect.stringMatching(/:service\/batch\/\*$/)]]]);
    expect(envOf("cad-dev-detect", found).CAD_SERVICES).toBe("[]");
    expect(policyOf("cad-dev-collect", found).Statement.flatMap((s) => s.Action).filter((a) => a.startsWith("ecs:"))).toEqual([]);
    // Without discovery nothing of this exists.
    expect(policyOf("cad-dev-detect-plan").Statement.flatMap((s) => s.Action).filter((a) => a.startsWith("ecs:"))).toEqual([]);
    expect(envOf("cad-dev-detect-plan", run).CAD_DISCOVERY).toBeUndefined();
  });

  it.each(["dev.json", "prod.json"])("passes the pack under %s with no mandatory violation, with and without discovery", async (file) => {
    const config = JSON.parse(readFileSync(join(REPO_ROOT, "policies", "config", file), "utf8")) as PolicyPackConfig;
    expect(mandatoryViolations(await runPolicyPack(found.resources, { config })).map((v) => `${v.policyName} ${v.resourceName ?? ""}: ${v.message}`)).toEqual([]);
    const violations = await runPolicyPack(run.resources, { config });
    expect(mandatoryViolations(violations).map((v) => `${v.policyName} ${v.resourceName ?? ""}: ${v.message}`)).toEqual([]);
  });
});
