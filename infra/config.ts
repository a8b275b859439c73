/**
 * The stack configuration: read once, validated once, typed. A wrong, unknown or missing key fails `pulumi up` /
 * `pulumi preview` before any resource is registered, with a {@link ConfigError} naming the key, what was expected
 * and what was found (with a "did you mean" for a misspelt key).
 *
 * The shape of every key lives in configSchema.ts (one valibot schema); the rules that relate keys to each other
 * (a service's bounds, the scorer and its training set, the region and what exists there, the functions' 4 KB
 * environment) are the checks below. Secrets are never part of {@link StackConfig}: see {@link loadStackSecrets}.
 */
import * as pulumi from "@pulumi/pulumi";
import * as v from "valibot";
import { featureDim } from "../runtime/features/featureSet";
import type { FeatureSet } from "../runtime/features/featureSet";
import type { MetricSourcesSettings } from "../runtime/lambda/lambdaEnv";
import { RCF_IMAGE_REGISTRIES, VAULT_EXTENSION_REGIONS } from "./awsRegions";
import { ConfigError, configErrorFromIssue, didYouMean } from "./configErrors";
import {
  STRUCTURED_KEYS,
  StackConfigSchema,
  type AlertSubscriptionSchema,
  type EndpointSchema,
  type ModelSchema,
  type FanOutSchema,
  type DiscoverySchema,
  type NotifiersSchema,
  type RawStackConfig,
  type ServiceSchema,
  type VaultSchema,
} from "./configSchema";
import { largestVariables, worstCaseEnvironments, LAMBDA_ENVIRONMENT_LIMIT } from "./functionEnvironment";

export { ConfigError } from "./configErrors";
export { DEFAULTS, LOG_RETENTION_DAYS } from "./configSchema";

/** The Pulumi project name, also the config namespace. */
export const PROJECT = "container-anomaly-detection";

/** One ECS service to watch and, within [minTasks, maxTasks], to scale. */
export type ServiceTarget = v.InferOutput<typeof ServiceSchema>;
/** The metric sources' settings: the Lambdas' environment contract owns their shape (runtime/lambda/lambdaEnv.ts). */
export type MetricSourcesConfig = MetricSourcesSettings;
/** Hyperparameters and training resources of SageMaker's built-in Random Cut Forest; featureDim is derived. */
export type ModelConfig = Omit<v.InferOutput<typeof ModelSchema>, "featureDim"> & { readonly featureDim: number };
/** How the SageMaker endpoint is provisioned. */
export type EndpointConfig = v.InferOutput<typeof EndpointSchema>;
export type AlertSubscription = v.InferOutput<typeof AlertSubscriptionSchema>;
/** The Vault the Lambdas read their credentials from, through the vault-lambda-extension layer. */
export type VaultConfig = v.InferOutput<typeof VaultSchema>;
/** Fan-out over SQS (planner → FIFO queue → workers), when configured. */
export type FanOutConfig = v.InferOutput<typeof FanOutSchema>;
/** Every service of some ECS clusters, found by the planners, besides the configured ones. */
export type DiscoveryConfig = v.InferOutput<typeof DiscoverySchema>;
/** The on-call notifiers configured (none by default). */
export type NotifiersConfig = v.InferOutput<typeof NotifiersSchema>;
/** Where the detector's scores come from: the SageMaker endpoint, or the forest embedded in the Lambda. */
export type ScorerKind = "sagemaker" | "embedded";

export type StackConfig = Omit<RawStackConfig, "aws:region" | "collectSchedule" | "detectSchedule" | "scorer" | "model" | "featureSet" | "metricSources" | "splunkToken" | "dynatraceToken"> & {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly featureSet: FeatureSet;
  readonly metricSources: MetricSourcesConfig;
  readonly schedules: { readonly collect: string; readonly detect: string };
  /** `sagemaker` when set so or when trainingDataVersion is set without a scorer; `embedded` otherwise. */
  readonly scorer: ScorerKind;
  readonly model: ModelConfig;
};

const key = (name: string): string => `${PROJECT}:${name}`;

