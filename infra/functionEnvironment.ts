/**
 * The collector's and the detector's environment variables, built in one place from the stack config and the
 * names of the resources they use. Functions (functions.ts) builds them from the real resources; the config check
 * builds them with the longest names those resources can get, so that an environment that would exceed Lambda's
 * 4 KB is refused before anything is deployed, naming the setting that makes it big.
 */
import type { AlertRules } from "../runtime/detection/alertRules";
import { alertRulesInput } from "../runtime/detection/alertRulesSchema";
import { LAMBDA_ENV } from "../runtime/lambda/lambdaEnv";
import { NOTIFY_ENV, type NotifierKind } from "../runtime/lambda/notifyEnv";
import type { StackConfig, VaultConfig } from "./config";
import { BUCKET_PREFIXES } from "./iamDocuments";
import { METRICS_NAMESPACE } from "./modelHealthAlarms";

/** Lambda's limit on a function's environment: keys, values and encoding together (measured here as the JSON map). */
export const LAMBDA_ENVIRONMENT_LIMIT = 4096;

/**
 * Address of the vault-lambda-extension's local proxy. The function reads `GET <this>/v1/<mount>/data/<name>`
 * (KV v2: the value under `.data.data`) without a token: the extension logs in with the function's IAM role.
 * VAULT_ADDR, by contrast, is the real Vault and is meant for the extension only.
 */
export const EXTENSION_PROXY_ADDRESS = "http://127.0.0.1:8200";

/** The settings of a stack the functions' environment depends on. */
export type FunctionSettings = Pick<StackConfig, "environment" | "services" | "featureSet" | "metricSources" | "scorer" | "vault" | "scaling" | "detection" | "rules" | "modelBundleKey" | "discovery">;

/** CAD_DISCOVERY when the stack watches the services of some clusters: the planners list them, the workers accept them. */
function discoveryEnvironment(cfg: Pick<FunctionSettings, "discovery">): Record<string, string> {
  const d = cfg.discovery;
  return d === undefined ? {} : { [LAMBDA_ENV.discovery]: JSON.stringify({ clusters: d.clusters, tags: d.tags, minTasks: d.minTasks, maxTasks: d.maxTasks }) };
}

/** Variables the vault-lambda-extension reads to log in (IAM auth) before it serves the secret on its proxy. */
export function vaultExtensionEnvironment(vault: VaultConfig): Record<string, string> {
  return {
    VAULT_ADDR: vault.address,
    VAULT_AUTH_PROVIDER: vault.authMount,
    VAULT_AUTH_ROLE: vault.authRole,
    ...(vault.iamServerId === undefined ? {} : { VAULT_IAM_SERVER_ID: vault.iamServerId }),
    // Needed when the auth method is configured with a regional STS endpoint (auth/<mount>/config/client sts_region).
    ...(vault.stsEndpointRegion === undefined ? {} : { VAULT_STS_ENDPOINT_REGION: vault.stsEndpointRegion }),
  };
}

function common<T>(cfg: FunctionSettings, bucketName: T, service: string): Record<string, string | T> {
  return {
    ...vaultExtensionEnvironment(cfg.vault),
    [LAMBDA_ENV.environment]: cfg.environment,
    [LAMBDA_ENV.bucket]: bucketName,
    [LAMBDA_ENV.services]: JSON.stringify(cfg.services),
    [LAMBDA_ENV.statePrefix]: BUCKET_PREFIXES.state,
    [LAMBDA_ENV.rawPrefix]: BUCKET_PREFIXES.raw,
    [LAMBDA_ENV.vaultProxyAddress]: EXTENSION_PROXY_ADDRESS,
    [LAMBDA_ENV.vaultKvMount]: cfg.vault.kvMount,
    [LAMBDA_ENV.vaultSecretPath]: cfg.vault.secretName,
    [LAMBDA_ENV.metricSources]: JSON.stringify(cfg.metricSources),
    [LAMBDA_ENV.featureSet]: JSON.stringify(cfg.featureSet),
    ...discoveryEnvironment(cfg),
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_SERVICE_NAME: service,
  };
}

/** The collector's environment; `T` is string or a Pulumi Input of one. */
export function collectorEnvironment<T>(cfg: FunctionSettings, r: { readonly bucketName: T }): Record<string, string | T> {
  return common(cfg, r.bucketName, "collector");
}

const hasRules = (r: AlertRules): boolean => r.metrics.length > 0 || r.maintenance.length > 0 || r.onDeployment !== "alert" || (r.calendars?.length ?? 0) > 0;

/**
 * The detector's environment; the endpoint settings only with the SageMaker scorer: the endpoint's name and the
 * training set version the endpoint serves (taken from the endpoint, so that a failed training leaves the detector
 * on the model it has).
 */
