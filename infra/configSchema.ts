/**
 * The stack configuration's schema (valibot): every key, its type, range and default, in one place. Adding a key
 * means adding it here (and to the table in docs/deploy.md, which a test compares with this schema).
 *
 * Objects are strict: an unknown key is an error that names the closest known one. Types are strict inside
 * structured values (`minTasks: "2"` is a string, not 2). Top-level scalar keys arrive as text, because that is how
 * Pulumi hands every non-structured value to a program (`logRetentionDays: 30` and `"30"` both arrive as "30"); they
 * accept exactly the canonical text of their type ("30", "true").
 *
 * Each schema's message is what a valid value looks like; ConfigError (configErrors.ts) prints it after the key.
 */
import * as v from "valibot";
import { DEFAULT_FEATURE_SET } from "../runtime/features/defaultFeatureSet";
import { METRIC_ROLES } from "../runtime/features/featureSet";
import { RCF_HYPERPARAMETER_RANGES } from "../training/hyperparameters";
import { alertRulesSchema } from "../runtime/detection/alertRulesSchema";
import { unknownKeyExpectation } from "./configErrors";

/** Defaults of the optional keys; Pulumi.yaml declares the same values for its scalar keys. */
export const DEFAULTS = {
  environment: "dev",
  collectSchedule: "rate(5 minutes)",
  detectSchedule: "rate(5 minutes)",
  logRetentionDays: 30,
  rawRetentionDays: 30,
  modelBundleKey: "models/current/model-bundle.json",
  reserveConcurrency: true,
  forceDestroyBucket: false,
  feedbackUrl: false,
} as const;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
const VAULT_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
/** Training set versions as `cad dataset build` prints them (`ds-<16 hex>`), or any label of that alphabet. */
export const DATA_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** An object schema whose keys are exactly `entries`' (optional ones may be left out); unknown keys name the closest. */
function strictEntries<const T extends v.ObjectEntries>(entries: T, what: string) {
  const known = Object.keys(entries);
  return v.strictObject(entries, (issue) => {
    if (issue.expected === "never") return unknownKeyExpectation(String(issue.input), known);
    return issue.input === undefined ? "a value (the key is required)" : what;
  });
}

/** {@link strictEntries}, refusing a list where an object is expected (valibot's object schemas accept arrays). */
function strict<const T extends v.ObjectEntries>(entries: T, what: string) {
  return v.pipe(v.custom<Record<string, unknown>>(isPlainObject, what), strictEntries(entries, what));
}

/** An integer in [min, max] inside structured config: a JSON number, never a string. */
function int(min: number, max: number) {
  const what = `an integer from ${min} to ${max}`;
  return v.pipe(v.number(what), v.integer(what), v.minValue(min, what), v.maxValue(max, what));
}

/** A number in (min, max] inside structured config. */
function fraction(min: number, max: number) {
  const what = `a number above ${min} and at most ${max}`;
  return v.pipe(v.number(what), v.gtValue(min, what), v.maxValue(max, what));
}

/** A non-empty string, optionally matching `pattern` (described by `what`). */
function text(pattern?: RegExp, what = "a non-empty string") {
  return v.pipe(v.string(what), v.check((s) => s.trim() !== "", what), v.regex(pattern ?? /[\s\S]/, what));
}

/** A top-level integer key: Pulumi passes the text "30"; only canonical integer text is accepted. */
function intText(min: number, max: number, allowed?: readonly number[]) {
  const what = allowed === undefined ? `an integer from ${min} to ${max}` : `one of ${allowed.join(", ")}`;
  return v.pipe(
    v.string(what),
    v.regex(/^(0|[1-9]\d*)$/, what),
    v.transform(Number),
    v.minValue(min, what),
    v.maxValue(max, what),
    v.check((n) => allowed === undefined || allowed.includes(n), what),
  );
}

/** A top-level boolean key: the text "true" or "false". */
function boolText() {
  const what = '"true" or "false"';
  return v.pipe(v.string(what), v.picklist(["true", "false"], what), v.transform((s) => s === "true"));
}

