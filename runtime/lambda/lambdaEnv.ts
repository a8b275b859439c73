/**
 * The environment contract between the Pulumi program (which sets these variables on each function) and the
 * Lambda entry modules (which read them once per cold start). Parsing is strict: a missing or malformed
 * variable fails the cold start with an error naming the variable (and, in JSON-valued ones, the field), instead of
 * a half-configured run. JSON-valued variables are checked with valibot schemas: strict keys, strict types.
 */

import { array, check, custom, integer, minLength, minValue, number, optional, picklist, pipe, record, strictObject, string } from "valibot";
import type { ObjectEntries } from "valibot";
import { validateFeatureSet, type FeatureSet } from "../features/featureSet";
import { NO_RULES, type AlertRules } from "../detection/alertRules";
import { checkAlertRules } from "../detection/alertRulesSchema";
import { errorMessage } from "../errors/errorMessage";
import { jsonVariable, lambdaEnvError, parseJsonVariable, requiredVariable, type Env } from "./envVariables";

/** Variable names, shared by infra/ (writer) and the entry modules (readers). */
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
  /** The HTTPS feedback action's function URL (stack config `feedbackUrl`), named in every alert; unset: not deployed. */
  feedbackUrl: "CAD_FEEDBACK_URL",
  /** Bucket key of the model bundle the detector loads (embedded scorer). */
  modelKey: "CAD_MODEL_KEY",
  /** Training set version the SageMaker model was trained on: its features.json and threshold.json are loaded. */
  trainingDataVersion: "CAD_TRAINING_DATA_VERSION",
  /** JSON {maxStep, cooldownMs}: how far and how often the detector may scale out. */
  scaling: "CAD_SCALING",
  detection: "CAD_DETECTION",
  /** JSON alert rules in the shape of the stack config's `rules` key (unset: no rules). */
  rules: "CAD_RULES",
  /** The planner's kind of work: "collect" or "detect". */
  workKind: "CAD_WORK_KIND",
  /** The FIFO queue the planner sends its messages to. */
  workQueueUrl: "CAD_WORK_QUEUE_URL",
  /** JSON {clusters, tags, minTasks, maxTasks}: the ECS clusters whose services are watched too; unset: none. */
  discovery: "CAD_DISCOVERY",
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
  readonly containerNameDimension?: string;
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

/**
 * Every service of some ECS clusters, besides the configured ones: the planners list them (with the tag filter and
 * default bounds), the workers accept messages for services of these clusters.
 */
export interface DiscoverySettings {
  readonly clusters: readonly string[];
  /** Tags a service must carry with exactly these values. */
  readonly tags: Readonly<Record<string, string>>;
  /** Bounds of a service without its own `cad:min-tasks` / `cad:max-tasks` tags. */
  readonly minTasks: number;
  readonly maxTasks: number;
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
  /** Set when the stack also watches every service of some clusters. */
  readonly discovery?: DiscoverySettings;
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
  /** The HTTPS feedback action's function URL, when deployed: every alert names it beside the `cad feedback` command. */
  readonly feedbackUrl?: string;
  /** Key prefix of model artifacts (the embedded forest's state), ending with "/". */
  readonly modelsPrefix: string;
  /** Bucket key of the model bundle. */
  readonly modelKey: string;
  readonly metricSources: MetricSourcesSettings;
  /** The feature set the stack is configured with (checked against the model's). */
  readonly featureSet: FeatureSet;
  readonly scaling: { readonly maxStep: number; readonly cooldownMs: number };
  /** The detector's settings: how long a replica that stopped reporting is remembered (ms). */
  readonly detection: { readonly replicaTtlMs: number };
  /** Operators' alert rules (the stack config's `rules`). */
  readonly rules: AlertRules;
}

/* The schemas are built by functions, at cold start, when the environment is parsed. */

const text = (what = "a non-empty string") => pipe(string(what), minLength(1, what));
/** A strict object whose missing keys read "expected a value", other mismatches `what`. */
function strictObj<const T extends ObjectEntries>(entries: T, what: string) {
  return strictObject(entries, (issue) => (issue.input === undefined && issue.expected?.startsWith('"') === true ? "a value" : what));
}
const count = (what = "a whole number >= 0") => pipe(number(what), integer(what), minValue(0, what));

function servicesSchema() {
  const service = strictObj({ cluster: text(), service: text(), minTasks: count(), maxTasks: count() }, "{cluster, service, minTasks, maxTasks}");
  return pipe(
    array(service, "a JSON list of services"),
    check((list) => list.every((s) => s.minTasks <= s.maxTasks), "services with minTasks <= maxTasks"),
  );
}

