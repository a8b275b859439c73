/**
 * The whole program under Pulumi's mocks: the checked-in dev stack as shipped (embedded scorer), and the same stack
 * switched to SageMaker on a training set that is in the bucket. Every resource is recorded and the
 * security-relevant inputs of each are asserted, as are the stack outputs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument, PolicyStatement } from "../../infra/iamDocuments";
import { MOCK_ACCOUNT, MOCK_RCF_IMAGE, ofType, resource, runProgram, type ProgramRun } from "../helpers/pulumiMocks";
import { PROGRAM_MS } from "../helpers/timeouts";
import { DATA_VERSION, SECRET_KEYS, TEST_SECRETS, devStackConfig, sageMakerStackConfig, trainingSetKeys } from "../helpers/stackConfig";

/** The dev stack as shipped: embedded scorer, empty bucket. */
let dev: ProgramRun;
/** The dev stack on the SageMaker scorer, its training set built and calibrated. */
let run: ProgramRun;
beforeAll(async () => {
  dev = await runProgram({ config: devStackConfig(), secretKeys: SECRET_KEYS });
  run = await runProgram({ config: sageMakerStackConfig(), secretKeys: SECRET_KEYS, bucketKeys: trainingSetKeys(DATA_VERSION, { calibrated: true }) });
}, PROGRAM_MS);

const policyOf = (inputs: Record<string, unknown>, field = "policy"): PolicyDocument => JSON.parse(String(inputs[field])) as PolicyDocument;
const statement = (doc: PolicyDocument, sid: string): PolicyStatement => {
  const found = doc.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${JSON.stringify(doc)}`);
  return found;
};
const out = (key: string): string => String(run.outputs[key]);
const keyArn = (): string => out("kmsKeyArn");

describe("the program's shape", () => {
  it("composes one component per area with cad:<area>:<Name> type tokens; the model only with SageMaker", () => {
    expect(dev.resources.filter((r) => !r.custom && r.type === "cad:model:RcfModel")).toEqual([]);
    const components = run.resources.filter((r) => !r.custom).map((r) => `${r.type} ${r.name}`);
    expect(components.sort()).toEqual(
      [
        "cad:alerting:Alerting cad-dev-alerts",
        "cad:functions:Functions cad-dev",
        "cad:functions:ScheduledFunction cad-dev-collect",
        "cad:functions:ScheduledFunction cad-dev-detect",
        "cad:model:RcfModel cad-dev-rcf",
        "cad:monitoring:ModelHealthAlarms cad-dev-model-health",
        "cad:secrets:VaultSecrets cad-dev-vault",
        "cad:storage:Storage cad-dev",
      ].sort(),
    );
  });

  it("names every resource after its component (`<component>-<role>`)", () => {
    for (const r of run.resources) expect(r.name).toMatch(/^cad-dev(-[a-z0-9]+)*$/);
  });

  it("invokes exactly the data sources it needs", () => {
    expect(dev.invokes.map((i) => i.token).sort()).toEqual(["aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition", "aws:s3/getObjects:getObjects"]);
    // Embedded: is the model bundle there yet?
    expect(dev.invokes.find((i) => i.token.includes("getObjects"))?.inputs).toEqual({ bucket: "cad-dev-bucket-0a1b2c3", prefix: "models/current/model-bundle.json" });
    expect(run.invokes.map((i) => i.token).sort()).toEqual([
      "aws:index/getCallerIdentity:getCallerIdentity",
      "aws:index/getPartition:getPartition",
      "aws:s3/getObjects:getObjects",
      "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage",
    ]);
    expect(run.invokes.find((i) => i.token.includes("getPrebuiltEcrImage"))?.inputs).toMatchObject({ repositoryName: "randomcutforest", imageTag: "1" });
    // SageMaker: is the training set complete, and calibrated?
    expect(run.invokes.find((i) => i.token.includes("getObjects"))?.inputs).toEqual({ bucket: "cad-dev-bucket-0a1b2c3", prefix: `training/${DATA_VERSION}/`, delimiter: "/" });
  });
});

describe("Storage", () => {
  it("the key rotates and its policy lets services use it only for this account", () => {
    const key = resource(run, "aws:kms/key:Key", "cad-dev-key").inputs;
    expect(key.enableKeyRotation).toBe(true);
    const doc = policyOf(key);
    expect(statement(doc, "AccountAdministersKeyThroughIam").Principal).toEqual({ AWS: `arn:aws:iam::${MOCK_ACCOUNT}:root` });
    expect(statement(doc, "CloudWatchLogsEncryptsThisAccountsLogGroups").Condition).toEqual({
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${MOCK_ACCOUNT}:log-group:*` },
    });
    expect(statement(doc, "CloudWatchAlarmsPublishToEncryptedTopic").Condition).toBeUndefined();
    expect(statement(doc, "TopicDeliversToEncryptedQueue").Condition).toEqual({ StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } });
  });

  it("the bucket is SSE-KMS with the stack key, versioned, fully private, TLS-only, and expires raw windows", () => {
    const bucket = "cad-dev-bucket-0a1b2c3";
    expect(resource(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "cad-dev-encryption").inputs).toEqual({
      bucket,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn() }, bucketKeyEnabled: true }],
    });
    expect(resource(run, "aws:s3/bucketVersioning:BucketVersioning", "cad-dev-versioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(resource(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "cad-dev-public-access").inputs).toEqual({
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const tls = statement(policyOf(resource(run, "aws:s3/bucketPolicy:BucketPolicy", "cad-dev-tls-only").inputs), "DenyInsecureTransport");
    expect(tls).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(tls.Resource).toEqual(["arn:aws:s3:::cad-dev-bucket-0a1b2c3", "arn:aws:s3:::cad-dev-bucket-0a1b2c3/*"]);
    const rules = resource(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "cad-dev-lifecycle").inputs.rules as Record<string, unknown>[];
    expect(rules[0]).toMatchObject({ id: "expire-raw-windows", status: "Enabled", filter: { prefix: "metrics/" }, expiration: { days: 30 } });
    expect(rules[1]).toMatchObject({ id: "expire-notifier-progress", status: "Enabled", filter: { prefix: "state/notify/" }, expiration: { days: 30 } });
    expect(rules[2]).toMatchObject({ id: "expire-old-versions", noncurrentVersionExpiration: { noncurrentDays: 30 } });
  });
});

