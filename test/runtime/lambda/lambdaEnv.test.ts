import { describe, expect, it } from "vitest";
import { createCollectHandler } from "../../../runtime/lambda/collectLambda";
import { createDetectHandler } from "../../../runtime/lambda/detectLambda";
import type { Env } from "../../../runtime/lambda/envVariables";
import { lambdaEnvFailure } from "../../helpers/lambdaEnvFailure";
import { parseCollectEnv, parseDetectEnv } from "../../../runtime/lambda/lambdaEnv";
import { scheduledTime } from "../../../runtime/lambda/scheduledEvent";

const base: Env = {
  CAD_ENVIRONMENT: "dev",
  CAD_BUCKET: "cad-dev-bucket",
  CAD_SERVICES: JSON.stringify([{ cluster: "c", service: "s", minTasks: 1, maxTasks: 3 }]),
  CAD_STATE_PREFIX: "state/",
  CAD_RAW_PREFIX: "metrics/",
  CAD_VAULT_PROXY_ADDRESS: "http://127.0.0.1:8200",
  CAD_VAULT_KV_MOUNT: "secret",
  CAD_VAULT_SECRET_PATH: "cad/dev",
};
const dynatrace = { url: "https://x.live.dynatrace.com", metricSelectors: { cpu: "builtin:containers.cpu.usagePercent" }, containerDimension: "dim", entitySelector: "type(X)" };
const collect: Env = {
  ...base,
  CAD_METRIC_SOURCES: JSON.stringify({ dynatrace }),
  CAD_FEATURE_SET: JSON.stringify({ metrics: [{ name: "cpu", role: "cpu" }], stepSeconds: 60, maxFillSteps: 2, shingleSize: 4 }),
};
const detect: Env = {
  ...base,
  AWS_REGION: "eu-west-1",
  CAD_MODEL_KEY: "models/current/model-bundle.json",
  CAD_METRIC_SOURCES: collect.CAD_METRIC_SOURCES,
  CAD_FEATURE_SET: collect.CAD_FEATURE_SET,
  CAD_SCALING: JSON.stringify({ maxStep: 2, cooldownMs: 600_000 }),
  CAD_SCORER: "sagemaker",
  CAD_ENDPOINT_NAME: "cad-dev-rcf",
  CAD_TRAINING_DATA_VERSION: "ds-e06f221f45d66a4c",
  CAD_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:alerts",
  CAD_DEAD_LETTER_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq",
  CAD_MODELS_PREFIX: "models/",
};

const failure = lambdaEnvFailure;