/** The configured services, which may be empty only when CAD_DISCOVERY lists the services of some clusters. */
function parseServices(env: Env, discovery: DiscoverySettings | undefined): readonly WatchedService[] {
  const services = parseJsonVariable(env, LAMBDA_ENV.services, servicesSchema());
  if (services.length === 0 && discovery === undefined) throw lambdaEnvError(LAMBDA_ENV.services, "expected a non-empty JSON list of services (or CAD_DISCOVERY), got []");
  return services;
}

function discoverySchema() {
  return pipe(
    strictObj(
      {
        clusters: pipe(array(text(), "a non-empty list of cluster names"), minLength(1, "a non-empty list of cluster names")),
        tags: pipe(
          custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "{<tag key>: <value>}"),
          record(string(), string(), "{<tag key>: <value>}"),
        ),
        minTasks: count(),
        maxTasks: pipe(count("a whole number >= 1"), minValue(1, "a whole number >= 1")),
      },
      "{clusters, tags, minTasks, maxTasks}",
    ),
    check((d) => d.minTasks <= d.maxTasks, "minTasks <= maxTasks"),
  );
}

/** The optional CAD_DISCOVERY: absent means only the configured services. */
function parseDiscovery(env: Env): { discovery?: DiscoverySettings } {
  return env[LAMBDA_ENV.discovery] === undefined ? {} : { discovery: parseJsonVariable(env, LAMBDA_ENV.discovery, discoverySchema()) };
}

function metricSourcesSchema() {
  const splunk = strictObj(
    {
      url: text(),
      index: text(),
      searchKind: picklist(["mstats", "events"], '"mstats" or "events"'),
      serviceField: text(),
      containerFields: pipe(array(text(), "a list of field names"), minLength(1, "at least one field name")),
      version: optional(text()),
    },
    "splunk settings {url, index, searchKind, serviceField, containerFields, version?}",
  );
  const dynatrace = strictObj(
    {
      url: text(),
      metricSelectors: pipe(
        // valibot's record() takes a list as an object with keys "0", "1"…: refuse lists first.
        custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "{<metric>: <selector>}"),
        record(string(), text(), "{<metric>: <selector>}"),
        check((r) => Object.keys(r).length > 0, "at least one metric selector"),
      ),
      containerDimension: text(),
      containerNameDimension: optional(text()),
      entitySelector: text(),
    },
    "dynatrace settings {url, metricSelectors, containerDimension, containerNameDimension?, entitySelector}",
  );
  return pipe(
    strictObj({ splunk: optional(splunk), dynatrace: optional(dynatrace) }, "{splunk?, dynatrace?}"),
    check((s) => s.splunk !== undefined || s.dynatrace !== undefined, "settings of at least one of splunk, dynatrace"),
  );
}

function scalingSchema() {
  return strictObj({ maxStep: pipe(count("a whole number >= 1"), minValue(1, "a whole number >= 1")), cooldownMs: count() }, "{maxStep >= 1, cooldownMs >= 0}");
}

function detectionSchema() {
  return strictObj({ replicaTtlMs: pipe(count("a whole number of ms >= 60000"), minValue(60_000, "a whole number of ms >= 60000")) }, "{replicaTtlMs >= 60000}");
}

function parseUrl(env: Env, variable: string): string {
  const value = requiredVariable(env, variable);
  try {
    new URL(value);
  } catch {
    throw lambdaEnvError(variable, "is not an absolute URL");
  }
  return value;
}

function prefix(env: Env, variable: string): string {
  const value = requiredVariable(env, variable);
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(value)) throw lambdaEnvError(variable, `must be a key prefix ending with "/", got "${value}"`);
  return value;
}

function vaultPath(env: Env, variable: string): string {
  const value = requiredVariable(env, variable);
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(value)) throw lambdaEnvError(variable, `must be a Vault path without leading or trailing "/", got "${value}"`);
  return value;
}

function common(env: Env): CommonEnv {
  const { discovery } = parseDiscovery(env);
  return {
    environment: requiredVariable(env, LAMBDA_ENV.environment),
    bucket: requiredVariable(env, LAMBDA_ENV.bucket),
    statePrefix: prefix(env, LAMBDA_ENV.statePrefix),
    rawPrefix: prefix(env, LAMBDA_ENV.rawPrefix),
    services: parseServices(env, discovery),
    vault: {
      proxyAddress: parseUrl(env, LAMBDA_ENV.vaultProxyAddress),
      kvMount: vaultPath(env, LAMBDA_ENV.vaultKvMount),
      secretPath: vaultPath(env, LAMBDA_ENV.vaultSecretPath),
    },
    ...(discovery ? { discovery } : {}),
  };
}

