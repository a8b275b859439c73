/** CloudWatch: logs expire within a bounded retention, alarms notify someone. */
import * as aws from "@pulumi/aws";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, violation } from "./lib/config";

interface RetentionConfig {
  /** Shortest accepted retention, in days (enough to investigate an incident). */
  minimumDays: number;
  /** Longest accepted retention, in days (cost and data minimisation). */
  maximumDays: number;
}
export const RETENTION_DEFAULTS: RetentionConfig = { minimumDays: 7, maximumDays: 365 };

/** The problem with a log group's retention, or undefined when it is within bounds. 0/undefined means "never expire". */
export function retentionProblem(retentionInDays: number | undefined, config: RetentionConfig): string | undefined {
  if (retentionInDays === undefined || retentionInDays === 0) return "retentionInDays is not set, so logs never expire";
  if (retentionInDays < config.minimumDays) return `retentionInDays is ${retentionInDays}, below ${config.minimumDays}`;
  if (retentionInDays > config.maximumDays) return `retentionInDays is ${retentionInDays}, above ${config.maximumDays}`;
  return undefined;
}

export const cloudwatchLogRetention: ResourceValidationPolicy = {
  name: "cloudwatch-log-retention",
  description: "CloudWatch log groups expire their logs within the configured retention bounds.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: {
    properties: {
      minimumDays: { type: "integer", minimum: 1, default: RETENTION_DEFAULTS.minimumDays },
      maximumDays: { type: "integer", minimum: 1, default: RETENTION_DEFAULTS.maximumDays },
    },
  },
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, report) => {
    const config = configOf(args, RETENTION_DEFAULTS);
    const problem = retentionProblem(group.retentionInDays, config);
    if (problem) {
      report(violation(`Log group ${problem}.`, `set retentionInDays to a CloudWatch value between ${config.minimumDays} and ${config.maximumDays} (e.g. 30).`));
    }
  }),
};

export const cloudwatchAlarmActions: ResourceValidationPolicy = {
  name: "cloudwatch-alarm-actions",
  description: "CloudWatch alarms are enabled and send their ALARM state somewhere (an SNS topic).",
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: validateResourceOfType(aws.cloudwatch.MetricAlarm, (alarm, _args, report) => {
    if (alarm.actionsEnabled === false) {
      report(violation("The alarm's actions are disabled.", "remove actionsEnabled: false."));
    }
    if ((alarm.alarmActions ?? []).length === 0) {
      report(violation("The alarm has no alarmActions, so nobody hears about it.", "set alarmActions to the alerts SNS topic ARN."));
    }
  }),
};

export const cloudwatchPolicies = [cloudwatchLogRetention, cloudwatchAlarmActions];