describe("the Lambda environment contract", () => {
  it("parses what the program sets", () => {
    expect(parseCollectEnv(collect).metricSources).toEqual({ dynatrace });
    expect(parseCollectEnv(collect).featureSet.metrics).toEqual([{ name: "cpu", role: "cpu" }]);
    expect(parseDetectEnv(detect)).toMatchObject({
      scorer: "sagemaker",
      endpointName: "cad-dev-rcf",
      trainingDataVersion: "ds-e06f221f45d66a4c",
      statePrefix: "state/",
      modelsPrefix: "models/",
      vault: { proxyAddress: "http://127.0.0.1:8200", kvMount: "secret", secretPath: "cad/dev" },
      services: [{ cluster: "c", service: "s", minTasks: 1, maxTasks: 3 }],
    });
    expect(parseDetectEnv({ ...detect, CAD_SCORER: "embedded", CAD_ENDPOINT_NAME: undefined })).not.toHaveProperty("endpointName");
    expect(parseDetectEnv({ ...detect, CAD_SCORER: "embedded", CAD_TRAINING_DATA_VERSION: undefined })).not.toHaveProperty("trainingDataVersion");
    // The feedback action's URL only when the stack deploys it (`feedbackUrl`).
    expect(parseDetectEnv(detect)).not.toHaveProperty("feedbackUrl");
    expect(parseDetectEnv({ ...detect, CAD_FEEDBACK_URL: "https://abc.lambda-url.eu-west-1.on.aws/" }).feedbackUrl).toBe("https://abc.lambda-url.eu-west-1.on.aws/");
  });

  it.each([
    ["CAD_BUCKET", { ...detect, CAD_BUCKET: undefined }, /is not set/],
    ["CAD_SERVICES", { ...detect, CAD_SERVICES: "{" }, /not valid JSON/],
    ["CAD_SERVICES", { ...detect, CAD_SERVICES: JSON.stringify([{ cluster: "c", service: "s", minTasks: 3, maxTasks: 1 }]) }, /minTasks <= maxTasks/],
    ["CAD_SCORER", { ...detect, CAD_SCORER: "gpu" }, /"sagemaker" or "embedded"/],
    ["CAD_ENDPOINT_NAME", { ...detect, CAD_ENDPOINT_NAME: "" }, /is not set/],
    ["CAD_TRAINING_DATA_VERSION", { ...detect, CAD_TRAINING_DATA_VERSION: undefined }, /is not set/],
    ["CAD_TRAINING_DATA_VERSION", { ...detect, CAD_TRAINING_DATA_VERSION: "../models" }, /training set version/],
    ["CAD_TOPIC_ARN", { ...detect, CAD_TOPIC_ARN: "alerts" }, /not an SNS topic ARN/],
    ["CAD_VAULT_PROXY_ADDRESS", { ...detect, CAD_VAULT_PROXY_ADDRESS: "vault" }, /absolute URL/],
    ["CAD_VAULT_SECRET_PATH", { ...detect, CAD_VAULT_SECRET_PATH: "/cad/dev" }, /without leading or trailing/],
    ["CAD_STATE_PREFIX", { ...detect, CAD_STATE_PREFIX: "state" }, /ending with "\/"/],
    ["CAD_DEAD_LETTER_QUEUE_URL", { ...detect, CAD_DEAD_LETTER_QUEUE_URL: undefined }, /is not set/],
    ["CAD_FEEDBACK_URL", { ...detect, CAD_FEEDBACK_URL: "lambda-url" }, /absolute URL/],
  ])("the detector names %s when it is wrong", (variable, env, message) => {
    const error = failure(() => parseDetectEnv(env));
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^environment variable ${variable}: `));
    expect(error.message).toMatch(message);
  });

  it("the collector needs a valid source", () => {
    expect(failure(() => parseCollectEnv({ ...collect, CAD_METRIC_SOURCES: "{}" })).message).toMatch(/at least one of splunk, dynatrace/);
    expect(failure(() => parseCollectEnv({ ...collect, CAD_METRIC_SOURCES: JSON.stringify({ splunk: { url: "https://s" } }) })).message).toBe(
      "environment variable CAD_METRIC_SOURCES: splunk.index: expected a value, but it is missing",
    );
    expect(failure(() => parseCollectEnv({ ...collect, CAD_FEATURE_SET: JSON.stringify({ metrics: [] }) })).message).toMatch(/^environment variable CAD_FEATURE_SET: .*at least one metric/);
  });
});

describe("JSON-valued variables are parsed strictly (the program writes them: anything else is a broken deployment)", () => {
  it.each([
    ["a number written as a string", { ...detect, CAD_SERVICES: JSON.stringify([{ cluster: "c", service: "s", minTasks: "2", maxTasks: 3 }]) }, "CAD_SERVICES", '[0].minTasks: expected a whole number >= 0, got "2"'],
    ["an unknown key", { ...detect, CAD_SCALING: JSON.stringify({ maxStep: 2, cooldownMs: 1, cooldown: 5 }) }, "CAD_SCALING", "cooldown: is not a known setting"],
    ["a source setting of the wrong type", { ...detect, CAD_METRIC_SOURCES: JSON.stringify({ dynatrace: { ...dynatrace, metricSelectors: ["cpu"] } }) }, "CAD_METRIC_SOURCES", "dynatrace.metricSelectors: expected {<metric>: <selector>}"],
    ["a misspelt source", { ...detect, CAD_METRIC_SOURCES: JSON.stringify({ dynatrce: dynatrace }) }, "CAD_METRIC_SOURCES", "dynatrce: is not a known setting"],
  ])("%s fails the cold start naming the variable and the field", (_case, env, variable, message) => {
    const error = failure(() => parseDetectEnv(env));
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`environment variable ${variable}: ${message}`);
  });
});

describe("the entry modules", () => {
  const event = { id: "1", "detail-type": "Scheduled Event", source: "aws.events", time: "2026-11-25T01:00:00Z", resources: [] };

  it("fail at cold start on a bad environment", () => {
    expect(() => createCollectHandler(base)).toThrow(/CAD_METRIC_SOURCES: is not set/);
    expect(() => createDetectHandler({ ...detect, CAD_SCALING: JSON.stringify({ maxStep: 0, cooldownMs: 1 }) })).toThrow(/CAD_SCALING: maxStep: expected a whole number >= 1, got 0/);
    expect(() => createDetectHandler({ ...detect, AWS_REGION: undefined })).toThrow(/AWS_REGION: is not set/);
  });

  it("key runs on the schedule's time, not the wall clock", () => {
    expect(scheduledTime(event)).toBe(Date.UTC(2026, 10, 25, 1, 0, 0));
    expect(() => scheduledTime({ time: "yesterday" })).toThrow(/ISO "time"/);
  });
});
