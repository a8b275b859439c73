import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { lambdaErrorAlarm, lambdaFailureDestination, lambdaLogRetention } from "../../policies/stack";
import { runStackPolicy, typeTokenOf, type StackResourceUnderTest } from "../helpers/policyHarness";
import { asPreview, UNKNOWN } from "../helpers/previewValues";


const ACCOUNT = "arn:aws:lambda:eu-west-1:123456789012";
const FN_NAME = "cad-detect-3f2a9c";
const FN_ARN = `${ACCOUNT}:function:${FN_NAME}`;
const DLQ_ARN = "arn:aws:sqs:eu-west-1:123456789012:cad-detect-dlq";
const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:cad-alerts";

const resource = (cls: unknown, name: string, props: Record<string, unknown>, propertyDependencies?: Record<string, string[]>): StackResourceUnderTest => ({
  type: typeTokenOf(cls),
  name,
  props,
  propertyDependencies,
});

const fn = (props: Record<string, unknown> = {}) =>
  resource(aws.lambda.Function, "detect", { name: FN_NAME, arn: FN_ARN, runtime: "nodejs22.x", deadLetterConfig: { targetArn: DLQ_ARN }, ...props });
const dlq = resource(aws.sqs.Queue, "detect-dlq", { name: "cad-detect-dlq", arn: DLQ_ARN, url: "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-detect-dlq" });
const logGroup = (retentionInDays: number | undefined) => resource(aws.cloudwatch.LogGroup, "detect-logs", { name: `/aws/lambda/${FN_NAME}`, retentionInDays });
const alarm = (props: Record<string, unknown> = {}, deps?: Record<string, string[]>) =>
  resource(
    aws.cloudwatch.MetricAlarm,
    "detect-errors",
    { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: FN_NAME }, statistic: "Sum", threshold: 1, alarmActions: [TOPIC_ARN], ...props },
    deps,
  );
const invokeConfig = (props: Record<string, unknown>, deps?: Record<string, string[]>) => resource(aws.lambda.FunctionEventInvokeConfig, "detect-invoke", props, deps);
const onFailureToDlq = { destinationConfig: { onFailure: { destination: DLQ_ARN } } };

const FN_URN = "urn:pulumi:test::container-anomaly-detection::aws:lambda/function:Function::detect";

describe("lambda-failure-destination", () => {
  it("passes a function with a dead-letter queue", async () => {
    expect((await runStackPolicy(lambdaFailureDestination, [fn(), dlq])).violations).toEqual([]);
  });

  it("passes an on-failure destination found by function name, by qualified ARN, or by dependency", async () => {
    const noDlq = fn({ deadLetterConfig: undefined });
    for (const config of [
      invokeConfig({ functionName: FN_NAME, ...onFailureToDlq }),
      invokeConfig({ functionName: `${FN_ARN}:$LATEST`, ...onFailureToDlq }),
      invokeConfig({ functionName: undefined, ...onFailureToDlq }, { functionName: ["detect"] }),
    ]) {
      expect((await runStackPolicy(lambdaFailureDestination, [noDlq, dlq, config])).violations).toEqual([]);
    }
  });

  it("counts a dead-letter target that is unknown during preview", async () => {
    const previewFn = resource(aws.lambda.Function, "detect", asPreview({ name: UNKNOWN, deadLetterConfig: UNKNOWN }));
    expect((await runStackPolicy(lambdaFailureDestination, [previewFn])).violations).toEqual([]);
  });

  it("flags a function with neither", async () => {
    const run = await runStackPolicy(lambdaFailureDestination, [fn({ deadLetterConfig: undefined }), dlq]);
    expect(run.violations).toEqual([
      "Function 'detect' drops failed asynchronous events. Remediation: set deadLetterConfig.targetArn to an SQS queue, or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination.",
    ]);
    expect(run.urns).toEqual([FN_URN]);
  });

  it("flags an invoke config without onFailure, or one for another function", async () => {
    const noDlq = fn({ deadLetterConfig: undefined });
    const onSuccessOnly = invokeConfig({ functionName: FN_NAME, destinationConfig: { onSuccess: { destination: DLQ_ARN } } });
    const otherFunction = invokeConfig({ functionName: "someone-else", ...onFailureToDlq });
    expect((await runStackPolicy(lambdaFailureDestination, [noDlq, onSuccessOnly])).violations).toHaveLength(1);
    expect((await runStackPolicy(lambdaFailureDestination, [noDlq, otherFunction])).violations).toHaveLength(1);
  });

  it("skips exempt functions", async () => {
    expect((await runStackPolicy(lambdaFailureDestination, [fn({ deadLetterConfig: undefined })], { exemptFunctions: ["detect"] })).violations).toEqual([]);
  });
});

