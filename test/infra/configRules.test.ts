import { describe, expect, it } from "vitest";
import { detectorEnvironment } from "../../infra/functionEnvironment";
import type { Env } from "../../runtime/lambda/envVariables";
import { LAMBDA_ENV, parseDetectEnv } from "../../runtime/lambda/lambdaEnv";
import { configErrorOf as errorOf, parseDevWith as parseWith } from "../helpers/parseDevStack";

const RULES = {
  metrics: [{ metric: "container.cpu.utilization", minAbsolute: 10 }, { metric: "container.memory.usage.total", direction: "up" }],
  maintenance: [
    { kind: "weekly", name: "weekly-db-patch", days: ["sun"], at: "02:00", durationMinutes: 60, timeZone: "Europe/Berlin" },
    { kind: "once", name: "black-friday-freeze", start: "2026-11-27T00:00:00Z", end: "2026-11-28T00:00:00Z", mode: "tag" },
  ],
  onDeployment: "tag",
};

describe("the stack config's rules key (the same schema as cad backtest --rules)", () => {
  it("is optional: no rules, alerts as usual", () => {
    expect(parseWith({}).rules).toEqual({ metrics: [], maintenance: [], onDeployment: "alert" });
  });

  it("parses every rule kind and reaches the detect Lambda's environment, which reads back the same rules", () => {
    const cfg = parseWith({ rules: RULES });
    expect(cfg.rules.maintenance[1]).toEqual({ name: "black-friday-freeze", mode: "tag", start: Date.UTC(2026, 10, 27), end: Date.UTC(2026, 10, 28) });
    const env = detectorEnvironment(cfg, { bucketName: "b", topicArn: "arn:aws:sns:eu-west-1:000000000000:t", deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/000000000000/q" });
    expect(typeof env[LAMBDA_ENV.rules]).toBe("string");
    const stringEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string")) as Env;
    expect(parseDetectEnv({ ...stringEnv, CAD_VAULT_PROXY_ADDRESS: "http://127.0.0.1:8200" }).rules).toEqual(cfg.rules);
    // Without rules the variable is not set at all (the environment has a 4 KB budget).
    expect(detectorEnvironment(parseWith({}), { bucketName: "b", topicArn: "t", deadLetterQueueUrl: "u" })[LAMBDA_ENV.rules]).toBeUndefined();
  });

  it.each([
    ["a negative minimum", { metrics: [{ metric: "container.cpu.utilization", minAbsolute: -1 }] }, "container-anomaly-detection:rules.metrics[0].minAbsolute", /expected a number >= 0 in the metric's unit, got -1/],
    ["a metric not in the feature set", { metrics: [{ metric: "cpu", minAbsolute: 10 }] }, "container-anomaly-detection:rules.metrics[0].metric", /expected a metric of the feature set \(container\.cpu\.utilization, .*\), got "cpu"/],
    ["a metric ruled twice", { metrics: [{ metric: "container.cpu.utilization" }, { metric: "container.cpu.utilization" }] }, "container-anomaly-detection:rules.metrics[1].metric", /one rule per metric/],
    ["an unknown time zone", { maintenance: [{ ...RULES.maintenance[0], timeZone: "Berlin" }] }, "container-anomaly-detection:rules.maintenance[0].timeZone", /an IANA time zone, e.g. "Europe\/Berlin", got "Berlin"/],
    ["an end before the start", { maintenance: [{ ...RULES.maintenance[1], end: "2026-11-26T00:00:00Z" }] }, "container-anomaly-detection:rules.maintenance[0].end", /a time after start/],
    ["an unknown deployment mode", { onDeployment: "mute" }, "container-anomaly-detection:rules.onDeployment", /"alert", "tag" or "hold", got "mute"/],
    ["a misspelt key", { onDeploy: "tag" }, "container-anomaly-detection:rules.onDeploy", /one of the known fields: metrics, maintenance, onDeployment/],
  ])("%s: the error names the key", (_what, rules, key, message) => {
    const e = errorOf({ rules });
    expect(e.key).toBe(key);
    expect(e.message).toMatch(message);
  });
});
