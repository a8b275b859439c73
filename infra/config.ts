/**
 * The stack configuration: read once, validated once, typed. A wrong or missing key fails `pulumi up` /
 * `pulumi preview` before any resource is registered, with a {@link ConfigError} naming the key.
 *
 * Keys live in the project namespace (`container-anomaly-detection:<key>`), plus `aws:region`. Scalar keys have
 * defaults declared in Pulumi.yaml and mirrored in {@link DEFAULTS} (the mocks and the CLI-less tests do not see
 * Pulumi.yaml's defaults). Secrets are never part of {@link StackConfig}: see {@link loadStackSecrets}.
 */
import * as pulumi from "@pulumi/pulumi";
import { validateFeatureSet, type FeatureSet } from "../runtime/features/featureSet";
import type { DynatraceSourceSettings, MetricSourcesSettings, SplunkSourceSettings } from "../runtime/lambda/lambdaEnv";
import { RCF_HYPERPARAMETER_RANGES } from "../training/hyperparameters";
import {
  ConfigError,
  rejectUnknownKeys,
  requireArray,
  requireHttpsUrl,
  requireInteger,
  requireObject,
  requireOneOf,
  requireScheduleExpression,
  requireNumberAbove,
  requireString,
} from "./configFields";

export { ConfigError } from "./configFields";

/** The Pulumi project name, also the config namespace. */
export const PROJECT = "container-anomaly-detection";

/** One ECS service to watch and, within its bounds, to scale. */
export interface ServiceTarget {
  readonly cluster: string;
  readonly service: string;
  /** Lowest task count the detector may restore to. */
  readonly minTasks: number;
  /** Highest task count the detector may scale out to. */
  readonly maxTasks: number;
}

/** The metric sources' settings: the Lambdas' environment contract owns their shape (runtime/lambda/lambdaEnv.ts). */
export type SplunkSourceConfig = SplunkSourceSettings;
export type DynatraceSourceConfig = DynatraceSourceSettings;
export type MetricSourcesConfig = MetricSourcesSettings;

/** Hyperparameters and training resources of the SageMaker built-in Random Cut Forest. */
export interface ModelConfig {
  /** Length of one (shingled) feature vector: the feature set's metrics × shingle size (derived when unset). */
  readonly featureDim: number;
  readonly numTrees: number;
  readonly numSamplesPerTree: number;
  readonly trainingInstanceType: string;
  readonly trainingInstanceCount: number;
  /** Upper bound on the training job's run time, seconds. */
  readonly maxRuntimeSeconds: number;
}

/** How the SageMaker endpoint is provisioned. */
export type EndpointConfig =
  | { readonly mode: "instance"; readonly instanceType: string; readonly instanceCount: number }
  | { readonly mode: "serverless"; readonly memorySizeMb: number; readonly maxConcurrency: number };

/** Where the detector's scores come from: the SageMaker endpoint, or the forest embedded in the Lambda. */
export type ScorerKind = "sagemaker" | "embedded";

export interface AlertSubscription {
  readonly protocol: "email" | "https" | "sqs" | "lambda";
  readonly endpoint: string;
}

