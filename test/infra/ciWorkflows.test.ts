/** The CI workflows run what the docs say, with what their tokens can do. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/pulumiMocks";

const yaml = createRequire(join(REPO_ROOT, "package.json"))("js-yaml") as { load(text: string): unknown };

interface Step {
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}
const steps = (file: string): Step[] => {
  const workflow = yaml.load(readFileSync(join(REPO_ROOT, ".github", "workflows", file), "utf8")) as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
};

describe("preview.yml", () => {
  const pulumi = steps("preview.yml").find((s) => s.uses?.startsWith("pulumi/actions@"));

  it("previews with the policy pack and the dev stack's policy config", () => {
    expect(pulumi?.with).toMatchObject({ command: "preview", policyPacks: "policies", policyPackConfigs: "policies/config/dev.json" });
  });

  // Issue 16, item 5: the Vault provider creates a child token by default, which a read-only preview token cannot.
  it("lets the Vault provider use the read-only token as given instead of creating a child token", () => {
    expect(pulumi?.env).toMatchObject({ VAULT_TOKEN: "${{ secrets.VAULT_TOKEN }}", TERRAFORM_VAULT_SKIP_CHILD_TOKEN: "true" });
  });
});
