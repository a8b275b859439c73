/**
 * Builds the configured metric sources (Splunk first: where both report a metric, Splunk's sample wins) from the
 * deployed settings and the credentials read from Vault. Credentials live only in memory, for the life of the
 * Lambda instance.
 */
import { DynatraceMetricSource } from "../adapters/dynatrace/DynatraceMetricSource";
import { SplunkMetricSource } from "../adapters/splunk/SplunkMetricSource";
import type { FeatureSet } from "../features/featureSet";
import { nonNegativeMetrics } from "../features/roleBounds";
import type { Log, MetricSource } from "../ports";
import type { MetricSourcesSettings } from "./lambdaEnv";

/** Keys of the credentials secret (written by the Pulumi program from `pulumi config set --secret`). */
export const CREDENTIAL_KEYS = { splunk: "splunkToken", dynatrace: "dynatraceToken" } as const;

function credential(credentials: Readonly<Record<string, string>>, key: string, secretPath: string): string {
  const value = credentials[key];
  if (value === undefined || value === "") throw new Error(`the Vault secret "${secretPath}" has no "${key}" (set it with: pulumi config set --secret ${key} …; pulumi up)`);
  return value;
}

/** Dynatrace's resolution for a step (`1m`, `5m`, or seconds). */
export function dynatraceResolution(stepSeconds: number): string {
  return stepSeconds % 60 === 0 ? `${stepSeconds / 60}m` : `${stepSeconds}s`;
}

export function metricSourcesFromSettings(
  settings: MetricSourcesSettings,
  featureSet: FeatureSet,
  credentials: Readonly<Record<string, string>>,
  secretPath: string,
  log: Log,
): MetricSource[] {
  const sources: MetricSource[] = [];
  if (settings.splunk) {
    const s = settings.splunk;
    sources.push(
      new SplunkMetricSource(
        {
          url: s.url,
          auth: { kind: "token", token: credential(credentials, CREDENTIAL_KEYS.splunk, secretPath) },
          ...(s.version === undefined ? {} : { version: s.version }),
          search: {
            kind: s.searchKind,
            index: s.index,
            metrics: featureSet.metrics.map((m) => m.name),
            serviceField: s.serviceField,
            containerFields: s.containerFields,
            stepSeconds: featureSet.stepSeconds,
          },
          nonNegativeMetrics: nonNegativeMetrics(featureSet),
        },
        { log },
      ),
    );
  }
  if (settings.dynatrace) {
    const d = settings.dynatrace;
    sources.push(
      new DynatraceMetricSource(
        {
          baseUrl: d.url,
          token: credential(credentials, CREDENTIAL_KEYS.dynatrace, secretPath),
          metrics: Object.entries(d.metricSelectors).map(([metric, selector]) => ({ metric, selector })),
          containerDimension: d.containerDimension,
          ...(d.containerNameDimension !== undefined ? { containerNameDimension: d.containerNameDimension } : {}),
          entitySelector: d.entitySelector,
          resolution: dynatraceResolution(featureSet.stepSeconds),
          nonNegativeMetrics: nonNegativeMetrics(featureSet),
        },
        { log },
      ),
    );
  }
  return sources;
}
