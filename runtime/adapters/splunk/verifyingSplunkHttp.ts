import * as http from "node:http";
import * as https from "node:https";
import splunkjs from "splunk-sdk";
import type { Log } from "../../ports";

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

/**
 * An Http layer for splunk-sdk's Service that verifies TLS certificates.
 *
 * splunk-sdk 2.0.2's own NodeHttp hard-codes `rejectUnauthorized: false` (any certificate is accepted,
 * also one for the wrong host). This one uses node's http/https with verification on, the system CAs or
 * `tls.caPem`, and hostname checking; only `tls.insecureSkipVerify` turns it off, with a warning.
 *
 * @param requestTimeoutMs abort a request with no complete response after this many ms.
 */
export function createVerifyingSplunkHttp(tls: SplunkTlsOptions, log: Log, requestTimeoutMs: number): splunkjs.Http {
  if (tls.insecureSkipVerify) {
    log.warn("splunk: TLS certificate verification is DISABLED (insecureSkipVerify); credentials and data can be intercepted", {});
  }
  const layer = new splunkjs.Http();
  layer.parseJson = (json: string): unknown => JSON.parse(json);
  layer.makeRequest = (url, message) =>
    new Promise<splunkjs.SplunkResponse>((resolve, reject) => {
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
          resolve(layer._buildResponse(null, { statusCode: res.statusCode ?? 600, headers: res.headers }, Buffer.concat(chunks).toString("utf8")));
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
  return layer;
}
