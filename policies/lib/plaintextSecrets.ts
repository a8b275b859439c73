/**
 * Spotting secrets written in plaintext into environment variables (Lambda `environment.variables`,
 * SageMaker `environment`). Secrets belong in Vault (read at run time), never in resource inputs: inputs
 * are stored in the Pulumi state and shown by the Lambda console to anyone with `lambda:GetFunction`.
 */

/** One variable that looks like it carries a secret, and why. */
export interface PlaintextSecretFinding {
  readonly variable: string;
  readonly reason: string;
}

/** Value shapes of well-known credentials, whatever the variable is called. */
const SECRET_VALUE_PATTERNS: readonly { readonly pattern: RegExp; readonly what: string }[] = [
  { pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, what: "an AWS access key id" },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a PEM private key" },
  { pattern: /\bdt0[a-z]\d{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b/, what: "a Dynatrace API token" },
  { pattern: /\bhvs\.[A-Za-z0-9_-]{20,}/, what: "a Vault service token" },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/, what: "a GitHub token" },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, what: "a Slack token" },
  { pattern: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, what: "a JWT" },
  { pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, what: "a URL with an embedded password" },
];

/** Name tokens that say "this variable holds a secret". */
const SECRET_NAME_TOKENS = new Set(["SECRET", "PASSWORD", "PASSWD", "PWD", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS"]);
/** Two-token names that say the same (API_KEY, PRIVATE_KEY, ACCESS_KEY, SIGNING_KEY…). */
const SECRET_NAME_PAIRS = /(^|_)(API|PRIVATE|ACCESS|SECRET|SIGNING|CLIENT)_KEY($|_)/;
/**
 * Final name tokens that say "this variable points at a secret" (VAULT_SECRET_PATH, TOKEN_FILE,
 * SECRET_ARN…): a reference to a secret is how it should be done, so these are never flagged by name.
 */
const REFERENCE_SUFFIXES = new Set(["PATH", "FILE", "ARN", "NAME", "ROLE", "URL", "ADDR", "ID", "MOUNT", "TTL", "PARAM", "PARAMETER", "KEY_ID", "HEADER", "ENDPOINT"]);

/** True when the variable name says it holds a secret value (and not a reference to one). */
export function isSecretLookingName(name: string): boolean {
  const upper = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  const tokens = upper.split("_").filter((t) => t.length > 0);
  const last = tokens[tokens.length - 1] ?? "";
  if (REFERENCE_SUFFIXES.has(last) || upper.endsWith("_KEY_ID")) return false;
  return tokens.some((t) => SECRET_NAME_TOKENS.has(t)) || SECRET_NAME_PAIRS.test(upper);
}

/** True when a value is a pointer to a secret store rather than the secret (ARN, path, URL without password…). */
export function isSecretReference(value: string): boolean {
  return /^(arn:|\/|vault:|ssm:|secretsmanager:|\{\{resolve:)/.test(value) || /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(value);
}

/**
 * Finds variables that look like plaintext secrets: a value shaped like a known credential, or a
 * secret-looking name with a non-empty value that is not a reference.
 *
 * @param variables the environment map (values may be non-strings when a program passes numbers).
 * @param allowedNames variable names a team has reviewed and accepted.
 */
export function findPlaintextSecrets(variables: Readonly<Record<string, unknown>>, allowedNames: readonly string[] = []): PlaintextSecretFinding[] {
  const findings: PlaintextSecretFinding[] = [];
  for (const [variable, raw] of Object.entries(variables)) {
    if (allowedNames.includes(variable) || typeof raw !== "string" || raw.length === 0) continue;
    const shape = SECRET_VALUE_PATTERNS.find(({ pattern }) => pattern.test(raw));
    if (shape) {
      findings.push({ variable, reason: `its value looks like ${shape.what}` });
    } else if (isSecretLookingName(variable) && !isSecretReference(raw)) {
      findings.push({ variable, reason: "its name says it holds a secret and its value is not a reference (ARN, path or URL)" });
    }
  }
  return findings;
}
