import { describe, expect, it } from "vitest";
import { parseNotifyEnv } from "../../../runtime/lambda/notifyEnv";

const ENV = {
  CAD_ENVIRONMENT: "dev",
  CAD_NOTIFIER: "pagerduty",
  CAD_BUCKET: "cad-dev-bucket-0a1b2c3",
  CAD_STATE_PREFIX: "state/",
  CAD_VAULT_PROXY_ADDRESS: "http://127.0.0.1:8200",
  CAD_VAULT_KV_MOUNT: "secret",
  CAD_NOTIFIER_SECRET_PATH: "cad/dev/pagerduty",
  CAD_NOTIFIER_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-dev-notify-pagerduty",
  CAD_NOTIFIER_DLQ_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-dev-notify-pagerduty-dlq",
  CAD_NOTIFIER_MAX_ATTEMPTS: "5",
  CAD_PAGERDUTY_EVENTS_URL: "https://events.eu.pagerduty.com/v2/enqueue",
};

describe("parseNotifyEnv", () => {
  it("reads a notifier's environment", () => {
    expect(parseNotifyEnv(ENV)).toEqual({
      environment: "dev",
      notifier: "pagerduty",
      bucket: ENV.CAD_BUCKET,
      statePrefix: "state/",
      vault: { proxyAddress: "http://127.0.0.1:8200", kvMount: "secret", secretPath: "cad/dev/pagerduty" },
      queueUrl: ENV.CAD_NOTIFIER_QUEUE_URL,
      deadLetterQueueUrl: ENV.CAD_NOTIFIER_DLQ_URL,
      maxAttempts: 5,
      pagerDutyEventsUrl: "https://events.eu.pagerduty.com/v2/enqueue",
    });
    expect(parseNotifyEnv({ ...ENV, CAD_NOTIFIER: "slack" })).not.toHaveProperty("pagerDutyEventsUrl");
  });

  it.each([
    ["CAD_NOTIFIER", "opsgenie", /CAD_NOTIFIER: must be one of pagerduty, slack, got "opsgenie"/],
    ["CAD_NOTIFIER_SECRET_PATH", undefined, /CAD_NOTIFIER_SECRET_PATH: is not set/],
    ["CAD_NOTIFIER_SECRET_PATH", "/cad/pd", /must be a Vault path without leading or trailing/],
    ["CAD_NOTIFIER_MAX_ATTEMPTS", "0", /CAD_NOTIFIER_MAX_ATTEMPTS: must be an integer from 1 to 99/],
    ["CAD_STATE_PREFIX", "state", /must be a key prefix ending with "\/"/],
    ["CAD_PAGERDUTY_EVENTS_URL", "http://events.pagerduty.com/v2/enqueue", /CAD_PAGERDUTY_EVENTS_URL: must be an https URL/],
  ])("refuses %s = %s, naming the variable", (name, value, message) => {
    const env: Record<string, string | undefined> = { ...ENV, [name]: value };
    expect(() => parseNotifyEnv(env)).toThrow(message);
  });
});
