/**
 * Spotting secrets written in plaintext into environment variables (Lambda `environment.variables`,
 * SageMaker `environment`). Secrets belong in Vault (read at run time), never in resource inputs: inputs
 * are stored in the Pulumi state and shown by the Lambda console to anyone with `lambda:GetFunction`.
 *
 * Three kinds of evidence: a value shaped like a known credential or a long random string, whatever the variable
 * is called; a secret-looking name with a literal value; and the same two inside JSON-valued variables (a settings
 * object with a `password` in it), reported with their path (`SETTINGS.splunk.password`).
 */

/** One variable (or JSON path inside one) that looks like it carries a secret, and why. */
export interface PlaintextSecretFinding {
  readonly variable: string;
  readonly reason: string;
}

/** Value shapes of well-known credentials, whatever the variable is called. */
const SECRET_VALUE_PATTERNS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, what: "an AWS access key id" },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a PEM private key" },
  { pattern: /\bdt0[a-z]\d{2}\.[A-Za-z0-9_-]{8,}/, what: "a Dynatrace API token" },
  { pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/, what: "a Vault token" },
  { pattern: /(^|[^A-Za-z0-9])s\.[A-Za-z0-9]{24}($|[^A-Za-z0-9])/, what: "a Vault token (legacy format)" },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/, what: "a GitHub token" },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}/, what: "a GitLab token" },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, what: "a Slack token" },
  { pattern: /\b[sr]k_(live|test)_[A-Za-z0-9]{16,}/, what: "a Stripe key" },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, what: "a Google API key" },
  { pattern: /\bnpm_[A-Za-z0-9]{36}\b/, what: "an npm token" },
  { pattern: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, what: "a JWT" },
  { pattern: /^(Bearer|Basic|Splunk|Api-Token) [A-Za-z0-9._~+/=-]{16,}$/, what: "an Authorization header value" },
  { pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, what: "a URL with an embedded password" },
];

/** Name tokens that say "this variable holds a secret". */
const SECRET_NAME_TOKENS = ["SECRET", "PASSWORD", "PASSWD", "PWD", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"];
/** Two-token names that say the same (API_KEY, PRIVATE_KEY, ACCESS_KEY, SIGNING_KEY…). */
const SECRET_NAME_PAIRS = /(^|_)(API|PRIVATE|ACCESS|SECRET|SIGNING|CLIENT)_KEY($|_)/;
/**
 * Final name tokens that say "this variable points at a secret" (VAULT_SECRET_PATH, TOKEN_FILE,
 * SECRET_ARN…): a reference to a secret is how it should be done, so these are never flagged by name.
 */
const REFERENCE_SUFFIXES = ["PATH", "FILE", "ARN", "NAME", "ROLE", "URL", "ADDR", "ID", "MOUNT", "TTL", "PARAM", "PARAMETER", "KEY_ID", "HEADER", "ENDPOINT"];

/** True when the variable (or JSON key) name says it holds a secret value, not a reference to one. `apiToken` counts. */
export function isSecretLookingName(name: string): boolean {
  const upper = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  const tokens = upper.split("_").filter((t) => t.length > 0);
  const last = tokens[tokens.length - 1] ?? "";
  if (REFERENCE_SUFFIXES.includes(last) || upper.endsWith("_KEY_ID")) return false;
  return tokens.some((t) => SECRET_NAME_TOKENS.includes(t)) || SECRET_NAME_PAIRS.test(upper);
}

/** True when a value is a pointer to a secret store rather than the secret (ARN, path, URL without password…). */
export function isSecretReference(value: string): boolean {
  return /^(arn:|\/|vault:|ssm:|secretsmanager:|\{\{resolve:)/.test(value) || /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(value);
}

/** Shannon entropy of a string, bits per character. */
export function entropyBitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Why a value looks like a credential under any name: a known shape, or a long random-looking token (32+
 * characters of one token alphabet mixing upper case, lower case and digits, ≥ 4 bits of entropy per character;
 * or 40+ hex digits). Names, paths, ARNs, URLs and UUIDs do not qualify.
 */
export function credentialShape(value: string): string | undefined {
  const known = SECRET_VALUE_PATTERNS.find(({ pattern }) => pattern.test(value));
  if (known) return known.what;
  if (isSecretReference(value)) return undefined;
  if (/^[A-Za-z0-9+/=_.~-]{32,}$/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value) && entropyBitsPerChar(value) >= 4) {
    return "a long random string (a token or key, by its entropy)";
  }
  if (/^[0-9a-fA-F]{40,}$/.test(value)) return "a long hex string (a token or key)";
  return undefined;
}

function jsonValue(text: string): unknown {
  if (!/^\s*[{[]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Checks one string found at `where` (a variable or a path inside one) whose own name is `name`. */
function inspect(where: string, name: string, value: unknown, findings: PlaintextSecretFinding[]): void {
  if (typeof value === "string") {
    if (value.length === 0) return;
    const nested = jsonValue(value);
    if (nested !== undefined) {
      inspect(where, name, nested, findings);
      return;
    }
    const shape = credentialShape(value);
    if (shape) findings.push({ variable: where, reason: `its value looks like ${shape}` });
    else if (isSecretLookingName(name) && !isSecretReference(value)) findings.push({ variable: where, reason: "its name says it holds a secret and its value is not a reference (ARN, path or URL)" });
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => inspect(`${where}[${i}]`, name, item, findings));
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) inspect(`${where}.${key}`, key, item, findings);
  }
}

/**
 * Finds variables that look like plaintext secrets: a value shaped like a credential, or a secret-looking name
 * with a non-empty value that is not a reference — also inside JSON-valued variables.
 *
 * @param variables the environment map (values may be non-strings when a program passes numbers).
 * @param allowedNames variable names a team has reviewed and accepted.
 */
export function findPlaintextSecrets(variables: Readonly<Record<string, unknown>>, allowedNames: readonly string[] = []): PlaintextSecretFinding[] {
  const findings: PlaintextSecretFinding[] = [];
  for (const [variable, raw] of Object.entries(variables)) {
    if (allowedNames.includes(variable) || typeof raw !== "string") continue;
    inspect(variable, variable, raw, findings);
  }
  return findings;
}
