/**
 * The environment contract of the notifier Lambdas (one per on-call tool), written by infra/notifiers.ts and read
 * once per cold start by notifyLambda.ts. A missing or malformed variable fails the cold start naming it.
 */
import * as v from "valibot";
import { checkedVariable, lambdaEnvError, type Env } from "./envVariables";
import { LAMBDA_ENV } from "./lambdaEnv";

export const NOTIFY_ENV = {
  /** Which tool: "pagerduty" or "slack". */
  notifier: "CAD_NOTIFIER",
  /** Path (relative to the KV mount) of the secret holding the tool's credential. */
  secretPath: "CAD_NOTIFIER_SECRET_PATH",
  /** The queue the notifier consumes (the topic's subscription) and its dead-letter queue. */
  queueUrl: "CAD_NOTIFIER_QUEUE_URL",
  deadLetterQueueUrl: "CAD_NOTIFIER_DLQ_URL",
  /** Receives of a retryable failure before the notifier parks the message with its error. */
  maxAttempts: "CAD_NOTIFIER_MAX_ATTEMPTS",
  /** PagerDuty only: the Events API v2 URL (US or EU service region). */
  pagerDutyEventsUrl: "CAD_PAGERDUTY_EVENTS_URL",
} as const;

export const NOTIFIER_KINDS = ["pagerduty", "slack"] as const;
export type NotifierKind = (typeof NOTIFIER_KINDS)[number];

export interface NotifyEnv {
  readonly environment: string;
  readonly notifier: NotifierKind;
  readonly bucket: string;
  readonly statePrefix: string;
  readonly vault: { readonly proxyAddress: string; readonly kvMount: string; readonly secretPath: string };
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly maxAttempts: number;
  readonly pagerDutyEventsUrl?: string;
}

const PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const isUrl = (s: string): boolean => URL.canParse(s);

/** Each variable's schema and what it must look like (the error names the variable and this). */
const VARIABLES: Readonly<Record<string, readonly [v.GenericSchema<string>, string]>> = {
  [LAMBDA_ENV.environment]: [v.pipe(v.string(), v.minLength(1)), "a non-empty name"],
  [NOTIFY_ENV.notifier]: [v.picklist(NOTIFIER_KINDS), `one of ${NOTIFIER_KINDS.join(", ")}`],
  [LAMBDA_ENV.bucket]: [v.pipe(v.string(), v.minLength(3)), "a bucket name"],
  [LAMBDA_ENV.statePrefix]: [v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/)), 'a key prefix ending with "/"'],
  [LAMBDA_ENV.vaultProxyAddress]: [v.pipe(v.string(), v.check(isUrl)), "an absolute URL"],
  [LAMBDA_ENV.vaultKvMount]: [v.pipe(v.string(), v.regex(PATH)), 'a Vault path without leading or trailing "/"'],
  [NOTIFY_ENV.secretPath]: [v.pipe(v.string(), v.regex(PATH)), 'a Vault path without leading or trailing "/"'],
  [NOTIFY_ENV.queueUrl]: [v.pipe(v.string(), v.check(isUrl)), "an SQS queue URL"],
  [NOTIFY_ENV.deadLetterQueueUrl]: [v.pipe(v.string(), v.check(isUrl)), "an SQS queue URL"],
  [NOTIFY_ENV.maxAttempts]: [v.pipe(v.string(), v.regex(/^([1-9]|[1-9]\d)$/)), "an integer from 1 to 99"],
};

function read(env: Env, name: string): string {
  const [schema, what] = VARIABLES[name];
  return checkedVariable(env, name, schema, what);
}

/** Reads a notifier's environment. */
export function parseNotifyEnv(env: Env): NotifyEnv {
  const notifier = read(env, NOTIFY_ENV.notifier) as NotifierKind;
  const eventsUrl = env[NOTIFY_ENV.pagerDutyEventsUrl];
  if (eventsUrl !== undefined && !/^https:\/\//.test(eventsUrl) && !/^http:\/\/127\.0\.0\.1[:/]/.test(eventsUrl)) {
    throw lambdaEnvError(NOTIFY_ENV.pagerDutyEventsUrl, `must be an https URL, got ${JSON.stringify(eventsUrl.slice(0, 60))}`);
  }
  return {
    environment: read(env, LAMBDA_ENV.environment),
    notifier,
    bucket: read(env, LAMBDA_ENV.bucket),
    statePrefix: read(env, LAMBDA_ENV.statePrefix),
    vault: { proxyAddress: read(env, LAMBDA_ENV.vaultProxyAddress), kvMount: read(env, LAMBDA_ENV.vaultKvMount), secretPath: read(env, NOTIFY_ENV.secretPath) },
    queueUrl: read(env, NOTIFY_ENV.queueUrl),
    deadLetterQueueUrl: read(env, NOTIFY_ENV.deadLetterQueueUrl),
    maxAttempts: Number(read(env, NOTIFY_ENV.maxAttempts)),
    ...(notifier === "pagerduty" && eventsUrl !== undefined ? { pagerDutyEventsUrl: eventsUrl } : {}),
  };
}