function httpsUrl() {
  const what = "an https URL";
  const isHttps = (s: string): boolean => {
    try {
      return new URL(s).protocol === "https:";
    } catch {
      return false;
    }
  };
  return v.pipe(v.string(what), v.check(isHttps, what), v.transform((s) => s.replace(/\/+$/, "")));
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,\-/#LW]+$/;

/**
 * True for an EventBridge schedule expression: `rate(<n> <unit>)` (singular unit exactly when n is 1, as EventBridge
 * requires) or `cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>)` with one of the two day fields `?`.
 */
export function isScheduleExpression(expression: string): boolean {
  const rate = RATE.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    return n >= 1 && !rate[2].endsWith("s") === (n === 1);
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return false;
  const fields = cron[1].trim().split(/\s+/);
  return fields.length === 6 && fields.every((f) => CRON_FIELD.test(f)) && (fields[2] === "?") !== (fields[4] === "?");
}

const schedule = () => v.pipe(v.string(), v.check(isScheduleExpression, 'an EventBridge schedule: "rate(5 minutes)", "rate(1 hour)" or "cron(0/5 * * * ? *)"'));

export const ServiceSchema = strict({ cluster: text(), service: text(), minTasks: int(0, 1000), maxTasks: int(1, 1000) }, "a service {cluster, service, minTasks, maxTasks}");

export const FeatureSetSchema = strict(
  {
    metrics: v.pipe(v.array(strict({ name: text(), role: v.picklist(METRIC_ROLES, `one of ${METRIC_ROLES.join(", ")}`) }, "a metric {name, role}"), "a list of metrics"), v.minLength(1, "at least one metric")),
    stepSeconds: v.optional(int(10, 3600), DEFAULT_FEATURE_SET.stepSeconds),
    maxFillSteps: v.optional(int(0, 60), DEFAULT_FEATURE_SET.maxFillSteps),
    shingleSize: v.optional(int(1, 60), DEFAULT_FEATURE_SET.shingleSize),
  },
  "a feature set {metrics, stepSeconds, maxFillSteps, shingleSize}",
);

const SplunkSchema = strict(
  {
    url: httpsUrl(),
    index: text(/^[a-z0-9_][a-z0-9_-]*$/, "a Splunk index name"),
    searchKind: v.optional(v.picklist(["mstats", "events"], 'one of "mstats", "events"'), "mstats"),
    serviceField: v.optional(text(), "aws.ecs.service.name"),
    containerFields: v.optional(v.pipe(v.array(text(), "a list of field names"), v.minLength(1, "1 to 5 field names"), v.maxLength(5, "1 to 5 field names")), ["container.id"]),
    version: v.optional(text(/^\d+(\.\d+){0,2}$/, 'a version such as "9.1"')),
  },
  "Splunk settings {url, index, …}",
);

const DynatraceSchema = strict(
  {
    url: httpsUrl(),
    metricSelectors: v.pipe(
      v.record(v.string(), text(), "an object {<feature-set metric>: <metric selector>}"),
      v.check((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 10, "1 to 10 entries {<feature-set metric>: <metric selector>}"),
    ),
    containerDimension: v.optional(text(), "dt.entity.container_group_instance"),
    containerNameDimension: v.optional(text()),
    entitySelector: v.optional(text(), 'type(CONTAINER_GROUP_INSTANCE),tag("aws.ecs.service.name:{service}")'),
  },
  "Dynatrace settings {url, metricSelectors, …}",
);

export const MetricSourcesSchema = strict({ splunk: v.optional(SplunkSchema), dynatrace: v.optional(DynatraceSchema) }, "{splunk?, dynatrace?}");

export const ModelSchema = strict(
  {
    /** Derived from the feature set; when given it must match. */
    featureDim: v.optional(int(RCF_HYPERPARAMETER_RANGES.feature_dim.min, RCF_HYPERPARAMETER_RANGES.feature_dim.max)),
    numTrees: v.optional(int(RCF_HYPERPARAMETER_RANGES.num_trees.min, RCF_HYPERPARAMETER_RANGES.num_trees.max), RCF_HYPERPARAMETER_RANGES.num_trees.default),
    numSamplesPerTree: v.optional(int(RCF_HYPERPARAMETER_RANGES.num_samples_per_tree.min, RCF_HYPERPARAMETER_RANGES.num_samples_per_tree.max), RCF_HYPERPARAMETER_RANGES.num_samples_per_tree.default),
    trainingInstanceType: v.optional(text(INSTANCE_TYPE, 'a SageMaker instance type such as "ml.m5.large"'), "ml.m5.large"),
    trainingInstanceCount: v.optional(int(1, 10), 1),
    /** Training volume size, GB. */
    trainingVolumeGb: v.optional(int(1, 16_384), 10),
    /** Upper bound on the training job's run time, seconds. */
    maxRuntimeSeconds: v.optional(int(60, 432_000), 3600),
    /** Raise to train again on the same data after a failed job (SageMaker never reuses a job name). */
    trainingAttempt: v.optional(int(1, 1000), 1),
  },
  "model settings {numTrees, numSamplesPerTree, …}",
);

const serverlessMemory = v.pipe(int(1024, 6144), v.check((n) => n % 1024 === 0, "a multiple of 1024 (1024 to 6144)"));
export const EndpointSchema = v.variant(
  "mode",
  [
    strictEntries({ mode: v.literal("instance"), instanceType: v.optional(text(INSTANCE_TYPE, 'a SageMaker instance type such as "ml.c5.large"'), "ml.c5.large"), instanceCount: v.optional(int(1, 10), 1) }, "an instance endpoint"),
    strictEntries({ mode: v.literal("serverless"), memorySizeMb: v.optional(serverlessMemory, 2048), maxConcurrency: v.optional(int(1, 200), 5) }, "a serverless endpoint"),
  ],
  (issue) => (issue.path === undefined ? 'an object {mode: "instance" | "serverless", …}' : 'one of "instance", "serverless"'),
);

const endpointOf = (what: string, pattern: RegExp) => text(pattern, what);
export const AlertSubscriptionSchema = v.variant(
  "protocol",
  [
    strictEntries({ protocol: v.literal("email"), endpoint: endpointOf("an e-mail address", /^[^@\s]+@[^@\s]+\.[^@\s]+$/) }, "an e-mail subscription"),
    strictEntries({ protocol: v.literal("https"), endpoint: httpsUrl() }, "an https subscription"),
    strictEntries({ protocol: v.literal("sqs"), endpoint: endpointOf("an SQS queue ARN", /^arn:aws[a-z-]*:sqs:/) }, "an SQS subscription"),
    strictEntries({ protocol: v.literal("lambda"), endpoint: endpointOf("a Lambda function ARN", /^arn:aws[a-z-]*:lambda:/) }, "a Lambda subscription"),
  ],
  (issue) => (issue.path === undefined ? "a subscription {protocol, endpoint}" : 'one of "email", "https", "sqs", "lambda"'),
);

export const VaultSchema = strict(
  {
    address: httpsUrl(),
    kvMount: text(VAULT_PATH, "a Vault path without leading or trailing '/'"),
    secretName: text(VAULT_PATH, "a Vault path without leading or trailing '/'"),
    authMount: text(VAULT_PATH, "a Vault path without leading or trailing '/'"),
    authRole: text(/^[A-Za-z0-9_-]+$/, "a Vault role name"),
    /** Version of HashiCorp's published vault-lambda-extension layer. */
    extensionVersion: v.optional(int(1, 1000), 18),
    /** ARN of the layer published in your own account, for a region HashiCorp does not publish to. */
    extensionLayerArn: v.optional(text(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/, "a Lambda layer version ARN")),
    /** Value of the `X-Vault-AWS-IAM-Server-ID` header, if the auth method requires one. */
    iamServerId: v.optional(text()),
    /** Region of the STS endpoint the auth method is configured with (`sts_region`), when it is a regional one. */
    stsEndpointRegion: v.optional(text(REGION, 'an AWS region such as "eu-west-1"')),
    /** TTL of the tokens the auth role issues, seconds. */
    tokenTtlSeconds: v.optional(int(60, 86_400), 900),
  },
  "Vault settings {address, kvMount, secretName, authMount, authRole, …}",
);

const ScalingSchema = strict({ maxStep: v.optional(int(1, 100), 2), cooldownSeconds: v.optional(int(0, 86_400), 600) }, "{maxStep, cooldownSeconds}");
const ModelHealthSchema = strict({ maxAnomalyRate: v.optional(fraction(0, 1), 0.1), hours: v.optional(int(1, 72), 6) }, "{maxAnomalyRate, hours}");
/**
 * Fan-out over SQS: when set, a planner per kind enqueues one message per service on a FIFO queue and the collector
 * and detector run as its workers, at most `maxConcurrency` at a time each.
 */
export const FanOutSchema = strict(
  {
    /** The event source mappings' maximum concurrency (2 is SQS's minimum). */
    maxConcurrency: v.optional(int(2, 1000), 10),
    /** Messages per worker invocation (FIFO allows at most 10). */
    batchSize: v.optional(int(1, 10), 5),
    /** Receives before a failing message moves to the dead-letter queue. */
    maxReceiveCount: v.optional(int(1, 100), 3),
  },
  "{maxConcurrency, batchSize, maxReceiveCount}",
);
/** ECS cluster names: up to 255 letters, digits, hyphens and underscores (names, not ARNs: the IAM ARNs are built from them). */
const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/**
 * Watch every service of some ECS clusters besides the configured ones (docs/scale.md): the planners list them on
 * each schedule (ListServices, DescribeServices with tags). Needs `fanOut`. A service's `cad:min-tasks` /
 * `cad:max-tasks` tags override `minTasks` / `maxTasks`; `cad:watch=false` leaves it out.
 */
export const DiscoverySchema = strict(
  {
    clusters: v.pipe(
      v.array(text(CLUSTER_NAME, "an ECS cluster name (letters, digits, '-', '_')"), "a list of ECS cluster names"),
      v.minLength(1, "1 to 10 ECS cluster names"),
      v.maxLength(10, "1 to 10 ECS cluster names"),
      v.check((list) => new Set(list).size === list.length, "cluster names listed once each"),
    ),
    /** Tags a service must carry, each with exactly this value; unset: every service of the clusters. */
    tags: v.optional(
      v.pipe(
        v.custom<Record<string, unknown>>(isPlainObject, "an object {<tag key>: <value>}"),
        v.record(text(/^(?!aws:)[\s\S]{1,128}$/, "a tag key of 1 to 128 characters, not starting with aws:"), v.pipe(v.string("a tag value (text)"), v.maxLength(256, "a tag value of at most 256 characters")), "an object {<tag key>: <value>}"),
        v.check((r) => Object.keys(r).length <= 10, "at most 10 tags"),
      ),
      {},
    ),
    /** Bounds of a found service without `cad:min-tasks` / `cad:max-tasks` tags. */
    minTasks: v.optional(int(0, 1000), 1),
    maxTasks: int(1, 1000),
  },
  "{clusters, tags?, minTasks?, maxTasks}",
);
/** One on-call tool's notifier: where its credential is in Vault, and how often a retryable failure is retried. */
const notifierEntries = {
  /** Path of the secret in the KV v2 mount `vault.kvMount` (written by the operator, read by the notifier only). */
  vaultPath: text(VAULT_PATH, "a Vault path without leading or trailing '/'"),
  /** Receives of a message whose delivery failed retryably (429, 5xx, network) before it is parked in the DLQ. */
  maxAttempts: v.optional(int(1, 20), 5),
};
/**
 * On-call notifiers (docs/integrations.md): each one configured gets a Lambda consuming its own SQS subscription of
 * the alert topic, with a dead-letter queue and alarm, reading its credential from Vault.
 */
export const NotifiersSchema = strict(
  {
    pagerDuty: v.optional(
      strict(
        {
          ...notifierEntries,
          /** Events API v2 endpoint: the US service region's by default; EU accounts use https://events.eu.pagerduty.com/v2/enqueue. */
          eventsUrl: v.optional(httpsUrl(), "https://events.pagerduty.com/v2/enqueue"),
        },
        "PagerDuty settings {vaultPath, maxAttempts?, eventsUrl?}",
      ),
    ),
    /** The secret's key `webhookUrl` is the incoming webhook's URL (itself a credential). */
    slack: v.optional(strict(notifierEntries, "Slack settings {vaultPath, maxAttempts?}")),
  },
  "{pagerDuty?, slack?}",
);
const DetectionSchema = strict({ replicaTtlMinutes: v.optional(int(1, 10_080), 60) }, "{replicaTtlMinutes}");

/** Keys whose values are structured (YAML objects or lists), which Pulumi hands over as JSON text. */
export const STRUCTURED_KEYS = ["services", "featureSet", "metricSources", "model", "endpoint", "alertSubscriptions", "vault", "scaling", "modelHealth", "detection", "rules", "fanOut", "discovery", "notifiers"] as const;

/**
 * The whole stack config as the program receives it: the project's keys (structured ones parsed from JSON) plus
 * `aws:region`. Secrets are listed so that setting them is not "unknown"; their values are read with requireSecret.
 */
export const StackConfigSchema = strict(
  {
    "aws:region": text(REGION, 'an AWS region such as "eu-west-1"'),
    environment: v.optional(text(/^[a-z][a-z0-9-]{0,19}$/, "a lower-case name of at most 20 characters"), DEFAULTS.environment),
    /** At least one entry, unless `discovery` lists the services (checked in config.ts). */
    services: v.array(ServiceSchema, "a list of services"),
    featureSet: FeatureSetSchema,
    metricSources: MetricSourcesSchema,
    collectSchedule: v.optional(schedule(), DEFAULTS.collectSchedule),
    detectSchedule: v.optional(schedule(), DEFAULTS.detectSchedule),
    /** Unset: `sagemaker` when trainingDataVersion is set, else `embedded`. */
    scorer: v.optional(v.picklist(["sagemaker", "embedded"], 'one of "sagemaker", "embedded"')),
    trainingDataVersion: v.optional(text(DATA_VERSION, "a training set version such as ds-e06f221f45d66a4c (cad dataset build prints it)")),
    model: v.optional(ModelSchema, {}),
    endpoint: v.optional(EndpointSchema, { mode: "instance" }),
    alertSubscriptions: v.optional(v.array(AlertSubscriptionSchema, "a list of subscriptions"), []),
    vault: VaultSchema,
    logRetentionDays: v.optional(intText(1, 3653, LOG_RETENTION_DAYS), String(DEFAULTS.logRetentionDays)),
    rawRetentionDays: v.optional(intText(1, 3650), String(DEFAULTS.rawRetentionDays)),
    scaling: v.optional(ScalingSchema, {}),
    modelHealth: v.optional(ModelHealthSchema, {}),
    detection: v.optional(DetectionSchema, {}),
    /** Operators' alert rules (runtime/detection/alertRulesSchema.ts: the same schema as `cad backtest --rules`). */
    rules: v.optional(alertRulesSchema(), {}),
    /** Unset: the collector and the detector run on their schedules, every service in one invocation. */
    fanOut: v.optional(FanOutSchema),
    /** Unset: only the configured services are watched. */
    discovery: v.optional(DiscoverySchema),
    /** Unset: no on-call notifier; alerts reach the topic's subscriptions only. */
    notifiers: v.optional(NotifiersSchema, {}),
    modelBundleKey: v.optional(text(/^models\/[A-Za-z0-9._/-]+\.json$/, 'a key under models/ ending in .json, e.g. "models/current/model-bundle.json"'), DEFAULTS.modelBundleKey),
    /** Reserve concurrency 1 for each function (runs never overlap); needs an account concurrency quota above 100. */
    reserveConcurrency: v.optional(boolText(), String(DEFAULTS.reserveConcurrency)),
    /** Let `pulumi destroy` delete the bucket with every object version in it. */
    forceDestroyBucket: v.optional(boolText(), String(DEFAULTS.forceDestroyBucket)),
    /** Deploy the HTTPS feedback action (a function URL with IAM auth, docs/feedback.md); `cad feedback` works without it. */
    feedbackUrl: v.optional(boolText(), String(DEFAULTS.feedbackUrl)),
    splunkToken: v.optional(v.string()),
    dynatraceToken: v.optional(v.string()),
  },
  "the stack config",
);

export type RawStackConfig = v.InferOutput<typeof StackConfigSchema>;
