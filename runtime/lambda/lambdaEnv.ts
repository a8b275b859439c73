/**
 * The environment contract between the Pulumi program (which sets these variables on each function) and the
 * Lambda entry modules (which read them once per cold start). Parsing is strict: a missing or malformed
 * variable fails the cold start with an error naming the variable, instead of a half-configured run.
 */

/** Variable names, shared by infra/ (writer) and the entry modules (readers). */
import { validateFeatureSet, type FeatureSet } from "../features/featureSet";

export const LAMBDA_ENV = {
  environment: "CAD_ENVIRONMENT",
  bucket: "CAD_BUCKET",
  services: "CAD_SERVICES",
  /** Bucket key prefixes, each ending with "/". */
  statePrefix: "CAD_STATE_PREFIX",
  rawPrefix: "CAD_RAW_PREFIX",
  modelsPrefix: "CAD_MODELS_PREFIX",
  /** The vault-lambda-extension's local proxy (it logs in with the function's role; no token needed). */
  vaultProxyAddress: "CAD_VAULT_PROXY_ADDRESS",
  vaultKvMount: "CAD_VAULT_KV_MOUNT",
  /** Path of the credentials secret relative to the KV mount. */
  vaultSecretPath: "CAD_VAULT_SECRET_PATH",
  metricSources: "CAD_METRIC_SOURCES",
  featureSet: "CAD_FEATURE_SET",
  scorer: "CAD_SCORER",
  endpointName: "CAD_ENDPOINT_NAME",
  topicArn: "CAD_TOPIC_ARN",
  deadLetterQueueUrl: "CAD_DEAD_LETTER_QUEUE_URL",
  /** Bucket key of the model bundle the detector loads (embedded scorer). */
  modelKey: "CAD_MODEL_KEY",
  /** Training set version the SageMaker model was trained on: its features.json and threshold.json are loaded. */
  trainingDataVersion: "CAD_TRAINING_DATA_VERSION",
  /** JSON {maxStep, cooldownMs}: how far and how often the detector may scale out. */
  scaling: "CAD_SCALING",
} as const;

/** One ECS service the functions watch (and, for the detector, scale within [minTasks, maxTasks]). */
export interface WatchedService {
  readonly cluster: string;
  readonly service: string;
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** Splunk metrics (or events) index queried through the Splunk REST API (port 8089); metrics come from the feature set. */
export interface SplunkSourceSettings {
  readonly url: string;
  readonly index: string;
  /** `mstats` on a metrics index (default) or `events` (bin + stats on an event index). */
  readonly searchKind: "mstats" | "events";
  /** Field holding the ECS service name (default `aws.ecs.service.name`). */
  readonly serviceField: string;
  /** Fields identifying a container (default `container.id`). */
  readonly containerFields: readonly string[];
  /** Splunk version, to skip the server/info lookup with token auth (e.g. `9.1`). */
  readonly version?: string;
}

/** Dynatrace Metrics API v2 environment. */
export interface DynatraceSourceSettings {
  readonly url: string;
  /** Feature-set metric name → Dynatrace metric selector (at most 10). */
  readonly metricSelectors: Readonly<Record<string, string>>;
  /** Dimension that identifies a container (default `dt.entity.container_group_instance`). */
  readonly containerDimension: string;
  /** Entity selector; `{service}` is replaced by the service name. */
  readonly entitySelector: string;
}

/**
 * Settings of the metric sources (at least one), as the Pulumi program configures them and the Lambdas receive
 * them (JSON in CAD_METRIC_SOURCES).
 */
export interface MetricSourcesSettings {
  readonly splunk?: SplunkSourceSettings;
  readonly dynatrace?: DynatraceSourceSettings;
}

/** Where the credentials secret is read: KV v2 `GET <proxyAddress>/v1/<kvMount>/data/<secretPath>`. */
export interface VaultSecretLocation {
  readonly proxyAddress: string;
  readonly kvMount: string;
  readonly secretPath: string;
}

interface CommonEnv {
  readonly environment: string;
  /** Bucket of raw windows, models and state. */
  readonly bucket: string;
  /** Key prefix of handler state (checkpoints, detector and scaler records), ending with "/". */
  readonly statePrefix: string;
  /** Key prefix of raw metric windows, ending with "/". */
  readonly rawPrefix: string;
  readonly services: readonly WatchedService[];
  readonly vault: VaultSecretLocation;
}

export interface CollectEnv extends CommonEnv {
  readonly metricSources: MetricSourcesSettings;
  readonly featureSet: FeatureSet;
}

export interface DetectEnv extends CommonEnv {
  readonly scorer: "sagemaker" | "embedded";
  /** Set exactly when scorer is `sagemaker`. */
  readonly endpointName?: string;
  /** Set exactly when scorer is `sagemaker`: the version whose `training/<v>/{features,threshold}.json` describe the model. */
  readonly trainingDataVersion?: string;
  readonly topicArn: string;
  /** Where alerts that SNS refused are parked. */
  readonly deadLetterQueueUrl: string;
  /** Key prefix of model artifacts (the embedded forest's state), ending with "/". */
  readonly modelsPrefix: string;
  /** Bucket key of the model bundle. */
  readonly modelKey: string;
  readonly metricSources: MetricSourcesSettings;
  /** The feature set the stack is configured with (checked against the model's). */
  readonly featureSet: FeatureSet;
  readonly scaling: { readonly maxStep: number; readonly cooldownMs: number };
}

/** A function's environment is missing a variable or holds a malformed one (`name` is "LambdaEnvError"). */
export interface LambdaEnvError extends Error {
  readonly name: "LambdaEnvError";
  /** The offending variable. */
  readonly variable: string;
}

/**
 * Builds a LambdaEnvError. A factory around a real Error rather than `class … extends Error`: Pulumi's closure
 * serialiser rewrites class constructors into `Error.call(this, message)`, which drops the message inside the
 * deployed Lambda (measured: the message came out empty).
 */
export function lambdaEnvError(variable: string, problem: string): LambdaEnvError {
  return Object.assign(new Error(`environment variable ${variable}: ${problem}`), { name: "LambdaEnvError" as const, variable });
}

/** True for errors built by {@link lambdaEnvError}. */
export function isLambdaEnvError(error: unknown): error is LambdaEnvError {
  return error instanceof Error && error.name === "LambdaEnvError";
}

export type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, variable: string): string {
  const value = env[variable];
  if (value === undefined || value.trim() === "") throw lambdaEnvError(variable, "is not set");
  return value;
}

