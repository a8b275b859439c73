import { startLoopbackServer, type LoopbackReply, type RunningServer } from "./loopbackServer";

/** A canned answer instead of processing the next message. */
export interface SlackFault {
  readonly status: 429 | 500 | 503;
  /** Sent as Retry-After (429 only). */
  readonly retryAfter?: string;
}

export interface SlackWebhookServer extends RunningServer {
  /** The webhook URL the server accepts (`<url>/services/T…/B…/<secret>`). */
  readonly webhookUrl: string;
  /** Messages accepted (200 ok), parsed, in order. */
  readonly posted: Record<string, unknown>[];
  /** The next requests get these answers, one each. */
  fail(...faults: SlackFault[]): void;
  /** From now on the channel is archived (410 channel_is_archived). */
  archive(): void;
  /** From now on the workspace bars the webhook (403 action_prohibited). */
  prohibit(): void;
}

const text = (status: number, body: string, headers: Record<string, string> = {}): LoopbackReply => ({ status, headers: { "Content-Type": "text/html", ...headers }, body });

/** Why Slack would refuse these blocks (`invalid_blocks`), or undefined. */
function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return "blocks is not a list";
  if (blocks.length > 50) return "more than 50 blocks";
  for (const b of blocks as Record<string, unknown>[]) {
    const t = b.text as { type?: string; text?: string } | undefined;
    if (b.type === "header" && (t?.type !== "plain_text" || typeof t.text !== "string" || t.text.length > 150)) return "header text must be plain_text of at most 150 characters";
    if (b.type === "section") {
      if (t === undefined && !Array.isArray(b.fields)) return "a section needs text or fields";
      if (t !== undefined && (typeof t.text !== "string" || t.text.length > 3000)) return "section text must be at most 3000 characters";
      const fields = (b.fields ?? []) as { text?: string }[];
      if (fields.length > 10 || fields.some((f) => typeof f.text !== "string" || f.text.length > 2000)) return "at most 10 fields of at most 2000 characters";
    }
    if (!["header", "section", "context", "divider", "actions", "image"].includes(String(b.type))) return `unknown block type ${String(b.type)}`;
  }
  return undefined;
}

/**
 * A loopback server speaking Slack's incoming webhooks: `POST /services/<T>/<B>/<secret>` with a JSON body `{text,
 * blocks}` answers 200 `ok`; 400 `invalid_payload` (not JSON), `no_text` (neither text nor blocks), `invalid_blocks`;
 * 404 `no_service` (an unknown webhook); 410 `channel_is_archived` and 403 `action_prohibited` once set so; and, on
 * demand, 429 (with or without Retry-After) or 5xx `rollup_error`.
 */
export async function startSlackWebhookServer(): Promise<SlackWebhookServer> {
  const path = "/services/T0LOOPBACK/B0LOOPBACK/l00pb4ckS3cr3tT0k3n";
  const posted: Record<string, unknown>[] = [];
  const faults: SlackFault[] = [];
  let state: "open" | "archived" | "prohibited" = "open";
  const server = await startLoopbackServer((req) => {
    if (req.method !== "POST" || req.path !== path) return text(404, "no_service");
    const fault = faults.shift();
    if (fault?.status === 429) return text(429, "rate_limited", fault.retryAfter ? { "Retry-After": fault.retryAfter } : {});
    if (fault !== undefined) return text(fault.status, "rollup_error");
    if (state === "archived") return text(410, "channel_is_archived");
    if (state === "prohibited") return text(403, "action_prohibited");
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return text(400, "invalid_payload");
    }
    if (typeof message.text !== "string" && message.blocks === undefined) return text(400, "no_text");
    if (message.blocks !== undefined && blocksProblem(message.blocks) !== undefined) return text(400, "invalid_blocks");
    posted.push(message);
    return text(200, "ok");
  });
  return {
    ...server,
    webhookUrl: `${server.url}${path}`,
    posted,
    fail: (...more) => faults.push(...more),
    archive: () => {
      state = "archived";
    },
    prohibit: () => {
      state = "prohibited";
    },
  };
}
