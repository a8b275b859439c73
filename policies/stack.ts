/**
 * Stack policies across Lambda and its companions: every function has an on-failure path, a log group
 * with bounded retention, and an error alarm. They read the whole stack because each concern lives in a
 * separate resource (FunctionEventInvokeConfig, LogGroup, MetricAlarm).
 */
import { type ReportViolation, type StackValidationPolicy } from "@pulumi/policy";
import { RETENTION_DEFAULTS, retentionProblem } from "./cloudwatch";
import { configOf, violation } from "./lib/config";
import { isProvided, readKnown } from "./lib/known";
import { refersTo, type StackResource } from "./lib/stackReferences";

const FUNCTION = "aws:lambda/function:Function";
const EVENT_INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const QUEUE = "aws:sqs/queue:Queue";

type Props = Record<string, unknown>;
const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (typeof v === "object" && v !== null ? (v as Props)[key] : undefined), value);

interface ExemptConfig {
  /** Pulumi resource names of functions the policy skips (e.g. synchronously invoked APIs). */
  exemptFunctions: string[];
}
const EXEMPT_DEFAULTS: ExemptConfig = { exemptFunctions: [] };
const exemptSchema = { exemptFunctions: { type: "array" as const, items: { type: "string" as const }, default: EXEMPT_DEFAULTS.exemptFunctions } };

/** The FunctionEventInvokeConfigs that configure `fn`. */
function invokeConfigsOf(fn: StackResource, resources: readonly StackResource[]): StackResource[] {
  return resources.filter((r) => r.type === EVENT_INVOKE_CONFIG && refersTo(r, "functionName", fn, (p) => p["functionName"]));
}

/** The failure destinations of a function: its dead-letter target and/or its event-invoke-config on-failure destination. */
interface FailurePath {
  readonly deadLetter: boolean;
  readonly onFailureConfigs: readonly StackResource[];
}

function failurePathOf(fn: StackResource, resources: readonly StackResource[]): FailurePath {
  // A dead-letter target or destination still unknown during preview counts: it is being created.
  const deadLetter = isProvided(() => get(fn.props, "deadLetterConfig"));
  const onFailureConfigs = invokeConfigsOf(fn, resources).filter((cfg) => isProvided(() => get(cfg.props, "destinationConfig", "onFailure")));
  return { deadLetter, onFailureConfigs };
}

function functionsToCheck(resources: readonly StackResource[], config: ExemptConfig): StackResource[] {
  return resources.filter((r) => r.type === FUNCTION && !config.exemptFunctions.includes(r.name));
}

export const lambdaFailureDestination: StackValidationPolicy = {
  name: "lambda-failure-destination",
  description: "Every Lambda function sends failed asynchronous events to a dead-letter queue or an on-failure destination.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: { properties: exemptSchema },
  validateStack: (args, report) => {
    const config = configOf(args, EXEMPT_DEFAULTS);
    for (const fn of functionsToCheck(args.resources, config)) {
      const path = failurePathOf(fn, args.resources);
      if (!path.deadLetter && path.onFailureConfigs.length === 0) {
        report(violation(
          `Function '${fn.name}' drops failed asynchronous events.`,
          "set deadLetterConfig.targetArn to an SQS queue, or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination.",
        ), fn.urn);
      }
    }
  },
};