function parseFeatureSet(env: Env): FeatureSet {
  const value = jsonVariable(env, LAMBDA_ENV.featureSet);
  try {
    return validateFeatureSet(value as FeatureSet, LAMBDA_ENV.featureSet);
  } catch (e) {
    throw lambdaEnvError(LAMBDA_ENV.featureSet, errorMessage(e));
  }
}

function parseSources(env: Env): MetricSourcesSettings {
  const { splunk, dynatrace } = parseJsonVariable(env, LAMBDA_ENV.metricSources, metricSourcesSchema());
  return { ...(splunk ? { splunk } : {}), ...(dynatrace ? { dynatrace } : {}) };
}

function parseRules(env: Env): AlertRules {
  if (env[LAMBDA_ENV.rules] === undefined) return NO_RULES;
  const checked = checkAlertRules(jsonVariable(env, LAMBDA_ENV.rules));
  if ("problems" in checked) throw lambdaEnvError(LAMBDA_ENV.rules, checked.problems.join("; "));
  return checked.rules;
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
  const scorer = requiredVariable(env, LAMBDA_ENV.scorer);
  if (scorer !== "sagemaker" && scorer !== "embedded") throw lambdaEnvError(LAMBDA_ENV.scorer, `must be "sagemaker" or "embedded", got "${scorer}"`);
  const topicArn = requiredVariable(env, LAMBDA_ENV.topicArn);
  if (!/^arn:aws[a-z-]*:sns:/.test(topicArn)) throw lambdaEnvError(LAMBDA_ENV.topicArn, "is not an SNS topic ARN");
  const scaling = parseJsonVariable(env, LAMBDA_ENV.scaling, scalingSchema());
  const detection = env[LAMBDA_ENV.detection] === undefined ? { replicaTtlMs: 3_600_000 } : parseJsonVariable(env, LAMBDA_ENV.detection, detectionSchema());
  const modelKey = requiredVariable(env, LAMBDA_ENV.modelKey);
  const rules = parseRules(env);
  const sources = parseSources(env);
  const detect: DetectEnv = {
    ...base,
    scorer,
    topicArn,
    deadLetterQueueUrl: parseUrl(env, LAMBDA_ENV.deadLetterQueueUrl),
    ...(env[LAMBDA_ENV.feedbackUrl] === undefined ? {} : { feedbackUrl: parseUrl(env, LAMBDA_ENV.feedbackUrl) }),
    modelsPrefix: prefix(env, LAMBDA_ENV.modelsPrefix),
    modelKey,
    metricSources: sources,
    featureSet: parseFeatureSet(env),
    scaling,
    detection,
    rules,
  };
  if (scorer === "embedded") return detect;
  const trainingDataVersion = requiredVariable(env, LAMBDA_ENV.trainingDataVersion);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(trainingDataVersion)) throw lambdaEnvError(LAMBDA_ENV.trainingDataVersion, "must be a training set version such as ds-e06f221f45d66a4c");
  return { ...detect, endpointName: requiredVariable(env, LAMBDA_ENV.endpointName), trainingDataVersion };
}

/** The planner's environment: which work, for which services, on which queue. */
export interface PlanEnv {
  readonly environment: string;
  readonly kind: "collect" | "detect";
  readonly services: readonly WatchedService[];
  readonly queueUrl: string;
  /** Set when the planner also lists every (matching) service of some clusters. */
  readonly discovery?: DiscoverySettings;
}

/** Reads the planner's environment. */
export function parsePlanEnv(env: Env): PlanEnv {
  const kind = requiredVariable(env, LAMBDA_ENV.workKind);
  if (kind !== "collect" && kind !== "detect") throw lambdaEnvError(LAMBDA_ENV.workKind, `must be "collect" or "detect", got "${kind.slice(0, 40)}"`);
  const queueUrl = parseUrl(env, LAMBDA_ENV.workQueueUrl);
  if (!queueUrl.endsWith(".fifo")) throw lambdaEnvError(LAMBDA_ENV.workQueueUrl, "must be a FIFO queue's URL (ending in .fifo)");
  const { discovery } = parseDiscovery(env);
  return { environment: requiredVariable(env, LAMBDA_ENV.environment), kind, services: parseServices(env, discovery), queueUrl, ...(discovery ? { discovery } : {}) };
}