describe("Alerting", () => {
  it("encrypts the topic and the dead-letter queue with the stack key", () => {
    expect(resource(run, "aws:sns/topic:Topic", "cad-dev-alerts-topic").inputs.kmsMasterKeyId).toBe(keyArn());
    expect(resource(run, "aws:sqs/queue:Queue", "cad-dev-alerts-dlq").inputs).toMatchObject({ kmsMasterKeyId: keyArn(), messageRetentionSeconds: 1_209_600 });
  });

  it("subscribes the configured endpoints with the DLQ as redrive target, and only the topic may redrive", () => {
    const subs = ofType(run, "aws:sns/topicSubscription:TopicSubscription");
    expect(subs.map((s) => [s.inputs.protocol, s.inputs.endpoint])).toEqual([["email", "oncall-dev@example.com"]]);
    expect(JSON.parse(String(subs[0].inputs.redrivePolicy))).toEqual({ deadLetterTargetArn: out("deadLetterQueueUrl").replace(/.*\//, `arn:aws:sqs:eu-west-1:${MOCK_ACCOUNT}:`) });
    const redrive = statement(policyOf(resource(run, "aws:sqs/queuePolicy:QueuePolicy", "cad-dev-alerts-dlq-policy").inputs), "TopicRedrive");
    expect(redrive.Condition).toEqual({ ArnEquals: { "aws:SourceArn": out("alertTopicArn") } });
  });

  it("alarms to the topic when the DLQ holds anything", () => {
    expect(resource(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "cad-dev-alerts-dlq-depth").inputs).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [out("alertTopicArn")],
    });
  });
});

describe("Secrets (Vault)", () => {
  const roleArns = ["cad-dev-collect-role", "cad-dev-detect-role"].map((r) => `arn:aws:iam::${MOCK_ACCOUNT}:role/${r}-0a1b2c3`);

  it("stores the source credentials from Pulumi secrets as a secret input", () => {
    const secret = resource(run, "vault:kv/secretV2:SecretV2", "cad-dev-vault-credentials");
    expect(secret.secretPaths).toContain("dataJson");
    expect(secret.inputs).toMatchObject({ mount: "secret", name: "container-anomaly-detection/dev" });
    expect(JSON.parse(String(secret.inputs.dataJson))).toEqual({
      splunkToken: TEST_SECRETS["container-anomaly-detection:splunkToken"],
      dynatraceToken: TEST_SECRETS["container-anomaly-detection:dynatraceToken"],
    });
  });

  it("grants read on that one secret path and nothing else", () => {
    const policy = resource(run, "vault:index/policy:Policy", "cad-dev-vault-read-policy").inputs;
    expect(policy.name).toBe("container-anomaly-detection-dev-read");
    const rules = String(policy.policy).split("\n").filter((l) => !l.startsWith("#") && l.trim() !== "");
    expect(rules).toEqual(['path "secret/data/container-anomaly-detection/dev" {', '  capabilities = ["read"]', "}"]);
  });

  it("binds the IAM auth role to exactly the two Lambda roles", () => {
    expect(resource(run, "vault:aws/authBackendRole:AuthBackendRole", "cad-dev-vault-auth-role").inputs).toMatchObject({
      backend: "aws",
      role: "cad-dev-lambda",
      authType: "iam",
      boundIamPrincipalArns: roleArns,
      tokenPolicies: ["container-anomaly-detection-dev-read"],
      tokenTtl: 900,
    });
  });

  it("talks to the configured Vault through an explicit provider, leaving skipChildToken to the environment (CI sets it)", () => {
    const provider = resource(run, "pulumi:providers:vault", "cad-dev-vault-provider").inputs;
    expect(provider.address).toBe("https://vault.dev.example.com:8200");
    expect(provider).not.toHaveProperty("skipChildToken");
    for (const r of run.resources.filter((x) => x.type.startsWith("vault:"))) expect(r.provider).toMatch(/cad-dev-vault-provider/);
  });
});

describe("Model (SageMaker RCF)", () => {
  const jobName = (): string => String(resource(run, "aws:sagemaker/trainingJob:TrainingJob", "cad-dev-rcf-training").inputs.trainingJobName);

  it("trains the built-in RCF on the configured data version, isolated and encrypted", () => {
    const job = resource(run, "aws:sagemaker/trainingJob:TrainingJob", "cad-dev-rcf-training").inputs;
    expect(jobName()).toMatch(/^cad-dev-ds-e06f221f45d66a4c-[0-9a-f]{10}$/);
    expect(out("trainingJobName")).toBe(jobName());
    expect(job).toMatchObject({
      algorithmSpecification: { trainingImage: MOCK_RCF_IMAGE, trainingInputMode: "File" },
      hyperParameters: { feature_dim: "4", num_trees: "100", num_samples_per_tree: "256" },
      enableNetworkIsolation: true,
      enableInterContainerTrafficEncryption: true,
      outputDataConfig: { s3OutputPath: "s3://cad-dev-bucket-0a1b2c3/models/", kmsKeyId: keyArn() },
      resourceConfig: { instanceType: "ml.m5.large", instanceCount: 1, volumeSizeInGb: 10, volumeKmsKeyId: keyArn() },
      stoppingCondition: { maxRuntimeInSeconds: 3600 },
      timeouts: { create: "90m" },
    });
    expect((job.inputDataConfigs as { dataSource: { s3DataSource: { s3Uri: string } } }[])[0].dataSource.s3DataSource.s3Uri).toBe(`s3://cad-dev-bucket-0a1b2c3/training/${DATA_VERSION}/train/`);
  });

  it("serves the job's artifact from an isolated, encrypted instance endpoint; model and configuration are auto-named", () => {
    const model = resource(run, "aws:sagemaker/model:Model", "cad-dev-rcf-model");
    expect(model.inputs.name).toBeUndefined();
    expect(model.inputs).toMatchObject({
      enableNetworkIsolation: true,
      primaryContainer: { image: MOCK_RCF_IMAGE, modelDataUrl: `s3://cad-dev-bucket-0a1b2c3/models/${jobName()}/output/model.tar.gz` },
    });
    const config = resource(run, "aws:sagemaker/endpointConfiguration:EndpointConfiguration", "cad-dev-rcf-endpoint-config").inputs;
    expect(config.name).toBeUndefined();
    expect(config.productionVariants).toEqual([{ variantName: "rcf", modelName: model.outputs.name, instanceType: "ml.c5.large", initialInstanceCount: 1 }]);
    expect(config.kmsKeyArn).toBe(keyArn());
    expect(resource(run, "aws:sagemaker/endpoint:Endpoint", "cad-dev-rcf-endpoint").inputs.name).toBe("cad-dev-rcf");
  });

  it("gives SageMaker a role limited to the data version, the model prefix and the key", () => {
    const trust = policyOf(resource(run, "aws:iam/role:Role", "cad-dev-rcf-role").inputs, "assumeRolePolicy");
    expect(trust.Statement).toEqual([
      { Sid: "AssumeBySageMaker", Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } } },
    ]);
    const doc = policyOf(resource(run, "aws:iam/rolePolicy:RolePolicy", "cad-dev-rcf-role-policy").inputs);
    expect(statement(doc, "ReadTrainingData").Resource).toEqual([`arn:aws:s3:::cad-dev-bucket-0a1b2c3/training/${DATA_VERSION}/*`]);
    expect(statement(doc, "ModelArtifacts").Resource).toEqual(["arn:aws:s3:::cad-dev-bucket-0a1b2c3/models/*"]);
    expect(statement(doc, "UseStackKey").Resource).toEqual([keyArn()]);
  });
});