describe("lambda-log-retention", () => {
  it("passes a /aws/lambda/<name> log group with 30 days", async () => {
    expect((await runStackPolicy(lambdaLogRetention, [fn(), logGroup(30)])).violations).toEqual([]);
  });

  it("passes a log group named through loggingConfig.logGroup (by value and by dependency)", async () => {
    const custom = resource(aws.cloudwatch.LogGroup, "detect-logs", { name: "/cad/detect", retentionInDays: 14 });
    expect((await runStackPolicy(lambdaLogRetention, [fn({ loggingConfig: { logFormat: "JSON", logGroup: "/cad/detect" } }), custom])).violations).toEqual([]);
    const byDependency = resource(aws.lambda.Function, "detect", { loggingConfig: { logFormat: "JSON" } }, { loggingConfig: ["detect-logs"] });
    expect((await runStackPolicy(lambdaLogRetention, [byDependency, custom])).violations).toEqual([]);
  });

  it("flags a function without a managed log group", async () => {
    const run = await runStackPolicy(lambdaLogRetention, [fn(), resource(aws.cloudwatch.LogGroup, "other", { name: "/aws/lambda/other", retentionInDays: 30 })]);
    expect(run.violations).toEqual([expect.stringMatching(/^Function 'detect' has no managed log group, so Lambda creates \/aws\/lambda\/<name> with logs kept forever\. Remediation: create an aws\.cloudwatch\.LogGroup/)]);
    expect(run.urns).toEqual([FN_URN]);
  });

  it("flags a log group whose retention is unbounded or beyond the configured maximum", async () => {
    expect((await runStackPolicy(lambdaLogRetention, [fn(), logGroup(undefined)])).violations).toEqual([
      "Function 'detect' logs to 'detect-logs' whose retentionInDays is not set, so logs never expire. Remediation: set retentionInDays between 7 and 365.",
    ]);
    expect((await runStackPolicy(lambdaLogRetention, [fn(), logGroup(30)], { maximumDays: 14 })).violations).toEqual([
      "Function 'detect' logs to 'detect-logs' whose retentionInDays is 30, above 14. Remediation: set retentionInDays between 7 and 14.",
    ]);
  });
});