/** The Vault the Lambdas read their credentials from, through the vault-lambda-extension layer. */
export interface VaultConfig {
  readonly address: string;
  /** Path of the (existing) KV v2 secrets engine. */
  readonly kvMount: string;
  /** Name of the secret inside the KV mount, e.g. `container-anomaly-detection/dev`. */
  readonly secretName: string;
  /** Path of the (existing) AWS auth method. */
  readonly authMount: string;
  /** Name of the AWS IAM auth role this stack creates. */
  readonly authRole: string;
  /** Version of HashiCorp's vault-lambda-extension layer. */
  readonly extensionVersion: number;
  /** Value of the `X-Vault-AWS-IAM-Server-ID` header, if the auth method requires one. */
  readonly iamServerId?: string;
  /** TTL of the tokens the auth role issues, seconds. */
  readonly tokenTtlSeconds: number;
}

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  /** Environment name used in physical names and tags (`dev`, `prod`). */
  readonly environment: string;
  readonly services: readonly ServiceTarget[];
  /** The metrics collected and scored, their roles, the step, fill limit and shingle size. */
  readonly featureSet: FeatureSet;
  readonly metricSources: MetricSourcesConfig;
  readonly schedules: { readonly collect: string; readonly detect: string };
  readonly scorer: ScorerKind;
  readonly model: ModelConfig;
  /** Version label of the training data set: its windows live under `training/<version>/` in the bucket. */
  readonly trainingDataVersion: string;
  readonly endpoint: EndpointConfig;
  readonly alertSubscriptions: readonly AlertSubscription[];
  readonly vault: VaultConfig;
  readonly logRetentionDays: number;
  /** How the detector scales: at most `maxStep` tasks per scale-out, no scale-out within `cooldownSeconds` of the last change. */
  readonly scaling: { readonly maxStep: number; readonly cooldownSeconds: number };
  /** Bucket key of the model bundle the detector loads (written by `cad train`, uploaded by the operator). */
  readonly modelBundleKey: string;
  /** Days raw metric windows (`metrics/`) are kept before they expire. */
  readonly rawRetentionDays: number;
  /**
   * The stale-model alarm: fires when a service's anomaly rate (share of scored vectors above the threshold, a
   * fraction; about 0.01–0.02 on a fresh model) averages above `maxAnomalyRate` for `hours` consecutive hours.
   */
  readonly modelHealth: { readonly maxAnomalyRate: number; readonly hours: number };
}

/** Defaults of the optional keys; Pulumi.yaml declares the same values. */
export const DEFAULTS = {
  environment: "dev",
  scorer: "sagemaker",
  collectSchedule: "rate(5 minutes)",
  detectSchedule: "rate(5 minutes)",
  logRetentionDays: 30,
  rawRetentionDays: 30,
  maxAnomalyRate: 0.1,
  staleModelHours: 6,
  numTrees: RCF_HYPERPARAMETER_RANGES.num_trees.default,
  numSamplesPerTree: RCF_HYPERPARAMETER_RANGES.num_samples_per_tree.default,
  trainingInstanceType: "ml.m5.large",
  trainingInstanceCount: 1,
  maxRuntimeSeconds: 3600,
  extensionVersion: 18,
  tokenTtlSeconds: 900,
  maxStep: 2,
  cooldownSeconds: 600,
  modelBundleKey: "models/current/model-bundle.json",
} as const;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Reads one raw config value as Pulumi stores it (structured values are JSON text), or undefined when unset. */
export type RawConfigReader = (key: string) => string | undefined;

const NAME = /^[a-z][a-z0-9-]{0,19}$/;
const PATH_SEGMENTS = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/**
 * Validates the whole configuration. Pure: `read` supplies the raw values, so tests can pass a map.
 * Throws ConfigError naming the first bad key.
 */