export const lambdaLogRetention: StackValidationPolicy = {
  name: "lambda-log-retention",
  description: "Every Lambda function logs to a log group the stack manages, with bounded retention.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: {
    properties: {
      ...exemptSchema,
      minimumDays: { type: "integer", minimum: 1, default: RETENTION_DEFAULTS.minimumDays },
      maximumDays: { type: "integer", minimum: 1, default: RETENTION_DEFAULTS.maximumDays },
    },
  },
  validateStack: (args, report) => {
    const config = configOf(args, { ...EXEMPT_DEFAULTS, ...RETENTION_DEFAULTS });
    const groups = args.resources.filter((r) => r.type === LOG_GROUP);
    for (const fn of functionsToCheck(args.resources, config)) {
      // Either the function names its log group, or the group carries Lambda's default name /aws/lambda/<function name>.
      const group = groups.find(
        (g) =>
          refersTo(fn, "loggingConfig", g, (p) => get(p, "loggingConfig", "logGroup")) ||
          refersTo(g, "name", fn, (p) => (typeof p["name"] === "string" ? p["name"].replace(/^\/aws\/lambda\//, "") : undefined)),
      );
      if (group === undefined) {
        report(violation(
          `Function '${fn.name}' has no managed log group, so Lambda creates /aws/lambda/<name> with logs kept forever.`,
          "create an aws.cloudwatch.LogGroup and pass its name as loggingConfig.logGroup (or name it /aws/lambda/<function name>).",
        ), fn.urn);
        continue;
      }
      const problem = retentionProblem(readKnown(() => group.props["retentionInDays"] as number | undefined), config);
      if (problem) {
        report(violation(`Function '${fn.name}' logs to '${group.name}' whose ${problem}.`, `set retentionInDays between ${config.minimumDays} and ${config.maximumDays}.`), fn.urn);
      }
    }
  },
};

/** Does `alarm` watch the given metric with a dimension pointing at `target` (single metric or metric math)? */
function alarmWatches(alarm: StackResource, target: StackResource, namespace: string, metricNames: readonly string[], dimension: string): boolean {
  const single =
    readKnown(() => alarm.props["namespace"] === namespace && metricNames.includes(alarm.props["metricName"] as string)) === true &&
    refersTo(alarm, "dimensions", target, (p) => get(p, "dimensions", dimension));
  if (single) return true;
  const queries = readKnown(() => alarm.props["metricQueries"]);
  if (!Array.isArray(queries)) return false;
  const watched = queries.some(
    (q) => readKnown(() => get(q, "metric", "namespace") === namespace && metricNames.includes(get(q, "metric", "metricName") as string)) === true,
  );
  return watched && refersTo(alarm, "metricQueries", target, (p) => (get(p, "metricQueries") as unknown[]).map((q) => get(q, "metric", "dimensions", dimension)));
}

/** The SQS queues receiving a function's failed events (DLQ and on-failure destinations). */
function failureQueuesOf(fn: StackResource, resources: readonly StackResource[]): StackResource[] {
  const configs = invokeConfigsOf(fn, resources);
  return resources.filter(
    (q) =>
      q.type === QUEUE &&
      (refersTo(fn, "deadLetterConfig", q, (p) => get(p, "deadLetterConfig", "targetArn")) ||
        configs.some((c) => refersTo(c, "destinationConfig", q, (p) => get(p, "destinationConfig", "onFailure", "destination")))),
  );
}

interface ErrorAlarmConfig extends ExemptConfig {
  /** Highest threshold an alarm may have and still count: it must fire by the (threshold + 1)-th error in a period. */
  maximumThreshold: number;
}
const ERROR_ALARM_DEFAULTS: ErrorAlarmConfig = { ...EXEMPT_DEFAULTS, maximumThreshold: 5 };

/**
 * Why an alarm that watches the right metric would still stay silent, or [] when it can fire and notify someone:
 * actions disabled, no alarm action, a comparison that never fires on a growing error count, a threshold too high.
 * Values unknown during preview are given the benefit of the doubt.
 */
export function silentAlarmProblems(alarm: StackResource, maximumThreshold: number): string[] {
  const problems: string[] = [];
  if (readKnown(() => alarm.props["actionsEnabled"]) === false) problems.push("its actions are disabled (actionsEnabled: false)");
  const actions = readKnown(() => alarm.props["alarmActions"]);
  if (actions !== undefined && (!Array.isArray(actions) || actions.length === 0)) problems.push("it has no alarmActions");
  const operator = readKnown(() => alarm.props["comparisonOperator"]);
  if (typeof operator === "string" && !operator.startsWith("GreaterThan")) problems.push(`its comparison ${operator} does not fire on rising errors`);
  const threshold = readKnown(() => alarm.props["threshold"]);
  if (typeof threshold === "number" && threshold > maximumThreshold) problems.push(`its threshold ${threshold} is above ${maximumThreshold}`);
  return problems;
}

function checkErrorAlarms(resources: readonly StackResource[], config: ErrorAlarmConfig, report: ReportViolation): void {
  const alarms = resources.filter((r) => r.type === METRIC_ALARM);
  for (const fn of functionsToCheck(resources, config)) {
    const watching = [
      ...alarms.filter((a) => alarmWatches(a, fn, "AWS/Lambda", ["Errors"], "FunctionName")),
      ...failureQueuesOf(fn, resources).flatMap((queue) =>
        alarms.filter((a) => alarmWatches(a, queue, "AWS/SQS", ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"], "QueueName")),
      ),
    ];
    if (watching.some((a) => silentAlarmProblems(a, config.maximumThreshold).length === 0)) continue;
    const remediation =
      "add an aws.cloudwatch.MetricAlarm on AWS/Lambda Errors with dimensions {FunctionName: fn.name} (or on ApproximateNumberOfMessagesVisible of its dead-letter / on-failure queue), actions enabled, a GreaterThan comparison with a low threshold, and the alerts topic in alarmActions.";
    const silent = watching.map((a) => `'${a.name}' (${silentAlarmProblems(a, config.maximumThreshold).join("; ")})`);
    report(violation(silent.length === 0 ? `Function '${fn.name}' has no error alarm.` : `Function '${fn.name}' has no error alarm that can notify anyone: ${silent.join(", ")}.`, remediation), fn.urn);
  }
}

export const lambdaErrorAlarm: StackValidationPolicy = {
  name: "lambda-error-alarm",
  description: "Every Lambda function has an enabled CloudWatch alarm with actions on its errors or on its failure queue.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: { properties: { ...exemptSchema, maximumThreshold: { type: "number", minimum: 0, default: ERROR_ALARM_DEFAULTS.maximumThreshold } } },
  validateStack: (args, report) => checkErrorAlarms(args.resources, configOf(args, ERROR_ALARM_DEFAULTS), report),
};

export const stackPolicies = [lambdaFailureDestination, lambdaLogRetention, lambdaErrorAlarm];
