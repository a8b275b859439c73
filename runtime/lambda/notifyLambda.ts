/**
 * Lambda entry module of a notifier (PagerDuty or Slack, per CAD_NOTIFIER): consumes its SQS subscription of the
 * alert topic and delivers each alert to the on-call tool (makeNotifyHandler). The tool's credential is read from
 * Vault through the vault-lambda-extension's proxy and cached for the container's life (VaultSecrets' TTL).
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { correlationIdOf, RunObservability, type LambdaContextLike } from "../adapters/observability/RunObservability";
import { PagerDutyNotifier } from "../adapters/pagerduty/PagerDutyNotifier";
import { S3StateStore } from "../adapters/s3/S3StateStore";
import { SlackNotifier } from "../adapters/slack/SlackNotifier";
import { SqsDeliveryQueue } from "../adapters/sqs/SqsDeliveryQueue";
import { VaultSecrets } from "../adapters/vault/VaultSecrets";
import { makeNotifyHandler } from "../handlers/makeNotifyHandler";
import type { SqsBatchResponse } from "../handlers/sqsBatch";
import type { Notifier } from "../notify/notifier";
import { CurrentRun } from "./currentRun";
import type { Env } from "./envVariables";
import { parseNotifyEnv, type NotifyEnv } from "./notifyEnv";
import type { Log, Secrets } from "../ports";

function notifierFor(config: NotifyEnv, secrets: Secrets, log: Log): Notifier {
  switch (config.notifier) {
    case "pagerduty":
      return new PagerDutyNotifier({ secrets, secretPath: config.vault.secretPath, ...(config.pagerDutyEventsUrl ? { url: config.pagerDutyEventsUrl } : {}), log });
    case "slack":
      return new SlackNotifier({ secrets, secretPath: config.vault.secretPath, log });
  }
}

/** Parses the environment and builds the clients once; returns the invocation handler. Throws LambdaEnvError on a bad environment. */
export function createNotifyHandler(env: Env = process.env, wallClock: () => number = Date.now): (event: unknown, context?: LambdaContextLike) => Promise<SqsBatchResponse> {
  const config = parseNotifyEnv(env);
  const observability = new RunObservability({ serviceName: `notifier-${config.notifier}`, namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ContainerAnomalyDetection", dimensions: { environment: config.environment } });
  const current = new CurrentRun();
  const { log } = current;
  const secrets = new VaultSecrets({ address: config.vault.proxyAddress, mount: config.vault.kvMount, log });
  const handler = makeNotifyHandler({
    notifier: notifierFor(config, secrets, log),
    queue: new SqsDeliveryQueue(new SQSClient({}), config.queueUrl, config.deadLetterQueueUrl),
    progress: new S3StateStore({ client: new S3Client({}), bucket: config.bucket, prefix: config.statePrefix }),
    maxAttempts: config.maxAttempts,
    clock: { now: wallClock },
    log,
  });
  return async (event: unknown, context?: LambdaContextLike): Promise<SqsBatchResponse> => {
    const run = observability.beginRun(correlationIdOf(event, context), context);
    current.begin(run);
    try {
      const { batchItemFailures, outcomes } = await handler(event);
      const count = (o: string): number => outcomes.filter((x) => x.outcome === o).length;
      run.log.info("notifier batch done", { messages: outcomes.length, sent: count("sent"), skipped: count("skipped"), superseded: count("superseded"), parked: count("parked"), retry: count("retry") });
      run.metrics.record("alertsSent", count("sent"));
      // Parked (in the dead-letter queue, alarmed) or back in the queue for a retry.
      run.metrics.record("alertsFailed", count("parked") + count("retry"));
      return { batchItemFailures };
    } finally {
      run.metrics.flush();
    }
  };
}