describe("lambda-error-alarm", () => {
  it("passes an Errors alarm on the function (by value, and by dependency with unknown names as in preview)", async () => {
    expect((await runStackPolicy(lambdaErrorAlarm, [fn(), alarm()])).violations).toEqual([]);
    const unknownFn = resource(aws.lambda.Function, "detect", asPreview({ name: UNKNOWN, arn: UNKNOWN, runtime: "nodejs22.x" }));
    const unknownAlarm = alarm(asPreview({ dimensions: { FunctionName: UNKNOWN } }), { dimensions: ["detect"] });
    expect((await runStackPolicy(lambdaErrorAlarm, [unknownFn, unknownAlarm])).violations).toEqual([]);
    // Without the dependency nothing links the two while names are unknown: the policy says so instead of crashing.
    const unlinkedAlarm = alarm(asPreview({ dimensions: { FunctionName: UNKNOWN } }));
    expect((await runStackPolicy(lambdaErrorAlarm, [unknownFn, unlinkedAlarm])).violations).toHaveLength(1);
  });

  it("passes a metric-math alarm over the function's Errors", async () => {
    const math = alarm({
      namespace: undefined,
      metricName: undefined,
      dimensions: undefined,
      metricQueries: [
        { id: "errors", metric: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: FN_NAME }, period: 60, stat: "Sum" } },
        { id: "invocations", metric: { namespace: "AWS/Lambda", metricName: "Invocations", dimensions: { FunctionName: FN_NAME }, period: 60, stat: "Sum" } },
        { id: "rate", expression: "errors / invocations", returnData: true },
      ],
    });
    expect((await runStackPolicy(lambdaErrorAlarm, [fn(), math])).violations).toEqual([]);
  });

  it("passes an alarm on the function's dead-letter queue, or on its event-invoke-config on-failure queue", async () => {
    const queueAlarm = alarm({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "cad-detect-dlq" } });
    expect((await runStackPolicy(lambdaErrorAlarm, [fn(), dlq, queueAlarm])).violations).toEqual([]);
    const viaInvokeConfig = [fn({ deadLetterConfig: undefined }), dlq, invokeConfig({ functionName: FN_NAME, ...onFailureToDlq }), queueAlarm];
    expect((await runStackPolicy(lambdaErrorAlarm, viaInvokeConfig)).violations).toEqual([]);
  });

  it("flags a function without an alarm", async () => {
    const run = await runStackPolicy(lambdaErrorAlarm, [fn(), dlq]);
    expect(run.violations).toEqual([expect.stringMatching(/^Function 'detect' has no error alarm\. Remediation: add an aws\.cloudwatch\.MetricAlarm on AWS\/Lambda Errors/)]);
    expect(run.urns).toEqual([FN_URN]);
  });

  it.each([
    ["a Throttles alarm", { metricName: "Throttles" }],
    ["an Errors alarm on another function", { dimensions: { FunctionName: "someone-else" } }],
    ["an alarm on a queue that is not the function's", { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "unrelated" } }],
  ])("flags %s", async (_case, props) => {
    expect((await runStackPolicy(lambdaErrorAlarm, [fn(), dlq, alarm(props)])).violations).toHaveLength(1);
  });

  it("skips exempt functions", async () => {
    expect((await runStackPolicy(lambdaErrorAlarm, [fn()], { exemptFunctions: ["detect"] })).violations).toEqual([]);
  });

  // Issue 16, item 9: an alarm that watches the right metric but can never notify anyone is no alarm.
  it.each([
    ["actions disabled", { actionsEnabled: false }, /'detect-errors' \(its actions are disabled \(actionsEnabled: false\)\)/],
    ["a threshold of 1e9", { threshold: 1e9 }, /'detect-errors' \(its threshold 1000000000 is above 5\)/],
    ["no alarm actions", { alarmActions: [] }, /'detect-errors' \(it has no alarmActions\)/],
    ["a LessThan comparison", { comparisonOperator: "LessThanThreshold" }, /does not fire on rising errors/],
  ])("flags an Errors alarm with %s", async (_case, props, message) => {
    const run = await runStackPolicy(lambdaErrorAlarm, [fn(), dlq, alarm(props)]);
    expect(run.violations).toEqual([expect.stringMatching(/^Function 'detect' has no error alarm that can notify anyone: /)]);
    expect(run.violations[0]).toMatch(message);
  });

  it("takes the threshold limit from config, and any one live alarm is enough", async () => {
    expect((await runStackPolicy(lambdaErrorAlarm, [fn(), alarm({ threshold: 20 })], { maximumThreshold: 50 })).violations).toEqual([]);
    const muted = resource(aws.cloudwatch.MetricAlarm, "detect-errors-muted", { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: FN_NAME }, actionsEnabled: false, alarmActions: [TOPIC_ARN] });
    expect((await runStackPolicy(lambdaErrorAlarm, [fn(), muted, alarm()])).violations).toEqual([]);
  });
});