export function detectorEnvironment<T>(
  cfg: FunctionSettings,
  r: { readonly bucketName: T; readonly topicArn: T; readonly deadLetterQueueUrl: T; readonly feedbackUrl?: T; readonly endpoint?: { readonly name: T; readonly trainingDataVersion: T } },
): Record<string, string | T> {
  const endpoint = cfg.scorer === "sagemaker" ? r.endpoint : undefined;
  return {
    ...common(cfg, r.bucketName, "detector"),
    [LAMBDA_ENV.scorer]: cfg.scorer,
    [LAMBDA_ENV.topicArn]: r.topicArn,
    [LAMBDA_ENV.deadLetterQueueUrl]: r.deadLetterQueueUrl,
    // Every alert names the HTTPS feedback action beside the `cad feedback` command when the stack deploys it.
    ...(r.feedbackUrl === undefined ? {} : { [LAMBDA_ENV.feedbackUrl]: r.feedbackUrl }),
    [LAMBDA_ENV.modelsPrefix]: BUCKET_PREFIXES.models,
    [LAMBDA_ENV.modelKey]: cfg.modelBundleKey,
    [LAMBDA_ENV.scaling]: JSON.stringify({ maxStep: cfg.scaling.maxStep, cooldownMs: cfg.scaling.cooldownSeconds * 1000 }),
    [LAMBDA_ENV.detection]: JSON.stringify({ replicaTtlMs: cfg.detection.replicaTtlMinutes * 60_000 }),
    ...(hasRules(cfg.rules) ? { [LAMBDA_ENV.rules]: JSON.stringify(alertRulesInput(cfg.rules)) } : {}),
    ...(endpoint === undefined ? {} : { [LAMBDA_ENV.endpointName]: endpoint.name, [LAMBDA_ENV.trainingDataVersion]: endpoint.trainingDataVersion }),
  };
}

/**
 * Both environments with the longest values the stack's resources can give them: auto-names end in 7 characters,
 * the partition is at most `aws-us-gov`, a queue URL at most `…amazonaws.com.cn`. Names follow infra/index.ts.
 */
export function worstCaseEnvironments(cfg: FunctionSettings & Pick<StackConfig, "region" | "trainingDataVersion"> & Partial<Pick<StackConfig, "feedbackUrl">>): { collector: Record<string, string>; detector: Record<string, string> } {
  const name = `cad-${cfg.environment}`;
  const bucketName = `${name}-bucket-0000000`;
  return {
    collector: collectorEnvironment(cfg, { bucketName }),
    detector: detectorEnvironment(cfg, {
      bucketName,
      topicArn: `arn:aws-us-gov:sns:${cfg.region}:000000000000:${name}-alerts-topic-0000000`,
      deadLetterQueueUrl: `https://sqs.${cfg.region}.amazonaws.com.cn/000000000000/${name}-alerts-dlq-0000000`,
      // A function URL's id is 32 characters.
      ...(cfg.feedbackUrl ? { feedbackUrl: `https://${"0".repeat(32)}.lambda-url.${cfg.region}.on.aws/` } : {}),
      endpoint: { name: `${name}-rcf-serverless`, trainingDataVersion: cfg.trainingDataVersion ?? "" },
    }),
  };
}

/** The variables by size (name plus value, bytes), largest first. */
export function largestVariables(variables: Readonly<Record<string, string>>): { name: string; bytes: number }[] {
  return Object.entries(variables)
    .map(([n, value]) => ({ name: n, bytes: Buffer.byteLength(n, "utf8") + Buffer.byteLength(value, "utf8") }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** A planner's environment: its kind of work, the services (and clusters to list) and its queue; no bucket, no Vault, no sources. */
export function plannerEnvironment<T>(cfg: Pick<FunctionSettings, "environment" | "services" | "discovery">, kind: "collect" | "detect", r: { readonly queueUrl: T }): Record<string, string | T> {
  return {
    [LAMBDA_ENV.environment]: cfg.environment,
    [LAMBDA_ENV.services]: JSON.stringify(cfg.services),
    ...discoveryEnvironment(cfg),
    [LAMBDA_ENV.workKind]: kind,
    [LAMBDA_ENV.workQueueUrl]: r.queueUrl,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_SERVICE_NAME: `${kind}-planner`,
  };
}

/** What a notifier's environment is built from besides the stack settings. */
export interface NotifierEnvironmentArgs<T> {
  readonly kind: NotifierKind;
  /** The Vault auth role of this notifier alone (it may read only its own secret). */
  readonly authRole: string;
  readonly secretPath: string;
  readonly maxAttempts: number;
  readonly bucketName: T;
  readonly queueUrl: T;
  readonly deadLetterQueueUrl: T;
  /** PagerDuty only. */
  readonly eventsUrl?: string;
}

/** A notifier's environment: its tool, its Vault secret and auth role, its queues and its progress records' bucket. */
export function notifierEnvironment<T>(cfg: Pick<FunctionSettings, "environment" | "vault">, r: NotifierEnvironmentArgs<T>): Record<string, string | T> {
  return {
    ...vaultExtensionEnvironment({ ...cfg.vault, authRole: r.authRole }),
    [LAMBDA_ENV.environment]: cfg.environment,
    [LAMBDA_ENV.bucket]: r.bucketName,
    [LAMBDA_ENV.statePrefix]: BUCKET_PREFIXES.state,
    [LAMBDA_ENV.vaultProxyAddress]: EXTENSION_PROXY_ADDRESS,
    [LAMBDA_ENV.vaultKvMount]: cfg.vault.kvMount,
    [NOTIFY_ENV.notifier]: r.kind,
    [NOTIFY_ENV.secretPath]: r.secretPath,
    [NOTIFY_ENV.queueUrl]: r.queueUrl,
    [NOTIFY_ENV.deadLetterQueueUrl]: r.deadLetterQueueUrl,
    [NOTIFY_ENV.maxAttempts]: String(r.maxAttempts),
    ...(r.eventsUrl === undefined ? {} : { [NOTIFY_ENV.pagerDutyEventsUrl]: r.eventsUrl }),
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_SERVICE_NAME: `notifier-${r.kind}`,
  };
}