/** Turns Pulumi's raw config map into the object the schema reads: project keys, structured ones parsed. */
function schemaInput(all: Readonly<Record<string, string>>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(all)) {
    const colon = fullKey.indexOf(":");
    const namespace = fullKey.slice(0, colon);
    const name = fullKey.slice(colon + 1);
    if (fullKey === "aws:region") input[fullKey] = raw;
    if (namespace !== PROJECT) {
      if (namespace !== "aws" && didYouMean(namespace, [PROJECT]) !== undefined) {
        throw new ConfigError(fullKey, `a key of this project (did you mean "${key(name)}"?)`, raw);
      }
      continue;
    }
    if (!(STRUCTURED_KEYS as readonly string[]).includes(name)) {
      input[name] = raw;
      continue;
    }
    try {
      input[name] = JSON.parse(raw) as unknown;
    } catch {
      throw new ConfigError(key(name), "structured YAML/JSON", raw);
    }
  }
  return input;
}

/** Rules between keys; each throws a ConfigError naming the key to change. */
function checkRelations(cfg: StackConfig, given: RawStackConfig): void {
  if (cfg.services.length === 0 && cfg.discovery === undefined) throw new ConfigError(key("services"), "a list with at least 1 entry (or discovery, to watch the services of some clusters)", cfg.services);
  cfg.services.forEach((s, i) => {
    const at = key(`services[${i}]`);
    if (s.maxTasks < s.minTasks) throw new ConfigError(`${at}.maxTasks`, `a value >= minTasks (${s.minTasks})`, s.maxTasks);
    if (cfg.services.findIndex((o) => o.cluster === s.cluster && o.service === s.service) !== i) throw new ConfigError(at, "each cluster/service listed once", `${s.cluster}/${s.service}`);
    // The detector's scaler works on one ECS cluster per stack.
    if (s.cluster !== cfg.services[0].cluster) throw new ConfigError(`${at}.cluster`, `the same cluster as services[0] ("${cfg.services[0].cluster}"): one stack watches one cluster`, s.cluster);
  });
  if (cfg.discovery !== undefined) {
    const d = cfg.discovery;
    if (cfg.fanOut === undefined) throw new ConfigError(key("discovery"), "fanOut set as well: the fan-out planners list the clusters' services (or leave discovery unset)", d);
    if (d.maxTasks < d.minTasks) throw new ConfigError(key("discovery.maxTasks"), `a value >= discovery.minTasks (${d.minTasks})`, d.maxTasks);
  }
  const names = cfg.featureSet.metrics.map((m) => m.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) throw new ConfigError(key(`featureSet.metrics[${i}].name`), "a metric not listed before", name);
  });

  cfg.rules.metrics.forEach((r, i) => {
    if (!names.includes(r.metric)) throw new ConfigError(key(`rules.metrics[${i}].metric`), `a metric of the feature set (${names.join(", ")})`, r.metric);
    if (cfg.rules.metrics.findIndex((o) => o.metric === r.metric) !== i) throw new ConfigError(key(`rules.metrics[${i}].metric`), "a metric without a rule listed before (one rule per metric)", r.metric);
  });
  (cfg.rules.calendars ?? []).forEach((c, i) =>
    c.metrics?.forEach((m, j) => {
      if (!names.includes(m)) throw new ConfigError(key(`rules.calendars[${i}].metrics[${j}]`), `a metric of the feature set (${names.join(", ")})`, m);
    }),
  );

  const { splunk, dynatrace } = cfg.metricSources;
  if (splunk === undefined && dynatrace === undefined) throw new ConfigError(key("metricSources"), "at least one of splunk, dynatrace", cfg.metricSources);
  if (dynatrace !== undefined) {
    for (const metric of Object.keys(dynatrace.metricSelectors)) {
      if (!names.includes(metric)) throw new ConfigError(key(`metricSources.dynatrace.metricSelectors.${metric}`), `a metric of the feature set (${names.join(", ")})`, metric);
    }
    const uncovered = names.filter((n) => dynatrace.metricSelectors[n] === undefined);
    // Splunk is asked for every feature-set metric by name; Dynatrace only for the metrics it has a selector for.
    if (splunk === undefined && uncovered.length > 0) {
      throw new ConfigError(
        key("metricSources.dynatrace.metricSelectors"),
        `a selector for every feature-set metric when Dynatrace is the only source (missing: ${uncovered.join(", ")}); Dynatrace has no classic per-container network metric, so add metricSources.splunk or drop those metrics`,
        dynatrace.metricSelectors,
      );
    }
  }

  if (given.model.featureDim !== undefined && given.model.featureDim !== cfg.model.featureDim) {
    throw new ConfigError(key("model.featureDim"), `${cfg.model.featureDim} (the feature set's metrics × shingleSize), or leave it unset`, given.model.featureDim);
  }
  if (cfg.scorer === "sagemaker" && cfg.trainingDataVersion === undefined) {
    throw new ConfigError(key("trainingDataVersion"), "a training set version when scorer is sagemaker (build one with `cad dataset build`; until then leave scorer unset or set it to embedded)", undefined);
  }

  // Each notifier reads only its own secret: never the metric sources' credentials, nor the other notifier's.
  for (const [tool, notifier] of Object.entries(cfg.notifiers)) {
    if (notifier?.vaultPath === cfg.vault.secretName) {
      throw new ConfigError(key(`notifiers.${tool}.vaultPath`), `a secret of its own, not vault.secretName ("${cfg.vault.secretName}", the metric sources' credentials)`, notifier.vaultPath);
    }
  }
  const { pagerDuty, slack } = cfg.notifiers;
  if (pagerDuty !== undefined && slack !== undefined && pagerDuty.vaultPath === slack.vaultPath) {
    throw new ConfigError(key("notifiers.slack.vaultPath"), `a secret of its own, not PagerDuty's ("${pagerDuty.vaultPath}"): each notifier may read only its own`, slack.vaultPath);
  }

  const layerArn = cfg.vault.extensionLayerArn;
  if (layerArn === undefined && !VAULT_EXTENSION_REGIONS.includes(cfg.region)) {
    throw new ConfigError("aws:region", `a region HashiCorp publishes vault-lambda-extension to (${VAULT_EXTENSION_REGIONS.join(", ")}), or set vault.extensionLayerArn to the layer published in your account`, cfg.region);
  }
  if (layerArn !== undefined && layerArn.split(":")[3] !== cfg.region) {
    throw new ConfigError(key("vault.extensionLayerArn"), `a layer in the stack's region ${cfg.region} (Lambda layers are regional)`, layerArn);
  }
  if (cfg.scorer === "sagemaker" && RCF_IMAGE_REGISTRIES[cfg.region] === undefined) {
    throw new ConfigError("aws:region", `a region with SageMaker's built-in randomcutforest image (${Object.keys(RCF_IMAGE_REGISTRIES).join(", ")}), or the embedded scorer`, cfg.region);
  }

  for (const [fn, variables] of Object.entries(worstCaseEnvironments(cfg))) {
    const size = Buffer.byteLength(JSON.stringify(variables), "utf8");
    if (size <= LAMBDA_ENVIRONMENT_LIMIT) continue;
    const biggest = largestVariables(variables);
    const culprit = { CAD_SERVICES: "services", CAD_METRIC_SOURCES: "metricSources", CAD_FEATURE_SET: "featureSet", CAD_DISCOVERY: "discovery", CAD_RULES: "rules" }[biggest[0].name] ?? "services";
    throw new ConfigError(
      key(culprit),
      `settings that keep the ${fn}'s environment within Lambda's ${LAMBDA_ENVIRONMENT_LIMIT} bytes (it would be about ${size}: ${biggest
        .slice(0, 3)
        .map((b) => `${b.name} ${b.bytes}`)
        .join(", ")}); watch fewer services per stack, shorten the metric selectors and names, or write rules and calendars more compactly (one calendar for the services that share a week)`,
      given[culprit as keyof RawStackConfig],
    );
  }
}

