import * as aws from "@pulumi/aws";
import { type Unwrap } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { cloudwatchAlarmActions, cloudwatchLogRetention, RETENTION_DEFAULTS, retentionProblem } from "../../policies/cloudwatch";
import { resourceOf, runResourcePolicy } from "../helpers/policyHarness";

describe("retentionProblem", () => {
  it.each([
    [undefined, "retentionInDays is not set, so logs never expire"],
    [0, "retentionInDays is not set, so logs never expire"],
    [3, "retentionInDays is 3, below 7"],
    [3653, "retentionInDays is 3653, above 365"],
    [30, undefined],
  ])("%s days → %s", (days, problem) => expect(retentionProblem(days, RETENTION_DEFAULTS)).toBe(problem));
});

describe("cloudwatch-log-retention", () => {
  const group = (retentionInDays: number | undefined) => resourceOf(aws.cloudwatch.LogGroup, { name: "/aws/lambda/detect", retentionInDays });

  it("passes 30 days", async () => {
    expect((await runResourcePolicy(cloudwatchLogRetention, group(30))).violations).toEqual([]);
  });

  it("flags never-expiring logs and too-long retention, with configured bounds", async () => {
    expect((await runResourcePolicy(cloudwatchLogRetention, group(undefined))).violations).toEqual([
      "Log group retentionInDays is not set, so logs never expire. Remediation: set retentionInDays to a CloudWatch value between 7 and 365 (e.g. 30).",
    ]);
    expect((await runResourcePolicy(cloudwatchLogRetention, group(731))).violations).toEqual([expect.stringMatching(/^Log group retentionInDays is 731, above 365\./)]);
    expect((await runResourcePolicy(cloudwatchLogRetention, group(731), { maximumDays: 3653 })).violations).toEqual([]);
  });
});

describe("cloudwatch-alarm-actions", () => {
  const alarm = (overrides: Partial<Unwrap<aws.cloudwatch.MetricAlarmArgs>>) =>
    resourceOf(aws.cloudwatch.MetricAlarm, {
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      metricName: "Errors",
      namespace: "AWS/Lambda",
      period: 300,
      statistic: "Sum",
      threshold: 1,
      alarmActions: ["arn:aws:sns:eu-west-1:123456789012:cad-alerts"],
      ...overrides,
    });

  it("passes an alarm that notifies a topic", async () => {
    expect((await runResourcePolicy(cloudwatchAlarmActions, alarm({}))).violations).toEqual([]);
  });

  it("flags an alarm without actions, and one with actions disabled", async () => {
    expect((await runResourcePolicy(cloudwatchAlarmActions, alarm({ alarmActions: [] }))).violations).toEqual([
      "The alarm has no alarmActions, so nobody hears about it. Remediation: set alarmActions to the alerts SNS topic ARN.",
    ]);
    expect((await runResourcePolicy(cloudwatchAlarmActions, alarm({ actionsEnabled: false }))).violations).toEqual([
      "The alarm's actions are disabled. Remediation: remove actionsEnabled: false.",
    ]);
  });
});
