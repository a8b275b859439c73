import * as aws from "@pulumi/aws";
import { type Unwrap } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { lambdaFunctionUrlIamAuth, lambdaNoPlaintextSecrets, lambdaReservedConcurrency, lambdaSupportedRuntime } from "../../policies/lambda";
import { resourceOf, runResourcePolicy, typeTokenOf } from "../helpers/policyHarness";
import { asPreview, UNKNOWN } from "../helpers/previewValues";

/** The happy path: a Node 22 detector reading its secrets from Vault through the Lambda extension. */
const fn = (overrides: Partial<Unwrap<aws.lambda.FunctionArgs>>) =>
  resourceOf(aws.lambda.Function, {
    role: "arn:aws:iam::123456789012:role/detector",
    runtime: "nodejs22.x",
    handler: "index.handler",
    reservedConcurrentExecutions: 5,
    environment: {
      variables: {
        VAULT_ADDR: "https://vault.example.com:8200",
        VAULT_AUTH_ROLE: "cad-detector",
        VAULT_SECRET_PATH: "kv/data/cad/splunk",
        VAULT_SECRET_FILE: "/tmp/vault/secret.json",
        LOG_LEVEL: "INFO",
      },
    },
    ...overrides,
  });

describe("lambda-supported-runtime", () => {
  it("passes nodejs22.x", async () => {
    expect((await runResourcePolicy(lambdaSupportedRuntime, fn({}))).violations).toEqual([]);
  });

  it.each(["nodejs20.x", "python3.9"])("flags %s", async (runtime) => {
    expect((await runResourcePolicy(lambdaSupportedRuntime, fn({ runtime }))).violations).toEqual([
      expect.stringMatching(new RegExp(`^Runtime "${runtime.replace(".", "\\.")}" is not in the allowed list \\(nodejs22\\.x, .*\\)\\. Remediation: set runtime to one of`)),
    ]);
  });

  it("flags a zip function without a runtime, follows allowedRuntimes, skips container images", async () => {
    expect((await runResourcePolicy(lambdaSupportedRuntime, fn({ runtime: undefined }))).violations).toEqual([expect.stringMatching(/^Runtime "unset"/)]);
    expect((await runResourcePolicy(lambdaSupportedRuntime, fn({}), { allowedRuntimes: ["nodejs24.x"] })).violations).toHaveLength(1);
    const image = fn({ runtime: undefined, packageType: "Image", imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1" });
    expect((await runResourcePolicy(lambdaSupportedRuntime, image)).notApplicable).toMatch(/container-image/);
  });
});

describe("lambda-no-plaintext-secrets", () => {
  it("passes Vault references", async () => {
    expect((await runResourcePolicy(lambdaNoPlaintextSecrets, fn({}))).violations).toEqual([]);
    expect((await runResourcePolicy(lambdaNoPlaintextSecrets, fn({ environment: undefined }))).violations).toEqual([]);
  });

  it("flags a password in plaintext", async () => {
    const leaky = fn({ environment: { variables: { VAULT_ADDR: "https://vault.example.com:8200", SPLUNK_PASSWORD: "changeme" } } });
    expect((await runResourcePolicy(lambdaNoPlaintextSecrets, leaky)).violations).toEqual([
      "Environment variable SPLUNK_PASSWORD looks like a plaintext secret: its name says it holds a secret and its value is not a reference (ARN, path or URL). " +
        "Remediation: store the value in Vault and pass only its path (VAULT_SECRET_PATH) to the vault-lambda-extension; the value must not appear in resource inputs or state.",
    ]);
  });

  it("still flags a plaintext password when another variable is unknown during preview", async () => {
    const props = asPreview({ role: "r", runtime: "nodejs22.x", environment: { variables: { ALERTS_TOPIC_ARN: UNKNOWN, SPLUNK_PASSWORD: "changeme" } } });
    const run = await runResourcePolicy(lambdaNoPlaintextSecrets, { type: typeTokenOf(aws.lambda.Function), props });
    expect(run.violations).toEqual([expect.stringMatching(/^Environment variable SPLUNK_PASSWORD looks like a plaintext secret/)]);
  });

  it("flags a Dynatrace token under an innocent name, unless allow-listed", async () => {
    const leaky = fn({ environment: { variables: { DT_SETTINGS: `dt0c01.${"A".repeat(24)}.${"B".repeat(64)}` } } });
    expect((await runResourcePolicy(lambdaNoPlaintextSecrets, leaky)).violations).toEqual([expect.stringMatching(/^Environment variable DT_SETTINGS .*a Dynatrace API token/)]);
    expect((await runResourcePolicy(lambdaNoPlaintextSecrets, leaky, { allowedVariableNames: ["DT_SETTINGS"] })).violations).toEqual([]);
  });

  // Issue 16, item 9: the gaps found by breaking the program's own environment.
  it("flags a password inside a JSON-valued variable, naming its path", async () => {
    const sources = { splunk: { url: "https://splunk:8089", index: "m", password: "hunter2" }, dynatrace: { url: "https://x.live.dynatrace.com", apiToken: "t0ps3cret" } };
    const leaky = fn({ environment: { variables: { CAD_METRIC_SOURCES: JSON.stringify(sources) } } });
    expect((await runResourcePolicy(lambdaNoPlaintextSecrets, leaky)).violations).toEqual([
      expect.stringMatching(/^Environment variable CAD_METRIC_SOURCES\.splunk\.password looks like a plaintext secret: its name says it holds a secret/),
      expect.stringMatching(/^Environment variable CAD_METRIC_SOURCES\.dynatrace\.apiToken looks like a plaintext secret/),
    ]);
  });

  it("flags a token under an innocent name by its shape or its randomness", async () => {
    const leaky = fn({ environment: { variables: { SETTINGS: "Zq8vN2rX5kLmP9wT3yB7cD4fG6hJ1sA0eR", NOTES: "glpat-AbCdEfGhIjKlMnOpQrSt", HEADER_VALUE: "Splunk 3c1b8c9e-5a53-4a7e-9d35-8d6f2a4b1c2e" } } });
    const run = await runResourcePolicy(lambdaNoPlaintextSecrets, leaky);
    expect(run.violations).toEqual([
      expect.stringMatching(/^Environment variable SETTINGS .*a long random string/),
      expect.stringMatching(/^Environment variable NOTES .*a GitLab token/),
      expect.stringMatching(/^Environment variable HEADER_VALUE .*an Authorization header value/),
    ]);
  });

  it("does not mistake names, ARNs, URLs, versions or selectors for secrets", async () => {
    const variables = {
      CAD_BUCKET: "cad-dev-bucket-0a1b2c3",
      CAD_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:cad-dev-alerts-topic-0a1b2c3",
      CAD_TRAINING_DATA_VERSION: "ds-e06f221f45d66a4c",
      CAD_METRIC_SOURCES: JSON.stringify({ dynatrace: { url: "https://x.live.dynatrace.com", metricSelectors: { cpu: 'builtin:containers.cpu.usagePercent:splitBy("dt.entity.container_group_instance"):avg' } } }),
      REQUEST_ID: "3c1b8c9e-5a53-4a7e-9d35-8d6f2a4b1c2e",
    };
    expect((await runResourcePolicy(lambdaNoPlaintextSecrets, fn({ environment: { variables } }))).violations).toEqual([]);
  });
});

describe("lambda-reserved-concurrency", () => {
  it("passes a value within bounds, and an unset value when not required", async () => {
    expect((await runResourcePolicy(lambdaReservedConcurrency, fn({}))).violations).toEqual([]);
    expect((await runResourcePolicy(lambdaReservedConcurrency, fn({ reservedConcurrentExecutions: undefined }))).violations).toEqual([]);
    expect((await runResourcePolicy(lambdaReservedConcurrency, fn({ reservedConcurrentExecutions: -1 }))).violations).toEqual([]);
  });

  it.each([
    [0, "reservedConcurrentExecutions is 0, outside 1..100. Remediation: set reservedConcurrentExecutions between 1 and 100."],
    [500, "reservedConcurrentExecutions is 500, outside 1..100. Remediation: set reservedConcurrentExecutions between 1 and 100."],
  ])("flags %s", async (reservedConcurrentExecutions, message) => {
    expect((await runResourcePolicy(lambdaReservedConcurrency, fn({ reservedConcurrentExecutions }))).violations).toEqual([message]);
  });

  it("flags an unset value where the stack requires it, with configured bounds", async () => {
    const config = { required: true, minimum: 2, maximum: 10 };
    expect((await runResourcePolicy(lambdaReservedConcurrency, fn({ reservedConcurrentExecutions: undefined }), config)).violations).toEqual([
      "reservedConcurrentExecutions is not set. Remediation: set reservedConcurrentExecutions between 2 and 10.",
    ]);
    expect((await runResourcePolicy(lambdaReservedConcurrency, fn({ reservedConcurrentExecutions: 5 }), config)).violations).toEqual([]);
  });
});

describe("lambda-function-url-iam-auth", () => {
  const url = (authorizationType: string) => resourceOf(aws.lambda.FunctionUrl, { functionName: "cad-dev-feedback", authorizationType });

  it("passes AWS_IAM", async () => {
    expect((await runResourcePolicy(lambdaFunctionUrlIamAuth, url("AWS_IAM"))).violations).toEqual([]);
  });

  it("flags NONE", async () => {
    expect((await runResourcePolicy(lambdaFunctionUrlIamAuth, url("NONE"))).violations).toEqual([expect.stringMatching(/^authorizationType is "NONE": anyone on the internet can invoke the function\. Remediation: set authorizationType to "AWS_IAM"/)]);
  });
});