export function parseStackConfig(read: RawConfigReader, stack: string, region: string | undefined): StackConfig {
  const key = (name: string): string => `${PROJECT}:${name}`;
  const structured = (name: string, required: boolean): unknown => {
    const text = read(name);
    if (text === undefined) {
      if (required) throw new ConfigError(key(name), "a value (set it in Pulumi.<stack>.yaml)", undefined);
      return undefined;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ConfigError(key(name), "structured YAML/JSON", text);
    }
  };
  const scalar = (name: string, fallback: string | number): unknown => read(name) ?? fallback;

  const featureSet = parseFeatureSet(key("featureSet"), structured("featureSet", true));
  return {
    project: PROJECT,
    stack,
    region: requireString("aws:region", region, /^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as "eu-west-1"'),
    environment: requireString(key("environment"), scalar("environment", DEFAULTS.environment), NAME, "a lower-case name of at most 20 characters"),
    services: parseServices(key("services"), structured("services", true)),
    featureSet,
    metricSources: parseMetricSources(key("metricSources"), structured("metricSources", true), featureSet),
    schedules: {
      collect: requireScheduleExpression(key("collectSchedule"), scalar("collectSchedule", DEFAULTS.collectSchedule)),
      detect: requireScheduleExpression(key("detectSchedule"), scalar("detectSchedule", DEFAULTS.detectSchedule)),
    },
    scorer: requireOneOf<ScorerKind>(key("scorer"), scalar("scorer", DEFAULTS.scorer), ["sagemaker", "embedded"]),
    model: parseModel(key("model"), structured("model", true), featureSet.metrics.length * featureSet.shingleSize),
    trainingDataVersion: requireString(key("trainingDataVersion"), read("trainingDataVersion"), /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, "a version label of letters, digits, '.', '_' or '-' (at most 40)"),
    endpoint: parseEndpoint(key("endpoint"), structured("endpoint", true)),
    alertSubscriptions: parseSubscriptions(key("alertSubscriptions"), structured("alertSubscriptions", false) ?? []),
    vault: parseVault(key("vault"), structured("vault", true)),
    logRetentionDays: parseLogRetention(key("logRetentionDays"), scalar("logRetentionDays", DEFAULTS.logRetentionDays)),
    rawRetentionDays: requireInteger(key("rawRetentionDays"), scalar("rawRetentionDays", DEFAULTS.rawRetentionDays), 1, 3650),
    scaling: parseScaling(key("scaling"), structured("scaling", false) ?? {}),
    modelHealth: parseModelHealth(key("modelHealth"), structured("modelHealth", false) ?? {}),
    modelBundleKey: requireString(key("modelBundleKey"), scalar("modelBundleKey", DEFAULTS.modelBundleKey), /^models\/[A-Za-z0-9._/-]+\.json$/, 'a key under models/ ending in .json, e.g. "models/current/model-bundle.json"'),
  };
}

function parseLogRetention(key: string, value: unknown): number {
  const days = requireInteger(key, value, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) throw new ConfigError(key, `one of the CloudWatch retentions ${LOG_RETENTION_DAYS.join(", ")}`, value);
  return days;
}

function parseScaling(key: string, value: unknown): StackConfig["scaling"] {
  const o = requireObject(key, value);
  rejectUnknownKeys(key, o, ["maxStep", "cooldownSeconds"]);
  return {
    maxStep: requireInteger(`${key}.maxStep`, o.maxStep ?? DEFAULTS.maxStep, 1, 100),
    cooldownSeconds: requireInteger(`${key}.cooldownSeconds`, o.cooldownSeconds ?? DEFAULTS.cooldownSeconds, 0, 86_400),
  };
}

function parseModelHealth(key: string, value: unknown): StackConfig["modelHealth"] {
  const o = requireObject(key, value);
  rejectUnknownKeys(key, o, ["maxAnomalyRate", "hours"]);
  return {
    maxAnomalyRate: requireNumberAbove(`${key}.maxAnomalyRate`, o.maxAnomalyRate ?? DEFAULTS.maxAnomalyRate, 0, 1),
    hours: requireInteger(`${key}.hours`, o.hours ?? DEFAULTS.staleModelHours, 1, 72),
  };
}

function parseServices(key: string, value: unknown): ServiceTarget[] {
  const list = requireArray(key, value, 1).map((entry, i) => {
    const at = `${key}[${i}]`;
    const o = requireObject(at, entry);
    rejectUnknownKeys(at, o, ["cluster", "service", "minTasks", "maxTasks"]);
    const minTasks = requireInteger(`${at}.minTasks`, o.minTasks, 0, 1000);
    const maxTasks = requireInteger(`${at}.maxTasks`, o.maxTasks, 1, 1000);
    if (maxTasks < minTasks) throw new ConfigError(`${at}.maxTasks`, `a value >= minTasks (${minTasks})`, maxTasks);
    return { cluster: requireString(`${at}.cluster`, o.cluster), service: requireString(`${at}.service`, o.service), minTasks, maxTasks };
  });
  const seen = new Set<string>();
  list.forEach((s, i) => {
    const id = `${s.cluster}/${s.service}`;
    if (seen.has(id)) throw new ConfigError(`${key}[${i}]`, "each cluster/service listed once", id);
    seen.add(id);
    // The detector's scaler works on one ECS cluster per stack.
    if (s.cluster !== list[0].cluster) throw new ConfigError(`${key}[${i}].cluster`, `the same cluster as services[0] ("${list[0].cluster}"): one stack watches one cluster`, s.cluster);
  });
  return list;
}

function stringList(key: string, value: unknown, max: number): string[] {
  const list = requireArray(key, value, 1).map((v, i) => requireString(`${key}[${i}]`, v));
  if (list.length > max) throw new ConfigError(key, `at most ${max} entries`, list);
  return list;
}

function parseFeatureSet(key: string, value: unknown): FeatureSet {
  const o = requireObject(key, value);
  rejectUnknownKeys(key, o, ["metrics", "stepSeconds", "maxFillSteps", "shingleSize"]);
  const metrics = requireArray(`${key}.metrics`, o.metrics, 1).map((m, i) => {
    const at = `${key}.metrics[${i}]`;
    const metric = requireObject(at, m);
    rejectUnknownKeys(at, metric, ["name", "role"]);
    return { name: requireString(`${at}.name`, metric.name), role: requireString(`${at}.role`, metric.role) };
  });
  const candidate = {
    metrics,
    stepSeconds: requireInteger(`${key}.stepSeconds`, o.stepSeconds ?? 60, 10, 3600),
    maxFillSteps: requireInteger(`${key}.maxFillSteps`, o.maxFillSteps ?? 2, 0, 60),
    shingleSize: requireInteger(`${key}.shingleSize`, o.shingleSize ?? 4, 1, 60),
  } as FeatureSet;
  try {
    return validateFeatureSet(candidate, key);
  } catch (e) {
    throw new ConfigError(key, e instanceof Error ? e.message.replace(`${key}: `, "") : String(e), value);
  }
}

function parseMetricSources(key: string, value: unknown, featureSet: FeatureSet): MetricSourcesConfig {
  const o = requireObject(key, value);
  rejectUnknownKeys(key, o, ["splunk", "dynatrace"]);
  if (o.splunk === undefined && o.dynatrace === undefined) throw new ConfigError(key, "at least one of splunk, dynatrace", o);
  let splunk: SplunkSourceConfig | undefined;
  if (o.splunk !== undefined) {
    const at = `${key}.splunk`;
    const s = requireObject(at, o.splunk);
    rejectUnknownKeys(at, s, ["url", "index", "searchKind", "serviceField", "containerFields", "version"]);
    splunk = {
      url: requireHttpsUrl(`${at}.url`, s.url),
      index: requireString(`${at}.index`, s.index, /^[a-z0-9_][a-z0-9_-]*$/, "a Splunk index name"),
      searchKind: requireOneOf(`${at}.searchKind`, s.searchKind ?? "mstats", ["mstats", "events"] as const),
      serviceField: requireString(`${at}.serviceField`, s.serviceField ?? "aws.ecs.service.name"),
      containerFields: stringList(`${at}.containerFields`, s.containerFields ?? ["container.id"], 5),
      ...(s.version === undefined ? {} : { version: requireString(`${at}.version`, s.version, /^\d+(\.\d+){0,2}$/, 'a version such as "9.1"') }),
    };
  }
  let dynatrace: DynatraceSourceConfig | undefined;
  if (o.dynatrace !== undefined) {
    const at = `${key}.dynatrace`;
    const d = requireObject(at, o.dynatrace);
    rejectUnknownKeys(at, d, ["url", "metricSelectors", "containerDimension", "entitySelector"]);
    const selectors = requireObject(`${at}.metricSelectors`, d.metricSelectors);
    const known = featureSet.metrics.map((m) => m.name);
    const entries = Object.entries(selectors);
    if (entries.length === 0 || entries.length > 10) throw new ConfigError(`${at}.metricSelectors`, "1 to 10 entries {<feature-set metric>: <selector>}", selectors);
    for (const [metric, selector] of entries) {
      if (!known.includes(metric)) throw new ConfigError(`${at}.metricSelectors.${metric}`, `a metric of the feature set (${known.join(", ")})`, metric);
      requireString(`${at}.metricSelectors.${metric}`, selector);
    }
    dynatrace = {
      url: requireHttpsUrl(`${at}.url`, d.url),
      metricSelectors: selectors as Record<string, string>,
      containerDimension: requireString(`${at}.containerDimension`, d.containerDimension ?? "dt.entity.container_group_instance"),
      entitySelector: requireString(`${at}.entitySelector`, d.entitySelector ?? 'type(CONTAINER_GROUP_INSTANCE),tag("aws.ecs.service.name:{service}")'),
    };
  }
  return { ...(splunk ? { splunk } : {}), ...(dynatrace ? { dynatrace } : {}) };
}

function parseModel(key: string, value: unknown, featureDim: number): ModelConfig {
  const o = requireObject(key, value);
  rejectUnknownKeys(key, o, ["featureDim", "numTrees", "numSamplesPerTree", "trainingInstanceType", "trainingInstanceCount", "maxRuntimeSeconds"]);
  if (o.featureDim !== undefined && requireInteger(`${key}.featureDim`, o.featureDim, RCF_HYPERPARAMETER_RANGES.feature_dim.min, RCF_HYPERPARAMETER_RANGES.feature_dim.max) !== featureDim) {
    throw new ConfigError(`${key}.featureDim`, `${featureDim} (the feature set's metrics × shingleSize), or leave it unset`, o.featureDim);
  }
  return {
    featureDim,
    numTrees: requireInteger(`${key}.numTrees`, o.numTrees ?? DEFAULTS.numTrees, RCF_HYPERPARAMETER_RANGES.num_trees.min, RCF_HYPERPARAMETER_RANGES.num_trees.max),
    numSamplesPerTree: requireInteger(
      `${key}.numSamplesPerTree`,
      o.numSamplesPerTree ?? DEFAULTS.numSamplesPerTree,
      RCF_HYPERPARAMETER_RANGES.num_samples_per_tree.min,
      RCF_HYPERPARAMETER_RANGES.num_samples_per_tree.max,
    ),
    trainingInstanceType: requireString(`${key}.trainingInstanceType`, o.trainingInstanceType ?? DEFAULTS.trainingInstanceType, /^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'a SageMaker instance type such as "ml.m5.large"'),
    trainingInstanceCount: requireInteger(`${key}.trainingInstanceCount`, o.trainingInstanceCount ?? DEFAULTS.trainingInstanceCount, 1, 10),
    maxRuntimeSeconds: requireInteger(`${key}.maxRuntimeSeconds`, o.maxRuntimeSeconds ?? DEFAULTS.maxRuntimeSeconds, 60, 432_000),
  };
}

function parseEndpoint(key: string, value: unknown): EndpointConfig {
  const o = requireObject(key, value);
  const mode = requireOneOf(`${key}.mode`, o.mode, ["instance", "serverless"] as const);
  if (mode === "instance") {
    rejectUnknownKeys(key, o, ["mode", "instanceType", "instanceCount"]);
    return {
      mode,
      instanceType: requireString(`${key}.instanceType`, o.instanceType, /^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'a SageMaker instance type such as "ml.t2.medium"'),
      instanceCount: requireInteger(`${key}.instanceCount`, o.instanceCount ?? 1, 1, 10),
    };
  }
  rejectUnknownKeys(key, o, ["mode", "memorySizeMb", "maxConcurrency"]);
  const memorySizeMb = requireInteger(`${key}.memorySizeMb`, o.memorySizeMb ?? 2048, 1024, 6144);
  if (memorySizeMb % 1024 !== 0) throw new ConfigError(`${key}.memorySizeMb`, "a multiple of 1024 (1024 to 6144)", memorySizeMb);
  return { mode, memorySizeMb, maxConcurrency: requireInteger(`${key}.maxConcurrency`, o.maxConcurrency ?? 5, 1, 200) };
}

function parseSubscriptions(key: string, value: unknown): AlertSubscription[] {
  return requireArray(key, value).map((entry, i) => {
    const at = `${key}[${i}]`;
    const o = requireObject(at, entry);
    rejectUnknownKeys(at, o, ["protocol", "endpoint"]);
    const protocol = requireOneOf(`${at}.protocol`, o.protocol, ["email", "https", "sqs", "lambda"] as const);
    const endpoint =
      protocol === "email"
        ? requireString(`${at}.endpoint`, o.endpoint, /^[^@\s]+@[^@\s]+\.[^@\s]+$/, "an e-mail address")
        : protocol === "https"
          ? requireHttpsUrl(`${at}.endpoint`, o.endpoint)
          : requireString(`${at}.endpoint`, o.endpoint, /^arn:aws[a-z-]*:(sqs|lambda):/, `an ${protocol} ARN`);
    return { protocol, endpoint };
  });
}

function parseVault(key: string, value: unknown): VaultConfig {
  const o = requireObject(key, value);
  rejectUnknownKeys(key, o, ["address", "kvMount", "secretName", "authMount", "authRole", "extensionVersion", "iamServerId", "tokenTtlSeconds"]);
  const path = (field: string): string => requireString(`${key}.${field}`, o[field], PATH_SEGMENTS, "a Vault path without leading or trailing '/'");
  return {
    address: requireHttpsUrl(`${key}.address`, o.address),
    kvMount: path("kvMount"),
    secretName: path("secretName"),
    authMount: path("authMount"),
    authRole: requireString(`${key}.authRole`, o.authRole, /^[A-Za-z0-9_-]+$/, "a Vault role name"),
    extensionVersion: requireInteger(`${key}.extensionVersion`, o.extensionVersion ?? DEFAULTS.extensionVersion, 1, 1000),
    ...(o.iamServerId === undefined ? {} : { iamServerId: requireString(`${key}.iamServerId`, o.iamServerId) }),
    tokenTtlSeconds: requireInteger(`${key}.tokenTtlSeconds`, o.tokenTtlSeconds ?? DEFAULTS.tokenTtlSeconds, 60, 86_400),
  };
}

/** Reads and validates the current stack's configuration (call once, in infra/index.ts). */
export function loadStackConfig(): StackConfig {
  const config = new pulumi.Config(PROJECT);
  return parseStackConfig((name) => config.get(name), pulumi.getStack(), new pulumi.Config("aws").get("region"));
}

/** Credentials of the enabled metric sources, as Pulumi secrets; they go to Vault only, never into a Lambda. */
export interface StackSecrets {
  readonly splunkToken?: pulumi.Output<string>;
  readonly dynatraceToken?: pulumi.Output<string>;
}

/**
 * Reads the secret of each enabled source with `requireSecret` (set with `pulumi config set --secret`).
 * Fails naming the key when one is missing.
 */
export function loadStackSecrets(cfg: StackConfig): StackSecrets {
  const config = new pulumi.Config(PROJECT);
  return {
    ...(cfg.metricSources.splunk ? { splunkToken: config.requireSecret("splunkToken") } : {}),
    ...(cfg.metricSources.dynatrace ? { dynatraceToken: config.requireSecret("dynatraceToken") } : {}),
  };
}