function json(env: Env, variable: string): unknown {
  try {
    return JSON.parse(required(env, variable)) as unknown;
  } catch (e) {
    if (isLambdaEnvError(e)) throw e;
    throw lambdaEnvError(variable, "is not valid JSON");
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v !== "";
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

function parseServices(env: Env): WatchedService[] {
  const value = json(env, LAMBDA_ENV.services);
  if (!Array.isArray(value) || value.length === 0) throw lambdaEnvError(LAMBDA_ENV.services, "must be a non-empty JSON list of services");
  return value.map((s: unknown, i) => {
    if (!isRecord(s) || !isText(s.cluster) || !isText(s.service) || !isCount(s.minTasks) || !isCount(s.maxTasks) || s.maxTasks < s.minTasks) {
      throw lambdaEnvError(LAMBDA_ENV.services, `entry ${i} must be {cluster, service, minTasks, maxTasks} with minTasks <= maxTasks`);
    }
    return { cluster: s.cluster, service: s.service, minTasks: s.minTasks, maxTasks: s.maxTasks };
  });
}

function parseUrl(env: Env, variable: string): string {
  const value = required(env, variable);
  try {
    new URL(value);
  } catch {
    throw lambdaEnvError(variable, "is not an absolute URL");
  }
  return value;
}

function prefix(env: Env, variable: string): string {
  const value = required(env, variable);
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(value)) throw lambdaEnvError(variable, `must be a key prefix ending with "/", got "${value}"`);
  return value;
}

function vaultPath(env: Env, variable: string): string {
  const value = required(env, variable);
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(value)) throw lambdaEnvError(variable, `must be a Vault path without leading or trailing "/", got "${value}"`);
  return value;
}

function common(env: Env): CommonEnv {
  return {
    environment: required(env, LAMBDA_ENV.environment),
    bucket: required(env, LAMBDA_ENV.bucket),
    statePrefix: prefix(env, LAMBDA_ENV.statePrefix),
    rawPrefix: prefix(env, LAMBDA_ENV.rawPrefix),
    services: parseServices(env),
    vault: {
      proxyAddress: parseUrl(env, LAMBDA_ENV.vaultProxyAddress),
      kvMount: vaultPath(env, LAMBDA_ENV.vaultKvMount),
      secretPath: vaultPath(env, LAMBDA_ENV.vaultSecretPath),
    },
  };
}

const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every(isText);

const isTextRecord = (v: unknown): v is Record<string, string> => isRecord(v) && Object.keys(v).length > 0 && Object.values(v).every(isText);

