import * as http from "node:http";
import * as https from "node:https";
import type splunkjs from "splunk-sdk";
import { splunkSdk } from "./splunkSdk";
import type { Log } from "../../ports";
import { rateLimitWaitMs } from "../retry/retryAfter";

/** TLS settings for the Splunk management port. */
export interface SplunkTlsOptions {
  /** PEM bundle of the CAs that may sign Splunk's certificate, replacing the system CAs (node's `ca`). */
  readonly caPem?: string;
  /**
   * Skip certificate verification. Only for throw-away test instances: anyone on the path can read the
   * credentials. Logged as a warning every time a client is built with it.
   */
  readonly insecureSkipVerify?: boolean;
}

/** One answer the layer received (for error messages that must show what the server actually said). */
export interface SplunkHttpAnswer {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  /** The start of the body (at most 200 characters). */
  readonly bodyStart: string;
}

/** Rate-limit handling and observation hooks of the layer. */
export interface SplunkHttpOptions {
  /** Abort a request with no complete response after this many ms. */
  readonly requestTimeoutMs: number;
  /** HTTP 429 answers retried before the 429 is handed to the SDK (and fails the call). Default 5. */
  readonly maxRetries?: number;
  /** Longest wait honoured from a Retry-After, and the cap of the exponential back-off, ms. Default 60000. */
  readonly maxRetryDelayMs?: number;
  /** Waits between 429 retries; injected in tests. Default: real timers. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called with every final answer (after retries). */
  readonly onAnswer?: (answer: SplunkHttpAnswer) => void;
}

/**
 * An Http layer for splunk-sdk's Service that verifies TLS certificates.
 *
 * splunk-sdk 2.0.2's own NodeHttp hard-codes `rejectUnauthorized: false` (any certificate is accepted,
 * also one for the wrong host). This one uses node's http/https with verification on, the system CAs or
 * `tls.caPem`, and hostname checking; only `tls.insecureSkipVerify` turns it off, with a warning.
 *
 * An HTTP 429 (splunkd's answer when it is overloaded) is retried after its Retry-After, or after 1 s doubling
 * per attempt, up to `maxRetries`, like the Dynatrace source; only then does the SDK see the 429.
 */
export function createVerifyingSplunkHttp(tls: SplunkTlsOptions, log: Log, options: SplunkHttpOptions): splunkjs.Http {
  const { requestTimeoutMs } = options;
  const maxRetries = options.maxRetries ?? 5;
  const cap = options.maxRetryDelayMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  if (tls.insecureSkipVerify) {
    log.warn("splunk: TLS certificate verification is DISABLED (insecureSkipVerify); credentials and data can be intercepted", {});
  }
  const layer = new splunkSdk.Http();
  layer.parseJson = (json: string): unknown => JSON.parse(json);
  const once = (url: string, message: splunkjs.HttpMessage): Promise<{ response: splunkjs.SplunkResponse; retryAfter: string | undefined; raw: SplunkHttpAnswer }> =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const body = message.body ?? "";
      const headers: Record<string, string | number> = {
        ...message.headers,
        "Content-Length": Buffer.byteLength(body, "utf8"),
        "User-Agent": "container-anomaly-detection (splunk-sdk-javascript/2.0.2)",
      };
      const timeoutMs = message.response_timeout && message.response_timeout > 0 ? message.response_timeout : requestTimeoutMs;
      const onResponse = (res: http.IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (err) => reject(layer._buildResponse(err, { statusCode: 600, headers: {} }, "")));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 600;
          const retryAfter = res.headers["retry-after"];
          resolve({
            response: layer._buildResponse(null, { statusCode: status, headers: res.headers }, body),
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            raw: { method: message.method, url, status, contentType: String(res.headers["content-type"] ?? ""), bodyStart: body.slice(0, 200) },
          });
        });
      };
      const req =
        target.protocol === "https:"
          ? https.request(target, { method: message.method, headers, ca: tls.caPem, rejectUnauthorized: !tls.insecureSkipVerify }, onResponse)
          : http.request(target, { method: message.method, headers }, onResponse);
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
      req.on("error", (err) => reject(layer._buildResponse(err, { statusCode: 600, headers: {} }, "")));
      req.end(body);
    });
  layer.makeRequest = async (url, message) => {
    for (let attempt = 0; ; attempt++) {
      const { response, retryAfter, raw } = await once(url, message);
      if (raw.status === 429 && attempt < maxRetries) {
        const waitMs = rateLimitWaitMs(retryAfter, attempt, cap);
        log.warn("splunk: rate-limited (HTTP 429), backing off", { method: message.method, path: new URL(url).pathname, attempt: attempt + 1, waitMs });
        await sleep(waitMs);
        continue;
      }
      options.onAnswer?.(raw);
      return response;
    }
  };
  return layer;
}
