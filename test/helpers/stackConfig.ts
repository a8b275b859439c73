/**
 * The checked-in dev stack (Pulumi.dev.yaml) as the raw config map Pulumi would hand the program, plus test
 * secrets with distinctive values (so that a test can prove they appear nowhere they must not).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { REPO_ROOT } from "./pulumiMocks";

/** js-yaml ships with @pulumi/pulumi (which parses stack files with it); only `load` is used. */
const yaml = createRequire(join(REPO_ROOT, "package.json"))("js-yaml") as { load(text: string): unknown };

/** The secret config values the tests set (as `pulumi config set --secret` would). */
export const TEST_SECRETS: Readonly<Record<string, string>> = {
  "container-anomaly-detection:splunkToken": "splunk-token-3f9a1c0e-do-not-leak",
  "container-anomaly-detection:dynatraceToken": "dt0c01.DYNATRACE-SECRET-8b27e4-do-not-leak",
};

/** Reads a stack file's `config:` map as raw strings: structured values as JSON text, like the Pulumi CLI passes them. */
export function readStackFile(file: string): Record<string, string> {
  const parsed = yaml.load(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.config ?? {})) {
    raw[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  }
  return raw;
}

/**
 * The dev stack's config with the test secrets, with `overrides` applied (short keys are put in the project
 * namespace; an `undefined` override removes the key).
 */
export function devStackConfig(overrides: Readonly<Record<string, unknown>> = {}): Record<string, string> {
  const config = { ...readStackFile(join(REPO_ROOT, "Pulumi.dev.yaml")), ...TEST_SECRETS };
  for (const [key, value] of Object.entries(overrides)) {
    const full = key.includes(":") ? key : `container-anomaly-detection:${key}`;
    if (value === undefined) Reflect.deleteProperty(config, full);
    else config[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

export const SECRET_KEYS = Object.keys(TEST_SECRETS);
