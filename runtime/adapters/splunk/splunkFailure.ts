import { CadError } from "../../errors/CadError";
import { errorMessage } from "../../errors/errorMessage";
/** A Splunk request or search that failed; the message says what was being done and what Splunk answered. */
export class SplunkError extends CadError {
  constructor(
    message: string,
    /** HTTP status when Splunk answered, 600 for a network/TLS failure (the SDK's convention), undefined otherwise. */
    readonly status?: number,
  ) {
    super(message, "SplunkError");
  }
}

/** TLS failure codes from node, for which the fix is a CA bundle, not a retry. */
const CERT_ERRORS: readonly string[] = [
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
];

/** Text of Splunk's `messages: [{type, text}]`, joined, or undefined. */
export function splunkMessages(data: unknown): string | undefined {
  if (!data || typeof data !== "object" || !("messages" in data) || !Array.isArray(data.messages)) return undefined;
  const texts = (data.messages as unknown[])
    .map((m) => (m && typeof m === "object" && "text" in m ? `${"type" in m ? String(m.type) : "MESSAGE"}: ${String(m.text)}` : undefined))
    .filter((t): t is string => t !== undefined);
  return texts.length > 0 ? texts.join("; ") : undefined;
}

/**
 * Turns whatever splunk-sdk rejected with (a response object, a string, an Error, or an array
 * `[response, entity]`) into a SplunkError whose message starts with `action`.
 */
export function toSplunkError(err: unknown, action: string): SplunkError {
  if (err instanceof SplunkError) return err;
  if (Array.isArray(err) && err.length > 0) return toSplunkError(err[0], action);
  if (err instanceof Error) return new SplunkError(`${action}: ${err.message}`);
  if (typeof err === "string") return new SplunkError(`${action}: ${err}`);
  if (err && typeof err === "object" && "status" in err) {
    const status = Number(err.status);
    const data = "data" in err ? err.data : undefined;
    const cause = "error" in err ? err.error : undefined;
    if (status === 600 || (!Number.isFinite(status) && cause)) {
      const code = cause && typeof cause === "object" && "code" in cause ? String(cause.code) : "";
      const text = errorMessage(cause);
      if (CERT_ERRORS.includes(code)) {
        return new SplunkError(
          `${action}: the server's TLS certificate was rejected (${code}: ${text}). Configure the CA bundle that signed it, or (only for testing) the explicit insecure opt-out.`,
          600,
        );
      }
      return new SplunkError(`${action}: request failed: ${code ? `${code}: ` : ""}${text}`, 600);
    }
    const messages = splunkMessages(data);
    if (status === 401) return new SplunkError(`${action}: authentication failed (HTTP 401)${messages ? `: ${messages}` : ""}`, 401);
    const detail = messages ?? (typeof data === "string" ? `unexpected body: ${snippet(data)}` : JSON.stringify(data));
    return new SplunkError(`${action}: HTTP ${String(err.status)}: ${detail}`, Number.isFinite(status) ? status : undefined);
  }
  return new SplunkError(`${action}: ${JSON.stringify(err)}`);
}

/** The start of a body, on one line, for error messages. */
export function snippet(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}
