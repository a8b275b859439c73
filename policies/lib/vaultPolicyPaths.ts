/**
 * Reading the `path` rules out of a Vault ACL policy, written in HCL or in JSON.
 *
 * Only what the CrossGuard policies need: each rule's path and its capabilities. Vault's own parser is
 * the authority on validity; this reader fails loudly (VaultPolicyParseError) rather than guess.
 */

/** One `path "<glob>" { capabilities = [...] }` rule. */
export interface VaultPathRule {
  readonly path: string;
  readonly capabilities: readonly string[];
}

/** The policy text could not be read; the message names the line or the JSON field. */
export class VaultPolicyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VaultPolicyParseError";
  }
}

function stripHclComments(text: string): string {
  // Block comments first, then line comments outside strings (policy paths never contain '#' or '//').
  return text
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .split("\n")
    .map((line) => line.replace(/(#|\/\/).*$/, ""))
    .join("\n");
}

function blockBody(text: string, open: number): { body: string; end: number } {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) return { body: text.slice(open + 1, i), end: i };
    }
  }
  const line = text.slice(0, open).split("\n").length;
  throw new VaultPolicyParseError(`unclosed block starting on line ${line}`);
}

function capabilitiesIn(body: string): string[] {
  const match = /capabilities\s*=\s*\[([^\]]*)\]/.exec(body);
  if (!match) return [];
  return [...(match[1] ?? "").matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? "");
}

function parseHcl(text: string): VaultPathRule[] {
  const clean = stripHclComments(text);
  const rules: VaultPathRule[] = [];
  const header = /\bpath\s+"([^"]*)"\s*\{/g;
  let match: RegExpExecArray | null;
  while ((match = header.exec(clean)) !== null) {
    const open = match.index + match[0].length - 1;
    const { body, end } = blockBody(clean, open);
    rules.push({ path: match[1] ?? "", capabilities: capabilitiesIn(body) });
    header.lastIndex = end + 1;
  }
  return rules;
}

function parseJson(text: string): VaultPathRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new VaultPolicyParseError(`policy starts with '{' but is not valid JSON (${(err as Error).message})`);
  }
  const paths = (parsed as { path?: unknown }).path;
  if (typeof paths !== "object" || paths === null || Array.isArray(paths)) {
    throw new VaultPolicyParseError('JSON policy must have a "path" object');
  }
  return Object.entries(paths as Record<string, unknown>).map(([path, rule]) => {
    const caps = (rule as { capabilities?: unknown } | null)?.capabilities;
    const capabilities = Array.isArray(caps) ? caps.filter((c): c is string => typeof c === "string") : [];
    return { path, capabilities };
  });
}

/**
 * Returns every path rule of a Vault policy in document order.
 *
 * @throws VaultPolicyParseError on invalid JSON or an unclosed HCL block.
 */
export function parseVaultPolicyPaths(policy: string): VaultPathRule[] {
  return policy.trimStart().startsWith("{") ? parseJson(policy) : parseHcl(policy);
}

/** True when the path uses Vault's glob (`*`, only allowed at the end) or segment wildcard (`+`). */
export function isWildcardVaultPath(path: string): boolean {
  return path.includes("*") || path.split("/").includes("+");
}
