/**
 * The on-call notifiers the stack config asks for (`notifiers`), each an {@link OnCallNotifier}, and the Vault
 * provider their read policies and auth roles are managed with. None configured: nothing is created.
 */
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { NotifiersConfig, VaultConfig } from "./config";
import { vaultExtensionLayerArn } from "./functions";
import type { AwsScope } from "./iamDocuments";
import { OnCallNotifier } from "./onCallNotifier";

export interface NotifiersArgs {
  readonly config: NotifiersConfig;
  readonly environment: string;
  readonly scope: pulumi.Input<AwsScope>;
  readonly vault: VaultConfig;
  readonly topicArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly reserveConcurrency: boolean;
}

/** Creates the configured notifiers under `name` (`<name>-notify-<kind>`); returns them by kind. */
export function onCallNotifiers(name: string, args: NotifiersArgs): { readonly pagerDuty?: OnCallNotifier; readonly slack?: OnCallNotifier } {
  const { pagerDuty, slack } = args.config;
  if (pagerDuty === undefined && slack === undefined) return {};
  const provider = new vault.Provider(`${name}-notify-vault-provider`, { address: args.vault.address });
  const layer = args.vault.extensionLayerArn ?? pulumi.output(args.scope).apply((s) => vaultExtensionLayerArn(s, args.vault.extensionVersion));
  const shared = {
    namePrefix: name,
    environment: args.environment,
    scope: args.scope,
    vault: args.vault,
    vaultProvider: provider,
    topicArn: args.topicArn,
    keyArn: args.keyArn,
    bucketName: args.bucketName,
    bucketArn: args.bucketArn,
    layers: [layer],
    logRetentionDays: args.logRetentionDays,
    reserveConcurrency: args.reserveConcurrency,
  };
  return {
    ...(pagerDuty === undefined
      ? {}
      : { pagerDuty: new OnCallNotifier(`${name}-notify-pagerduty`, { ...shared, kind: "pagerduty", secretPath: pagerDuty.vaultPath, maxAttempts: pagerDuty.maxAttempts, eventsUrl: pagerDuty.eventsUrl }) }),
    ...(slack === undefined ? {} : { slack: new OnCallNotifier(`${name}-notify-slack`, { ...shared, kind: "slack", secretPath: slack.vaultPath, maxAttempts: slack.maxAttempts }) }),
  };
}
