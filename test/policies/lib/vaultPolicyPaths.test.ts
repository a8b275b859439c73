import { describe, expect, it } from "vitest";
import { isWildcardVaultPath, parseVaultPolicyPaths, VaultPolicyParseError } from "../../../policies/lib/vaultPolicyPaths";

describe("parseVaultPolicyPaths", () => {
  it("reads HCL path blocks with capabilities, ignoring comments and nested blocks", () => {
    const hcl = `
# Splunk credentials for the collector
path "kv/data/cad/splunk" {
  capabilities = ["read"]
}
/* the Dynatrace token */
path "kv/data/cad/dynatrace" {
  capabilities = ["read", "list"] // listing for rotation
  allowed_parameters = {
    "version" = []
  }
}
`;
    expect(parseVaultPolicyPaths(hcl)).toEqual([
      { path: "kv/data/cad/splunk", capabilities: ["read"] },
      { path: "kv/data/cad/dynatrace", capabilities: ["read", "list"] },
    ]);
  });

  it("reads the JSON form", () => {
    const json = JSON.stringify({ path: { "kv/data/cad/splunk": { capabilities: ["read"] }, "sys/*": { capabilities: ["sudo"] } } });
    expect(parseVaultPolicyPaths(json)).toEqual([
      { path: "kv/data/cad/splunk", capabilities: ["read"] },
      { path: "sys/*", capabilities: ["sudo"] },
    ]);
  });

  it("returns no rules for a policy without path blocks", () => {
    expect(parseVaultPolicyPaths("# empty")).toEqual([]);
  });

  it("fails on an unclosed block, naming its line", () => {
    expect(() => parseVaultPolicyPaths('\n\npath "kv/x" {\n capabilities = ["read"]\n')).toThrow(new VaultPolicyParseError("unclosed block starting on line 3"));
  });

  it("fails on broken JSON and on JSON without a path object", () => {
    expect(() => parseVaultPolicyPaths("{ nope")).toThrow(/not valid JSON/);
    expect(() => parseVaultPolicyPaths('{"paths": {}}')).toThrow(/must have a "path" object/);
  });
});

describe("isWildcardVaultPath", () => {
  it.each([
    ["kv/data/cad/*", true],
    ["*", true],
    ["kv/data/+/splunk", true],
    ["kv/data/cad/splunk", false],
    ["kv/data/cad+x/splunk", false],
  ])("%s → %s", (path, wildcard) => expect(isWildcardVaultPath(path)).toBe(wildcard));
});
