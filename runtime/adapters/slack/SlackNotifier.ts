import { errorMessage } from "../../errors/errorMessage";
import type { Log, Secrets } from "../../ports";
import { NotifierError, type Notifier, type NotifyOutcome } from "../../notify/notifier";
import { slackMessageOf } from "../../notify/slackMessage";
import type { AlertBody } from "../sns/alertMessage";
import { retryAfterMs } from "../retry/retryAfter";
import { checkCredentialUrl, postJson } from "../notify/postJson";

export interface SlackNotifierOptions {
  /** Where the webhook URL is read from, cached per container by the Secrets adapter. */
  readonly secrets: Secrets;
  /** Path of the secret (relative to the KV mount); its key `webhookUrl` is the incoming webhook's URL. */
  readonly secretPath: string;
  /** Per-request timeout, ms. Default 10 s. */
  readonly timeoutMs?: number;
  readonly log: Log;
  readonly fetch?: typeof fetch;
}

/** Slack's answers that mean the webhook or its channel is gone or barred: no retry helps until someone fixes it. */
const GONE = [403, 404, 410];

/**
 * Posts incident alerts to a Slack incoming webhook (mapping in runtime/notify/slackMessage.ts). Answers: 200 `ok`;
 * 400 `invalid_payload` and the like (permanent: `rejected`); 403 `action_prohibited`, 404 `no_service` /
 * `channel_not_found`, 410 `channel_is_archived` (permanent: `gone`); 429 (retryable, with Retry-After); 5xx
 * (retryable). The webhook URL is a credential: it is never logged nor put in an error (only its host is).
 */
export class SlackNotifier implements Notifier {
  readonly name = "slack";

  constructor(private readonly options: SlackNotifierOptions) {}

  async notify(alert: AlertBody): Promise<NotifyOutcome> {
    const message = slackMessageOf(alert);
    if (message === undefined) return "skipped";
    const url = await this.webhookUrl();
    const where = `Slack message for incident ${alert.incident.id} (${alert.eventType})`;
    const answer = await postJson(url, message, "Slack incoming webhook", { timeoutMs: this.options.timeoutMs ?? 10_000, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) });
    const said = answer.text.trim() === "" ? "" : `: ${answer.text.trim().slice(0, 200)}`;
    if (answer.status === 200) {
      this.options.log.info("Slack accepted the message", { incidentId: alert.incident.id, eventId: alert.eventId });
      return "sent";
    }
    if (answer.status === 429) {
      const wait = retryAfterMs(answer.retryAfter);
      throw new NotifierError("rate-limited", `${where}: Slack is rate limiting (429)${wait === undefined ? "" : `, retry after ${wait} ms`}${said}`, 429, wait);
    }
    if (answer.status >= 500) throw new NotifierError("unavailable", `${where}: Slack answered ${answer.status}${said}`, answer.status);
    if (GONE.includes(answer.status)) throw new NotifierError("gone", `${where}: Slack answered ${answer.status}${said} (the webhook or its channel is removed, archived or barred: make a new webhook and put it in Vault)`, answer.status);
    throw new NotifierError("rejected", `${where}: Slack refused it (${answer.status})${said}`, answer.status);
  }

  private async webhookUrl(): Promise<URL> {
    const path = this.options.secretPath;
    let data: Readonly<Record<string, string>>;
    try {
      data = await this.options.secrets.read(path);
    } catch (error) {
      throw new NotifierError("secret", `Slack webhook URL: ${errorMessage(error)}`, undefined, undefined, error);
    }
    const url = data.webhookUrl;
    if (url === undefined || url.trim() === "") {
      throw new NotifierError("secret", `Slack webhook URL: Vault secret "${path}" has no "webhookUrl" (keys: ${Object.keys(data).join(", ") || "none"}); put the incoming webhook's URL there`);
    }
    try {
      return checkCredentialUrl(url.trim(), `Slack webhook URL in Vault secret "${path}"`);
    } catch (error) {
      // A bad URL in Vault is fixed in Vault: retry, so the alerts wait in the queue meanwhile.
      throw new NotifierError("secret", errorMessage(error));
    }
  }
}
