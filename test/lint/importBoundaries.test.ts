import { join } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const eslint = new ESLint({ cwd: ROOT });

const SOURCE = `import { S3Client } from "@aws-sdk/client-s3";
import * as pulumi from "@pulumi/pulumi";
export const client = new S3Client({});
export const stack = pulumi.getStack();
`;

async function restricted(filePath: string, code = SOURCE): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => `${m.line}: ${m.message}`);
}

describe("lint: import boundaries (eslint.config.mjs)", () => {
  it("runtime's pure core imports neither the AWS SDK nor Pulumi", async () => {
    for (const file of ["runtime/model/x.ts", "runtime/features/x.ts", "runtime/detection/x.ts"]) {
      const messages = await restricted(file);
      expect(messages).toHaveLength(2);
      expect(messages[0]).toMatch(/^1: '@aws-sdk\/client-s3' import is restricted .*runtime's pure core \(model, features, detection, decisions\) imports no AWS SDK/);
      expect(messages[1]).toMatch(/^2: '@pulumi\/pulumi' import is restricted .*runtime\/ runs inside Lambdas and the CLI: it must never import Pulumi/);
    }
  });

  it("the pure core imports no adapter or handler either", async () => {
    const messages = await restricted("runtime/detection/x.ts", `import { MemoryStateStore } from "../adapters/memory/MemoryStateStore";\nexport const s = new MemoryStateStore();\n`);
    expect(messages).toEqual([expect.stringMatching(/^1: '\.\.\/adapters\/memory\/MemoryStateStore' import is restricted/)]);
  });

  it("runtime/adapters may import the AWS SDK, but not Pulumi", async () => {
    const messages = await restricted("runtime/adapters/s3/x.ts");
    expect(messages).toEqual([expect.stringMatching(/^2: '@pulumi\/pulumi' import is restricted/)]);
  });

  it("infra/ may import both", async () => {
    expect(await restricted("infra/x.ts")).toEqual([]);
  });
});