describe("Functions", () => {
  const fn = (role: "collect" | "detect"): Record<string, unknown> => resource(run, "aws:lambda/function:Function", `cad-dev-${role}-function`).inputs;
  const rolePolicy = (role: "collect" | "detect"): PolicyDocument => policyOf(resource(run, "aws:iam/rolePolicy:RolePolicy", `cad-dev-${role}-policy`).inputs);

  it("attach no managed policy anywhere: every role carries one explicit inline policy", () => {
    expect(ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
    expect(ofType(run, "aws:iam/role:Role").map((r) => r.name).sort()).toEqual(["cad-dev-collect-role", "cad-dev-detect-role", "cad-dev-rcf-role"]);
    for (const r of ofType(run, "aws:iam/role:Role")) expect(r.inputs.managedPolicyArns).toBeUndefined();
  });

  it("grant named actions only, and `*` resources only where AWS offers no resource-level permission", () => {
    const policies = ofType(run, "aws:iam/rolePolicy:RolePolicy").map((p) => policyOf(p.inputs));
    for (const doc of policies) {
      for (const s of doc.Statement) {
        expect(s.Effect).toBe("Allow");
        for (const action of s.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        if (s.Resource?.includes("*")) expect(["DescribeScalableTargets", "PublishJobMetrics"]).toContain(s.Sid);
      }
    }
  });

  it("run the runtime entry modules on nodejs24.x with their own role, the Vault extension and its env", () => {
    for (const role of ["collect", "detect"] as const) {
      const f = fn(role);
      expect(f).toMatchObject({
        name: `cad-dev-${role}`,
        runtime: "nodejs24.x",
        handler: "index.handler",
        role: `arn:aws:iam::${MOCK_ACCOUNT}:role/cad-dev-${role}-role-0a1b2c3`,
        layers: ["arn:aws:lambda:eu-west-1:634166935893:layer:vault-lambda-extension:18"],
        kmsKeyArn: keyArn(),
        loggingConfig: { logFormat: "JSON", logGroup: `/aws/lambda/cad-dev-${role}` },
      });
      const env = (f.environment as { variables: Record<string, string> }).variables;
      expect(env).toMatchObject({
        VAULT_ADDR: "https://vault.dev.example.com:8200",
        VAULT_AUTH_PROVIDER: "aws",
        VAULT_AUTH_ROLE: "cad-dev-lambda",
        CAD_VAULT_PROXY_ADDRESS: "http://127.0.0.1:8200",
        CAD_VAULT_KV_MOUNT: "secret",
        CAD_VAULT_SECRET_PATH: "container-anomaly-detection/dev",
        CAD_STATE_PREFIX: "state/",
        CAD_RAW_PREFIX: "metrics/",
      });
      for (const value of Object.values(TEST_SECRETS)) expect(JSON.stringify(env)).not.toContain(value);
    }
  });

  it("runs each function strictly one at a time (reserved concurrency 1; prod's policy requires a reservation)", () => {
    expect(fn("detect").reservedConcurrentExecutions).toBe(1);
    expect(fn("collect").reservedConcurrentExecutions).toBe(1);
  });

  it("keeps the detector's schedule disabled until it has a model, and enables it once it has", () => {
    const state = (r: ProgramRun) => resource(r, "aws:cloudwatch/eventRule:EventRule", "cad-dev-detect-schedule").inputs.state;
    expect(state(dev)).toBe("DISABLED");
    expect(dev.outputs.detectorSchedule).toBe("DISABLED");
    expect(resource(dev, "aws:cloudwatch/eventRule:EventRule", "cad-dev-collect-schedule").inputs.state).toBe("ENABLED");
    expect(state(run)).toBe("ENABLED");
    expect(out("detectorSchedule")).toBe("ENABLED");
  });

  it("schedule both from config, retry at most twice, and park failures in the DLQ", () => {
    const dlqArn = `arn:aws:sqs:eu-west-1:${MOCK_ACCOUNT}:cad-dev-alerts-dlq-0a1b2c3`;
    for (const role of ["collect", "detect"] as const) {
      expect(resource(run, "aws:cloudwatch/eventRule:EventRule", `cad-dev-${role}-schedule`).inputs.scheduleExpression).toBe("rate(5 minutes)");
      expect(resource(run, "aws:lambda/permission:Permission", `cad-dev-${role}-invoke`).inputs).toMatchObject({
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: `arn:aws:events:eu-west-1:${MOCK_ACCOUNT}:rule/cad-dev-${role}-schedule-0a1b2c3`,
      });
      expect(resource(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", `cad-dev-${role}-async`).inputs).toMatchObject({
        functionName: `cad-dev-${role}`,
        maximumRetryAttempts: 2,
        destinationConfig: { onFailure: { destination: dlqArn } },
      });
      expect(statement(rolePolicy(role), "OnFailureDestination").Resource).toEqual([dlqArn]);
    }
  });

  it("keep encrypted logs for the configured retention and alarm on errors", () => {
    for (const role of ["collect", "detect"] as const) {
      expect(resource(run, "aws:cloudwatch/logGroup:LogGroup", `cad-dev-${role}-logs`).inputs).toEqual({ name: `/aws/lambda/cad-dev-${role}`, retentionInDays: 30, kmsKeyId: keyArn() });
      expect(statement(rolePolicy(role), "WriteOwnLogs").Resource).toEqual([`arn:aws:logs:eu-west-1:${MOCK_ACCOUNT}:log-group:/aws/lambda/cad-dev-${role}:*`]);
      expect(resource(run, "aws:cloudwatch/metricAlarm:MetricAlarm", `cad-dev-${role}-errors`).inputs).toMatchObject({
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: `cad-dev-${role}` },
        alarmActions: [out("alertTopicArn")],
      });
    }
  });

  it("give the collector its feature set and source settings, and no credential", () => {
    const env = (fn("collect").environment as { variables: Record<string, string> }).variables;
    expect(JSON.parse(env.CAD_FEATURE_SET)).toMatchObject({ stepSeconds: 60, maxFillSteps: 3, shingleSize: 1, metrics: [{ name: "container.cpu.utilization", role: "cpu" }, {}, {}, {}] });
    expect(JSON.parse(env.CAD_METRIC_SOURCES)).toMatchObject({
      splunk: { url: "https://splunk.dev.example.com:8089", index: "otel_metrics", searchKind: "mstats" },
      dynatrace: { url: "https://abc12345.live.dynatrace.com", containerDimension: "dt.entity.container_group_instance" },
    });
  });

  it("let the collector write raw windows and its checkpoint, nothing more", () => {
    const doc = rolePolicy("collect");
    expect(doc.Statement.map((s) => s.Sid)).toEqual(["WriteOwnLogs", "OnFailureDestination", "UseStackKey", "WriteRawWindows", "OwnCheckpoint", "ListOwnPrefixes"]);
    expect(statement(doc, "WriteRawWindows")).toMatchObject({ Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::cad-dev-bucket-0a1b2c3/metrics/*"] });
  });

  it("let the detector score on the endpoint, publish to the topic and scale exactly the configured services", () => {
    const doc = rolePolicy("detect");
    expect(statement(doc, "ScoreOnEndpoint").Resource).toEqual([`arn:aws:sagemaker:eu-west-1:${MOCK_ACCOUNT}:endpoint/cad-dev-rcf`]);
    expect(statement(doc, "PublishAlerts").Resource).toEqual([out("alertTopicArn")]);
    expect(statement(doc, "ScaleConfiguredServices").Resource).toEqual([
      `arn:aws:ecs:eu-west-1:${MOCK_ACCOUNT}:service/shop-dev/checkout`,
      `arn:aws:ecs:eu-west-1:${MOCK_ACCOUNT}:service/shop-dev/catalog`,
    ]);
    expect(statement(doc, "RaiseMinCapacityOfEcsServices").Condition).toEqual({
      StringEquals: { "application-autoscaling:service-namespace": "ecs", "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount" },
    });
    const env = (fn("detect").environment as { variables: Record<string, string> }).variables;
    expect(env).toMatchObject({
      CAD_SCORER: "sagemaker",
      CAD_ENDPOINT_NAME: "cad-dev-rcf",
      CAD_TOPIC_ARN: out("alertTopicArn"),
      CAD_DEAD_LETTER_QUEUE_URL: out("deadLetterQueueUrl"),
      CAD_MODELS_PREFIX: "models/",
      CAD_MODEL_KEY: "models/current/model-bundle.json",
      CAD_SCALING: JSON.stringify({ maxStep: 2, cooldownMs: 600_000 }),
      CAD_TRAINING_DATA_VERSION: DATA_VERSION,
    });
    // The SageMaker model is described by its training set's features.json and the endpoint's calibrated threshold.
    expect(statement(doc, "ReadWindowsAndModels").Resource).toEqual([
      "arn:aws:s3:::cad-dev-bucket-0a1b2c3/metrics/*",
      "arn:aws:s3:::cad-dev-bucket-0a1b2c3/models/*",
      `arn:aws:s3:::cad-dev-bucket-0a1b2c3/training/${DATA_VERSION}/features.json`,
      `arn:aws:s3:::cad-dev-bucket-0a1b2c3/training/${DATA_VERSION}/threshold.json`,
    ]);
    expect(JSON.parse(env.CAD_METRIC_SOURCES)).toEqual(JSON.parse((fn("collect").environment as { variables: Record<string, string> }).variables.CAD_METRIC_SOURCES));
    expect(statement(doc, "OwnState").Resource).toEqual(["arn:aws:s3:::cad-dev-bucket-0a1b2c3/state/detector/*", "arn:aws:s3:::cad-dev-bucket-0a1b2c3/state/scaler/*"]);
  });
});

describe("model health", () => {
  it("alarms per watched service when its anomaly rate stays high for hours: the model is stale", () => {
    const alarms = run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.inputs.metricName === "AnomalyRate");
    expect(alarms.map((a) => a.name).sort()).toEqual(["cad-dev-model-health-catalog", "cad-dev-model-health-checkout"]);
    for (const a of alarms) {
      expect(a.inputs).toMatchObject({
        namespace: "ContainerAnomalyDetection",
        statistic: "Average",
        period: 3600,
        evaluationPeriods: 6,
        threshold: 0.1,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [out("alertTopicArn")],
      });
    }
    // The dimensions the detector's EMF gauges carry: Powertools' service, the stack's environment, the ECS service.
    expect(alarms.find((a) => a.name.endsWith("checkout"))?.inputs.dimensions).toEqual({ service: "detector", environment: "dev", ecsService: "checkout" });
  });
});

describe("stack outputs", () => {
  it("tell an operator where everything is, only what applies to the scorer, and hold no secret", () => {
    const common = {
      alertTopicArn: `arn:aws:sns:eu-west-1:${MOCK_ACCOUNT}:cad-dev-alerts-topic-0a1b2c3`,
      deadLetterQueueUrl: `https://sqs.eu-west-1.amazonaws.com/${MOCK_ACCOUNT}/cad-dev-alerts-dlq-0a1b2c3`,
      bucketName: "cad-dev-bucket-0a1b2c3",
      kmsKeyArn: expect.stringMatching(new RegExp(`^arn:aws:kms:eu-west-1:${MOCK_ACCOUNT}:key/[0-9a-f-]{36}$`)) as unknown,
      collectorFunctionName: "cad-dev-collect",
      collectorFunctionArn: `arn:aws:lambda:eu-west-1:${MOCK_ACCOUNT}:function:cad-dev-collect`,
      detectorFunctionName: "cad-dev-detect",
      detectorFunctionArn: `arn:aws:lambda:eu-west-1:${MOCK_ACCOUNT}:function:cad-dev-detect`,
      vaultSecretPath: "secret/data/container-anomaly-detection/dev",
      vaultAuthRole: "cad-dev-lambda",
    };
    expect(dev.outputs).toEqual({ ...common, scorer: "embedded", detectorSchedule: "DISABLED", modelBundleUri: "s3://cad-dev-bucket-0a1b2c3/models/current/model-bundle.json" });
    expect(run.outputs).toEqual({
      ...common,
      scorer: "sagemaker",
      detectorSchedule: "ENABLED",
      endpointName: "cad-dev-rcf",
      endpointInvocationUrl: "https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/cad-dev-rcf/invocations",
      trainingJobName: expect.stringMatching(/^cad-dev-ds-e06f221f45d66a4c-[0-9a-f]{10}$/) as unknown,
      trainingDataVersion: DATA_VERSION,
    });
    expect(dev.secretOutputs).toEqual([]);
    expect(run.secretOutputs).toEqual([]);
  });
});
