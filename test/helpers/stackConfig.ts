/**
 * Stack configuration as the Pulumi CLI hands it to the program: the project's declared defaults (Pulumi.yaml),
 * then the stack file (Pulumi.<stack>.yaml), then what `pulumi config set` changed — every value as text,
 * structured values as JSON. Plus test secrets with distinctive values, so that a test can prove they appear
 * nowhere they must not, and the object keys of a training set as `cad dataset build` writes it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { REPO_ROOT } from "./pulumiMocks";

/** js-yaml ships with @pulumi/pulumi (which parses stack files with it); only `load` is used. */
const yaml = createRequire(join(REPO_ROOT, "package.json"))("js-yaml") as { load(text: string): unknown };

export const PROJECT_NAMESPACE = "container-anomaly-detection";

/** The secret config values the tests set (as `pulumi config set --secret` would). */
export const TEST_SECRETS: Readonly<Record<string, string>> = {
  "container-anomaly-detection:splunkToken": "splunk-token-3f9a1c0e-do-not-leak",
  "container-anomaly-detection:dynatraceToken": "dt0c01.DYNATRACE-SECRET-8b27e4-do-not-leak",
};

export const SECRET_KEYS = Object.keys(TEST_SECRETS);

/** A training set version as `cad dataset build` prints it. */
export const DATA_VERSION = "ds-e06f221f45d66a4c";

const asText = (value: unknown): string => (typeof value === "object" && value !== null ? JSON.stringify(value) : String(value));

/** Reads a stack file's `config:` map as raw strings: structured values as JSON text, like the Pulumi CLI passes them. */
export function readStackFile(file: string): Record<string, string> {
  const parsed = yaml.load(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(parsed.config ?? {}).map(([key, value]) => [key, asText(value)]));
}

/** Pulumi.yaml's declared defaults, in the project namespace: the CLI passes them for keys the stack leaves unset. */
export function projectDefaults(): Record<string, string> {
  const project = yaml.load(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { config?: Record<string, { default?: unknown }> };
  return Object.fromEntries(
    Object.entries(project.config ?? {})
      .filter(([, declaration]) => declaration.default !== undefined)
      .map(([key, declaration]) => [`${PROJECT_NAMESPACE}:${key}`, asText(declaration.default)]),
  );
}

/** Applies overrides to a raw config map: short keys go to the project namespace; `undefined` removes a key. */
export function withOverrides(config: Readonly<Record<string, string>>, overrides: Readonly<Record<string, unknown>>): Record<string, string> {
  const result = { ...config };
  for (const [key, value] of Object.entries(overrides)) {
    const full = key.includes(":") ? key : `${PROJECT_NAMESPACE}:${key}`;
    if (value === undefined) Reflect.deleteProperty(result, full);
    else result[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return result;
}

/** The checked-in dev stack as the CLI passes it (project defaults, then Pulumi.dev.yaml), the test secrets, then `overrides`. */
export function devStackConfig(overrides: Readonly<Record<string, unknown>> = {}): Record<string, string> {
  return withOverrides({ ...projectDefaults(), ...readStackFile(join(REPO_ROOT, "Pulumi.dev.yaml")), ...TEST_SECRETS }, overrides);
}

/** The dev stack switched to the SageMaker scorer on `version` (what docs/deploy.md does after `cad dataset build`). */
export function sageMakerStackConfig(overrides: Readonly<Record<string, unknown>> = {}, version = DATA_VERSION): Record<string, string> {
  return devStackConfig({ trainingDataVersion: version, ...overrides });
}

/** The keys `cad dataset build` writes for a version (manifest.json last), plus threshold.json once calibrated. */
export function trainingSetKeys(version = DATA_VERSION, options: { calibrated?: boolean } = {}): string[] {
  const base = `training/${version}/`;
  return [`${base}train/part-0000.csv`, `${base}features.json`, `${base}manifest.json`, ...(options.calibrated === true ? [`${base}threshold.json`] : [])];
}
