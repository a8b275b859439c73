import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULTS, PROJECT, parseStackConfig } from "../../infra/config";
import { isScheduleExpression } from "../../infra/configSchema";
import { configErrorOf as errorOf, parseDevWith as parseWith } from "../helpers/parseDevStack";
import { REPO_ROOT } from "../helpers/pulumiMocks";
import { devStackConfig, projectDefaults, readStackFile } from "../helpers/stackConfig";

const dev = readStackFile(join(REPO_ROOT, "Pulumi.dev.yaml"));

const vault = { address: "https://v:8200", kvMount: "secret", secretName: "x", authMount: "aws", authRole: "r" };

describe("parseStackConfig", () => {
  it("reads the complete dev stack, with the embedded scorer until a training set is named", () => {
    const cfg = parseWith({});
    expect(cfg).toMatchObject({
      project: PROJECT,
      stack: "dev",
      region: "eu-west-1",
      environment: "dev",
      scorer: "embedded",
      schedules: { collect: "rate(5 minutes)", detect: "rate(5 minutes)" },
      endpoint: { mode: "instance", instanceType: "ml.c5.large", instanceCount: 1 },
      logRetentionDays: 30,
      rawRetentionDays: 30,
      scaling: { maxStep: 2, cooldownSeconds: 600 },
      modelBundleKey: "models/current/model-bundle.json",
      reserveConcurrency: true,
      forceDestroyBucket: false,
    });
    expect(cfg.trainingDataVersion).toBeUndefined();
    expect(cfg.services).toEqual([
      { cluster: "shop-dev", service: "checkout", minTasks: 2, maxTasks: 6 },
      { cluster: "shop-dev", service: "catalog", minTasks: 1, maxTasks: 4 },
    ]);
    expect(Object.keys(cfg.metricSources)).toEqual(["splunk", "dynatrace"]);
    expect(cfg.featureSet).toMatchObject({ stepSeconds: 60, maxFillSteps: 3, shingleSize: 1 });
    expect(cfg.vault).toEqual({
      address: "https://vault.dev.example.com:8200",
      kvMount: "secret",
      secretName: "container-anomaly-detection/dev",
      authMount: "aws",
      authRole: "cad-dev-lambda",
      extensionVersion: 18,
      tokenTtlSeconds: 900,
    });
  });

  it("switches to SageMaker when a training set is named, and stays embedded when asked to", () => {
    expect(parseWith({ trainingDataVersion: "ds-e06f221f45d66a4c" }).scorer).toBe("sagemaker");
    expect(parseWith({ trainingDataVersion: "ds-e06f221f45d66a4c", scorer: "embedded" }).scorer).toBe("embedded");
  });

  it("the checked-in dev stack holds no secret (values are set with `pulumi config set --secret`)", () => {
    const text = readFileSync(join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
    expect(text).not.toMatch(/secure:/);
    expect(Object.keys(dev).filter((k) => /token|password|secret$/i.test(k))).toEqual([]);
  });

  it("fills optional keys with the defaults", () => {
    const cfg = parseStackConfig(
      Object.fromEntries(Object.entries(devStackConfig({ model: undefined, endpoint: undefined, scaling: undefined })).filter(([k]) => !/:(environment|collectSchedule|logRetentionDays|reserveConcurrency)$/.test(k))),
      "dev",
    );
    expect(cfg.environment).toBe(DEFAULTS.environment);
    expect(cfg.schedules.collect).toBe(DEFAULTS.collectSchedule);
    expect(cfg.logRetentionDays).toBe(DEFAULTS.logRetentionDays);
    expect(cfg.reserveConcurrency).toBe(true);
    expect(cfg.modelHealth).toEqual({ maxAnomalyRate: 0.1, hours: 6 });
    expect(cfg.scaling).toEqual({ maxStep: 2, cooldownSeconds: 600 });
    expect(cfg.endpoint).toEqual({ mode: "instance", instanceType: "ml.c5.large", instanceCount: 1 });
    expect(cfg.model).toEqual({ featureDim: 4, numTrees: 100, numSamplesPerTree: 256, trainingInstanceType: "ml.m5.large", trainingInstanceCount: 1, trainingVolumeGb: 10, maxRuntimeSeconds: 3600, trainingAttempt: 1 });
  });

  it("matches Pulumi.yaml's declared defaults exactly", () => {
    const yaml = createRequire(join(REPO_ROOT, "package.json"))("js-yaml") as { load(text: string): unknown };
    const project = yaml.load(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { default?: unknown }> };
    expect(project.name).toBe(PROJECT);
    const declared = Object.fromEntries(Object.entries(project.config).filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, v.default]));
    expect(declared).toEqual(DEFAULTS);
    // Every declared default parses: the CLI passes them as text for keys the stack leaves unset.
    expect(() => parseStackConfig({ ...devStackConfig(), ...projectDefaults() }, "dev")).not.toThrow();
  });

  it.each([
    ["a misspelt top-level key (did you mean)", { sevices: [{ cluster: "c", service: "s", minTasks: 1, maxTasks: 2 }] }, "container-anomaly-detection:sevices", /known settings \(did you mean "services"\?\)/],
    ["a misspelt nested key (did you mean)", { services: [{ cluster: "c", service: "s", minTasks: 1, maxTask: 3 }] }, "container-anomaly-detection:services[0].maxTask", /did you mean "maxTasks"\?.*got 3$/],
    ["a number given as a string inside structured config", { services: [{ cluster: "c", service: "s", minTasks: "2", maxTasks: 3 }] }, "container-anomaly-detection:services[0].minTasks", /expected an integer from 0 to 1000, got "2"$/],
    ["a boolean key that is not true/false", { reserveConcurrency: "yes" }, "container-anomaly-detection:reserveConcurrency", /"true" or "false", got "yes"/],
    ["an integer key in another notation", { rawRetentionDays: "3e1" }, "container-anomaly-detection:rawRetentionDays", /an integer from 1 to 3650, got "3e1"/],
    ["a list where an object is expected", { scaling: [2, 600] }, "container-anomaly-detection:scaling", /expected \{maxStep, cooldownSeconds\}/],
    ["missing service list", { services: undefined }, "container-anomaly-detection:services", /expected a value \(the key is required\), but it is not set/],
    ["empty service list", { services: [] }, "container-anomaly-detection:services", /at least 1 entry \(or discovery, to watch the services of some clusters\)/],
    ["min > max", { services: [{ cluster: "c", service: "s", minTasks: 4, maxTasks: 3 }] }, "container-anomaly-detection:services[0].maxTasks", /a value >= minTasks \(4\), got 3/],
    ["duplicate service", { services: [{ cluster: "c", service: "s", minTasks: 1, maxTasks: 3 }, { cluster: "c", service: "s", minTasks: 1, maxTasks: 2 }] }, "container-anomaly-detection:services[1]", /listed once/],
    ["services on two clusters", { services: [{ cluster: "a", service: "s", minTasks: 1, maxTasks: 3 }, { cluster: "b", service: "t", minTasks: 1, maxTasks: 3 }] }, "container-anomaly-detection:services[1].cluster", /one stack watches one cluster/],
    ["a scaling step of 0", { scaling: { maxStep: 0 } }, "container-anomaly-detection:scaling.maxStep", /integer from 1 to 100/],
    ["a model bundle outside models/", { modelBundleKey: "bundle.json" }, "container-anomaly-detection:modelBundleKey", /a key under models\//],
    ["bad schedule", { collectSchedule: "every 5 minutes" }, "container-anomaly-detection:collectSchedule", /EventBridge schedule/],
    ["plural mismatch", { detectSchedule: "rate(1 minutes)" }, "container-anomaly-detection:detectSchedule", /EventBridge schedule/],
    ["unknown endpoint mode", { endpoint: { mode: "gpu" } }, "container-anomaly-detection:endpoint.mode", /one of "instance", "serverless"/],
    ["a serverless setting on an instance endpoint", { endpoint: { mode: "instance", memorySizeMb: 2048 } }, "container-anomaly-detection:endpoint.memorySizeMb", /known settings: mode, instanceType, instanceCount/],
    ["serverless memory not a multiple of 1 GB", { endpoint: { mode: "serverless", memorySizeMb: 1500 } }, "container-anomaly-detection:endpoint.memorySizeMb", /multiple of 1024/],
    ["unknown scorer", { scorer: "gpu" }, "container-anomaly-detection:scorer", /"sagemaker", "embedded"/],
    ["the SageMaker scorer without a training set", { scorer: "sagemaker" }, "container-anomaly-detection:trainingDataVersion", /a training set version when scorer is sagemaker.*cad dataset build/],
    ["no metric source", { metricSources: {} }, "container-anomaly-detection:metricSources", /at least one of splunk, dynatrace/],
    ["plain-http Splunk", { metricSources: { splunk: { url: "http://splunk:8089", index: "m" } } }, "container-anomaly-detection:metricSources.splunk.url", /https URL/],
    ["a Dynatrace selector for a metric not collected", { metricSources: { splunk: { url: "https://s:8089", index: "m" }, dynatrace: { url: "https://x.live.dynatrace.com", metricSelectors: { "container.disk": "builtin:x" } } } }, "container-anomaly-detection:metricSources.dynatrace.metricSelectors.container.disk", /a metric of the feature set/],
    [
      "Dynatrace alone, without a selector for every metric",
      { metricSources: { dynatrace: { url: "https://x.live.dynatrace.com", metricSelectors: { "container.cpu.utilization": "builtin:containers.cpu.usagePercent" } } } },
      "container-anomaly-detection:metricSources.dynatrace.metricSelectors",
      /missing: container.memory.usage.total, container.network.io.usage.rx_bytes, container.network.io.usage.tx_bytes/,
    ],
    ["an unknown metric role", { featureSet: { metrics: [{ name: "cpu", role: "gpu" }] } }, "container-anomaly-detection:featureSet.metrics[0].role", /one of cpu, memory, network-rx/],
    ["a metric listed twice", { featureSet: { metrics: [{ name: "cpu", role: "cpu" }, { name: "cpu", role: "other" }] } }, "container-anomaly-detection:featureSet.metrics[1].name", /not listed before/],
    ["a featureDim that contradicts the feature set", { model: { featureDim: 8 } }, "container-anomaly-detection:model.featureDim", /4 \(the feature set's metrics × shingleSize\)/],
    ["too few trees", { model: { numTrees: 10 } }, "container-anomaly-detection:model.numTrees", /integer from 50 to 1000/],
    ["a training attempt of 0", { model: { trainingAttempt: 0 } }, "container-anomaly-detection:model.trainingAttempt", /integer from 1 to 1000/],
    ["bad subscription", { alertSubscriptions: [{ protocol: "email", endpoint: "not-an-address" }] }, "container-anomaly-detection:alertSubscriptions[0].endpoint", /e-mail address/],
    ["vault path with a slash", { vault: { ...vault, kvMount: "/secret" } }, "container-anomaly-detection:vault.kvMount", /without leading or trailing/],
    ["an STS region that is not a region", { vault: { ...vault, stsEndpointRegion: "global" } }, "container-anomaly-detection:vault.stsEndpointRegion", /an AWS region/],
    ["log retention CloudWatch rejects", { logRetentionDays: "10" }, "container-anomaly-detection:logRetentionDays", /one of 1, 3, 5, 7, 14, 30/],
    ["not YAML", { services: "[{" }, "container-anomaly-detection:services", /structured YAML\/JSON/],
    ["a stale-model rate of 0", { modelHealth: { maxAnomalyRate: 0 } }, "container-anomaly-detection:modelHealth.maxAnomalyRate", /a number above 0 and at most 1/],
    ["a stale-model period of 0 hours", { modelHealth: { hours: 0 } }, "container-anomaly-detection:modelHealth.hours", /integer from 1 to 72/],
    ["a typo in modelHealth", { modelHealth: { maxRate: 0.2 } }, "container-anomaly-detection:modelHealth.maxRate", /did you mean "maxAnomalyRate"\?/],
    ["a missing region", { "aws:region": undefined }, "aws:region", /a value \(the key is required\)/],
    ["a region without the Vault extension layer", { "aws:region": "ap-southeast-3" }, "aws:region", /a region HashiCorp publishes vault-lambda-extension to .*vault.extensionLayerArn/],
    [
      "a layer published in another region",
      { vault: { ...vault, extensionLayerArn: "arn:aws:lambda:us-east-1:111122223333:layer:vault-lambda-extension:1" } },
      "container-anomaly-detection:vault.extensionLayerArn",
      /a layer in the stack's region eu-west-1/,
    ],
    [
      "the SageMaker scorer where there is no built-in RCF image",
      { "aws:region": "mx-central-1", trainingDataVersion: "ds-1", vault: { ...vault, extensionLayerArn: "arn:aws:lambda:mx-central-1:111122223333:layer:vault-lambda-extension:1" } },
      "aws:region",
      /a region with SageMaker's built-in randomcutforest image .*or the embedded scorer/,
    ],
    ["discovery without fanOut", { discovery: { clusters: ["shop"], maxTasks: 4 } }, "container-anomaly-detection:discovery", /fanOut set as well/],
    ["discovery without clusters", { fanOut: {}, discovery: { clusters: [], maxTasks: 4 } }, "container-anomaly-detection:discovery.clusters", /1 to 10 ECS cluster names, got \[\]/],
    ["a cluster ARN where a name is expected", { fanOut: {}, discovery: { clusters: ["arn:aws:ecs:eu-west-1:1:cluster/shop"], maxTasks: 4 } }, "container-anomaly-detection:discovery.clusters[0]", /an ECS cluster name \(letters, digits, '-', '_'\)/],
    ["a cluster listed twice", { fanOut: {}, discovery: { clusters: ["shop", "shop"], maxTasks: 4 } }, "container-anomaly-detection:discovery.clusters", /cluster names listed once each/],
    ["discovery without maxTasks", { fanOut: {}, discovery: { clusters: ["shop"] } }, "container-anomaly-detection:discovery.maxTasks", /a value \(the key is required\)/],
    ["discovery bounds crossed", { fanOut: {}, discovery: { clusters: ["shop"], minTasks: 5, maxTasks: 4 } }, "container-anomaly-detection:discovery.maxTasks", /a value >= discovery.minTasks \(5\), got 4/],
    ["a tag filter value that is not text", { fanOut: {}, discovery: { clusters: ["shop"], maxTasks: 4, tags: { team: 7 } } }, "container-anomaly-detection:discovery.tags.team", /a tag value \(text\), got 7/],
    ["a tag filter on an aws: key", { fanOut: {}, discovery: { clusters: ["shop"], maxTasks: 4, tags: { "aws:cloudformation:stack-name": "x" } } }, "container-anomaly-detection:discovery.tags.aws:cloudformation:stack-name", /not starting with aws:/],
    ["a typo in discovery", { fanOut: {}, discovery: { cluster: ["shop"], maxTasks: 4 } }, "container-anomaly-detection:discovery.cluster", /did you mean "clusters"\?/],
  ])("rejects %s, naming the key", (_name, overrides, key, message) => {
    const error = errorOf(overrides);
    expect(error.key).toBe(key);
    expect(error.message).toContain(`config "${key}"`);
    expect(error.message).toMatch(message);
  });

  it("reads discovery with its defaults: every service of the clusters, minTasks 1", () => {
    expect(parseWith({ fanOut: {}, discovery: { clusters: ["shop", "batch"], maxTasks: 6 } }).discovery).toEqual({ clusters: ["shop", "batch"], tags: {}, minTasks: 1, maxTasks: 6 });
    expect(parseWith({}).discovery).toBeUndefined();
    // With discovery the configured list may be empty: every service comes from the clusters.
    expect(parseWith({ services: [], fanOut: {}, discovery: { clusters: ["shop"], maxTasks: 6 } }).services).toEqual([]);
  });

  it("names the project namespace when a key is given under a misspelt one", () => {
    const config = { ...devStackConfig(), "container-anomaly-detecton:services": "[]" };
    expect(() => parseStackConfig(config, "dev")).toThrow(/config "container-anomaly-detecton:services": expected a key of this project \(did you mean "container-anomaly-detection:services"\?\)/);
  });

  it("refuses a detector environment above Lambda's 4 KB, naming the setting that fills it", () => {
    const services = Array.from({ length: 40 }, (_, i) => ({ cluster: "shop-dev", service: `service-with-a-long-name-${i}`, minTasks: 1, maxTasks: 4 }));
    const error = errorOf({ services });
    expect(error.key).toBe("container-anomaly-detection:services");
    expect(error.message).toMatch(/within Lambda's 4096 bytes \(it would be about \d+: CAD_SERVICES \d+/);
  });

  it("quotes at most ~80 characters of a bad value", () => {
    expect(errorOf({ environment: "x".repeat(500) }).message.length).toBeLessThan(250);
  });
});

describe("notifiers", () => {
  it("are off by default, and a PagerDuty notifier gets its defaults", () => {
    expect(parseWith({}).notifiers).toEqual({});
    expect(parseWith({ notifiers: { pagerDuty: { vaultPath: "cad/dev/pagerduty" } } }).notifiers).toEqual({
      pagerDuty: { vaultPath: "cad/dev/pagerduty", maxAttempts: 5, eventsUrl: "https://events.pagerduty.com/v2/enqueue" },
    });
    expect(parseWith({ notifiers: { slack: { vaultPath: "cad/dev/slack", maxAttempts: 3 } } }).notifiers).toEqual({ slack: { vaultPath: "cad/dev/slack", maxAttempts: 3 } });
  });

  it.each([
    ["a misspelt tool", { pagerduty: { vaultPath: "p" } }, "container-anomaly-detection:notifiers.pagerduty", /did you mean "pagerDuty"/],
    ["a missing vault path", { pagerDuty: {} }, "container-anomaly-detection:notifiers.pagerDuty.vaultPath", /expected a value \(the key is required\)/],
    ["a vault path with a leading slash", { pagerDuty: { vaultPath: "/cad/pd" } }, "container-anomaly-detection:notifiers.pagerDuty.vaultPath", /a Vault path without leading or trailing/],
    ["a plain-http events URL", { pagerDuty: { vaultPath: "p", eventsUrl: "http://events.pagerduty.com/v2/enqueue" } }, "container-anomaly-detection:notifiers.pagerDuty.eventsUrl", /an https URL/],
    ["too many attempts", { pagerDuty: { vaultPath: "p", maxAttempts: 50 } }, "container-anomaly-detection:notifiers.pagerDuty.maxAttempts", /an integer from 1 to 20/],
    ["the metric sources' secret", { pagerDuty: { vaultPath: "container-anomaly-detection/dev" } }, "container-anomaly-detection:notifiers.pagerDuty.vaultPath", /a secret of its own, not vault.secretName/],
    ["one secret for both tools", { pagerDuty: { vaultPath: "cad/oncall" }, slack: { vaultPath: "cad/oncall" } }, "container-anomaly-detection:notifiers.slack.vaultPath", /not PagerDuty's \("cad\/oncall"\)/],
    ["an events URL for Slack", { slack: { vaultPath: "p", eventsUrl: "https://x" } }, "container-anomaly-detection:notifiers.slack.eventsUrl", /one of the known settings/],
  ])("refuse %s, naming the key", (_name, notifiers, key, message) => {
    const error = errorOf({ notifiers });
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
  });
});

describe("isScheduleExpression", () => {
  it.each(["rate(1 minute)", "rate(5 minutes)", "rate(2 hours)", "rate(1 day)", "cron(0/5 * * * ? *)", "cron(0 12 ? * MON-FRI *)"])("accepts %s", (expression) => {
    expect(isScheduleExpression(expression)).toBe(true);
  });
  it.each(["rate(0 minutes)", "rate(5 minute)", "rate(5 seconds)", "cron(* * * * *)", "cron(0 12 * * MON *)", "*/5 * * * *"])("rejects %s", (expression) => {
    expect(isScheduleExpression(expression)).toBe(false);
  });
});
