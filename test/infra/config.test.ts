import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULTS, PROJECT, parseStackConfig, type StackConfig } from "../../infra/config";
import { requireScheduleExpression } from "../../infra/configFields";
import { REPO_ROOT } from "../helpers/pulumiMocks";
import { readStackFile } from "../helpers/stackConfig";

const dev = readStackFile(join(REPO_ROOT, "Pulumi.dev.yaml"));

/** Parses the dev stack with some project keys replaced (undefined removes a key). */
function parseWith(overrides: Record<string, unknown>): StackConfig {
  const raw: Record<string, string | undefined> = { ...dev };
  for (const [k, v] of Object.entries(overrides)) raw[`${PROJECT}:${k}`] = v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  return parseStackConfig((key) => raw[`${PROJECT}:${key}`], "dev", raw["aws:region"]);
}

function errorOf(overrides: Record<string, unknown>): ConfigError {
  try {
    parseWith(overrides);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("parseStackConfig", () => {
  it("reads the complete dev stack", () => {
    const cfg = parseWith({});
    expect(cfg).toMatchObject({
      project: PROJECT,
      stack: "dev",
      region: "eu-west-1",
      environment: "dev",
      scorer: "sagemaker",
      schedules: { collect: "rate(5 minutes)", detect: "rate(5 minutes)" },
      trainingDataVersion: "2026-11-01.1",
      endpoint: { mode: "instance", instanceType: "ml.c5.large", instanceCount: 1 },
      logRetentionDays: 30,
      rawRetentionDays: 30,
      scaling: { maxStep: 2, cooldownSeconds: 600 },
      modelBundleKey: "models/current/model-bundle.json",
    });
    expect(cfg.services).toEqual([
      { cluster: "shop-dev", service: "checkout", minTasks: 2, maxTasks: 6 },
      { cluster: "shop-dev", service: "catalog", minTasks: 1, maxTasks: 4 },
    ]);
    expect(Object.keys(cfg.metricSources)).toEqual(["splunk", "dynatrace"]);
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

  it("the checked-in dev stack holds no secret (values are set with `pulumi config set --secret`)", () => {
    const text = readFileSync(join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
    expect(text).not.toMatch(/secure:/);
    expect(Object.keys(dev).filter((k) => /token|password|secret$/i.test(k))).toEqual([]);
  });

  it("fills optional keys with the defaults Pulumi.yaml declares", () => {
    const cfg = parseWith({ environment: undefined, scorer: undefined, collectSchedule: undefined, logRetentionDays: undefined, model: {} });
    expect(cfg.environment).toBe(DEFAULTS.environment);
    expect(cfg.scorer).toBe(DEFAULTS.scorer);
    expect(cfg.schedules.collect).toBe(DEFAULTS.collectSchedule);
    expect(cfg.logRetentionDays).toBe(DEFAULTS.logRetentionDays);
    expect(cfg.modelHealth).toEqual({ maxAnomalyRate: 0.1, hours: 6 });
    expect(cfg.model).toEqual({ featureDim: 16, numTrees: 100, numSamplesPerTree: 256, trainingInstanceType: "ml.m5.large", trainingInstanceCount: 1, maxRuntimeSeconds: 3600 });
  });

  it("matches Pulumi.yaml's declared defaults exactly", () => {
    const yaml = createRequire(join(REPO_ROOT, "package.json"))("js-yaml") as { load(text: string): unknown };
    const project = yaml.load(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, { default?: unknown }> };
    expect(project.name).toBe(PROJECT);
    const declared = Object.fromEntries(Object.entries(project.config).filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, v.default]));
    const defaults: Record<string, unknown> = DEFAULTS;
    for (const [key, value] of Object.entries(declared)) expect({ key, value: defaults[key] }).toEqual({ key, value });
  });

  it.each([
    ["missing service list", { services: undefined }, "container-anomaly-detection:services", /expected a value/],
    ["empty service list", { services: [] }, "container-anomaly-detection:services", /at least 1 entry/],
    ["min > max", { services: [{ cluster: "c", service: "s", minTasks: 4, maxTasks: 3 }] }, "container-anomaly-detection:services[0].maxTasks", /a value >= minTasks \(4\), got 3/],
    ["duplicate service", { services: [{ cluster: "c", service: "s", minTasks: 1, maxTasks: 3 }, { cluster: "c", service: "s", minTasks: 1, maxTasks: 2 }] }, "container-anomaly-detection:services[1]", /listed once/],
    ["typo in a service", { services: [{ cluster: "c", service: "s", minTasks: 1, maxTask: 3 }] }, "container-anomaly-detection:services[0].maxTask", /no such setting/],
    ["services on two clusters", { services: [{ cluster: "a", service: "s", minTasks: 1, maxTasks: 3 }, { cluster: "b", service: "t", minTasks: 1, maxTasks: 3 }] }, "container-anomaly-detection:services[1].cluster", /one stack watches one cluster/],
    ["a scaling step of 0", { scaling: { maxStep: 0 } }, "container-anomaly-detection:scaling.maxStep", /integer from 1 to 100/],
    ["a model bundle outside models/", { modelBundleKey: "bundle.json" }, "container-anomaly-detection:modelBundleKey", /a key under models\//],
    ["bad schedule", { collectSchedule: "every 5 minutes" }, "container-anomaly-detection:collectSchedule", /EventBridge schedule/],
    ["plural mismatch", { detectSchedule: "rate(1 minutes)" }, "container-anomaly-detection:detectSchedule", /EventBridge schedule/],
    ["unknown endpoint mode", { endpoint: { mode: "gpu" } }, "container-anomaly-detection:endpoint.mode", /one of "instance", "serverless"/],
    ["serverless memory not a multiple of 1 GB", { endpoint: { mode: "serverless", memorySizeMb: 1500 } }, "container-anomaly-detection:endpoint.memorySizeMb", /multiple of 1024/],
    ["unknown scorer", { scorer: "gpu" }, "container-anomaly-detection:scorer", /"sagemaker", "embedded"/],
    ["no metric source", { metricSources: {} }, "container-anomaly-detection:metricSources", /at least one of splunk, dynatrace/],
    ["plain-http Splunk", { metricSources: { splunk: { url: "http://splunk:8089", index: "m" } } }, "container-anomaly-detection:metricSources.splunk.url", /https URL/],
    ["a Dynatrace selector for a metric not collected", { metricSources: { dynatrace: { url: "https://x.live.dynatrace.com", metricSelectors: { "container.disk": "builtin:x" } } } }, "container-anomaly-detection:metricSources.dynatrace.metricSelectors.container.disk", /a metric of the feature set/],
    ["an unknown metric role", { featureSet: { metrics: [{ name: "cpu", role: "gpu" }] } }, "container-anomaly-detection:featureSet", /metrics\[0\]\.role: expected one of cpu, .*, got "gpu"/],
    ["a featureDim that contradicts the feature set", { model: { featureDim: 8 } }, "container-anomaly-detection:model.featureDim", /16 \(the feature set's metrics × shingleSize\)/],
    ["too few trees", { model: { numTrees: 10 } }, "container-anomaly-detection:model.numTrees", /integer from 50 to 1000/],
    ["bad subscription", { alertSubscriptions: [{ protocol: "email", endpoint: "not-an-address" }] }, "container-anomaly-detection:alertSubscriptions[0].endpoint", /e-mail address/],
    ["vault path with a slash", { vault: { address: "https://v:8200", kvMount: "/secret", secretName: "x", authMount: "aws", authRole: "r" } }, "container-anomaly-detection:vault.kvMount", /without leading or trailing/],
    ["log retention CloudWatch rejects", { logRetentionDays: "10" }, "container-anomaly-detection:logRetentionDays", /CloudWatch retentions/],
    ["not YAML", { services: "[{" }, "container-anomaly-detection:services", /structured YAML\/JSON/],
    ["a stale-model rate of 0", { modelHealth: { maxAnomalyRate: 0 } }, "container-anomaly-detection:modelHealth.maxAnomalyRate", /a number above 0 and at most 1/],
    ["a stale-model period of 0 hours", { modelHealth: { hours: 0 } }, "container-anomaly-detection:modelHealth.hours", /integer from 1 to 72/],
    ["a typo in modelHealth", { modelHealth: { maxRate: 0.2 } }, "container-anomaly-detection:modelHealth.maxRate", /no such setting/],
    ["missing data version", { trainingDataVersion: undefined }, "container-anomaly-detection:trainingDataVersion", /not set/],
  ])("rejects %s, naming the key", (_name, overrides, key, message) => {
    const error = errorOf(overrides);
    expect(error.key).toBe(key);
    expect(error.message).toContain(`config "${key}"`);
    expect(error.message).toMatch(message);
  });
});

describe("requireScheduleExpression", () => {
  it.each(["rate(1 minute)", "rate(5 minutes)", "rate(2 hours)", "rate(1 day)", "cron(0/5 * * * ? *)", "cron(0 12 ? * MON-FRI *)"])("accepts %s", (expression) => {
    expect(requireScheduleExpression("k", expression)).toBe(expression);
  });
  it.each(["rate(0 minutes)", "rate(5 minute)", "rate(5 seconds)", "cron(* * * * *)", "cron(0 12 * * MON *)", "*/5 * * * *"])("rejects %s", (expression) => {
    expect(() => requireScheduleExpression("k", expression)).toThrow(ConfigError);
  });
});