/**
 * Validates the whole configuration. Pure: `all` is Pulumi's config map (`<namespace>:<key>` to raw text, structured
 * values as JSON), so tests can pass a map. Throws a ConfigError naming the first bad key.
 */
export function parseStackConfig(all: Readonly<Record<string, string>>, stack: string): StackConfig {
  const parsed = v.safeParse(StackConfigSchema, schemaInput(all));
  if (!parsed.success) {
    // A misspelt key also shows up as a missing one: report the misspelling, which explains both.
    const issue = parsed.issues.find((i) => i.expected === "never") ?? parsed.issues[0];
    throw configErrorFromIssue(issue, PROJECT);
  }
  const given = parsed.output;
  const { "aws:region": region, collectSchedule, detectSchedule, scorer, model, splunkToken: _s, dynatraceToken: _d, ...rest } = given;
  const cfg: StackConfig = {
    ...rest,
    project: PROJECT,
    stack,
    region,
    schedules: { collect: collectSchedule, detect: detectSchedule },
    scorer: scorer ?? (given.trainingDataVersion === undefined ? "embedded" : "sagemaker"),
    model: { ...model, featureDim: featureDim(given.featureSet) },
  };
  checkRelations(cfg, given);
  return cfg;
}

/** Reads and validates the current stack's configuration (call once, in infra/index.ts). */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack());
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
