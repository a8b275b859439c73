import { NotifierError } from "../../notify/notifier";

/** An HTTP answer, read fully. */
export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | null;
}

const isLoopback = (host: string): boolean => host === "127.0.0.1" || host === "localhost" || host === "[::1]";

/**
 * Checks that `url` may carry a credential: https, or http to this machine only (the loopback test servers).
 * Throws naming `what`, never the URL itself (a Slack webhook URL is the secret).
 */
export function checkCredentialUrl(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NotifierError("unmappable", `${what} is not a URL`);
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLoopback(parsed.hostname))) {
    throw new NotifierError("unmappable", `${what} must be an https URL (got ${parsed.protocol} to ${parsed.hostname})`);
  }
  return parsed;
}

/**
 * POSTs a JSON body and reads the whole answer. A network failure or no answer within `timeoutMs` rejects with a
 * retryable NotifierError (`unreachable`) naming `what` (not the URL: it may hold a credential).
 */
export async function postJson(url: URL, body: unknown, what: string, options: { readonly timeoutMs: number; readonly fetch?: typeof fetch }): Promise<HttpAnswer> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const why = (error as Error).name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name);
    throw new NotifierError("unreachable", `${what} at ${url.host} is unreachable: ${why}`, undefined, undefined, error);
  }
  return { status: response.status, text: await response.text(), retryAfter: response.headers.get("retry-after") };
}