function parseSplunk(value: unknown): MetricSourcesSettings["splunk"] {
  if (value === undefined) return undefined;
  if (
    !(isRecord(value) && isText(value.url) && isText(value.index) && (value.searchKind === "mstats" || value.searchKind === "events") && isText(value.serviceField) && isTextList(value.containerFields)) ||
    (value.version !== undefined && !isText(value.version))
  ) {
    throw lambdaEnvError(LAMBDA_ENV.metricSources, "splunk must be {url, index, searchKind: mstats|events, serviceField, containerFields[], version?}");
  }
  const { url, index, searchKind, serviceField, containerFields, version } = value;
  return { url, index, searchKind, serviceField, containerFields, ...(typeof version === "string" ? { version } : {}) };
}

function parseDynatrace(value: unknown): MetricSourcesSettings["dynatrace"] {
  if (value === undefined) return undefined;
  if (!(isRecord(value) && isText(value.url) && isTextRecord(value.metricSelectors) && isText(value.containerDimension) && isText(value.entitySelector))) {
    throw lambdaEnvError(LAMBDA_ENV.metricSources, "dynatrace must be {url, metricSelectors: {<metric>: <selector>}, containerDimension, entitySelector}");
  }
  return { url: value.url, metricSelectors: value.metricSelectors, containerDimension: value.containerDimension, entitySelector: value.entitySelector };
}

function parseFeatureSet(env: Env): FeatureSet {
  const value = json(env, LAMBDA_ENV.featureSet);
  try {
    return validateFeatureSet(value as FeatureSet, LAMBDA_ENV.featureSet);
  } catch (e) {
    throw lambdaEnvError(LAMBDA_ENV.featureSet, e instanceof Error ? e.message : String(e));
  }
}

function parseSources(env: Env): MetricSourcesSettings {
  const sources = json(env, LAMBDA_ENV.metricSources);
  if (!isRecord(sources) || (sources.splunk === undefined && sources.dynatrace === undefined)) {
    throw lambdaEnvError(LAMBDA_ENV.metricSources, "must configure at least one of splunk, dynatrace");
  }
  const splunk = parseSplunk(sources.splunk);
  const dynatrace = parseDynatrace(sources.dynatrace);
  return { ...(splunk ? { splunk } : {}), ...(dynatrace ? { dynatrace } : {}) };
}

/** Reads the collector's environment. */
export function parseCollectEnv(env: Env): CollectEnv {
  const base = common(env);
  const metricSources = parseSources(env);
  return { ...base, featureSet: parseFeatureSet(env), metricSources };
}

/** Reads the detector's environment. */
export function parseDetectEnv(env: Env): DetectEnv {
  const base = common(env);
  const scorer = required(env, LAMBDA_ENV.scorer);
  if (scorer !== "sagemaker" && scorer !== "embedded") throw lambdaEnvError(LAMBDA_ENV.scorer, `must be "sagemaker" or "embedded", got "${scorer}"`);
  const topicArn = required(env, LAMBDA_ENV.topicArn);
  if (!/^arn:aws[a-z-]*:sns:/.test(topicArn)) throw lambdaEnvError(LAMBDA_ENV.topicArn, "is not an SNS topic ARN");
  const scaling = json(env, LAMBDA_ENV.scaling);
  if (!isRecord(scaling) || !isCount(scaling.maxStep) || scaling.maxStep < 1 || !isCount(scaling.cooldownMs)) {
    throw lambdaEnvError(LAMBDA_ENV.scaling, "must be {maxStep >= 1, cooldownMs >= 0}");
  }
  const modelKey = required(env, LAMBDA_ENV.modelKey);
  const sources = parseSources(env);
  const detect: DetectEnv = {
    ...base,
    scorer,
    topicArn,
    deadLetterQueueUrl: parseUrl(env, LAMBDA_ENV.deadLetterQueueUrl),
    modelsPrefix: prefix(env, LAMBDA_ENV.modelsPrefix),
    modelKey,
    metricSources: sources,
    featureSet: parseFeatureSet(env),
    scaling: { maxStep: scaling.maxStep, cooldownMs: scaling.cooldownMs },
  };
  if (scorer === "embedded") return detect;
  const trainingDataVersion = required(env, LAMBDA_ENV.trainingDataVersion);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(trainingDataVersion)) throw lambdaEnvError(LAMBDA_ENV.trainingDataVersion, "must be a training set version such as ds-e06f221f45d66a4c");
  return { ...detect, endpointName: required(env, LAMBDA_ENV.endpointName), trainingDataVersion };
}
