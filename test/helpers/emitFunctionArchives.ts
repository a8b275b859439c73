/**
 * Child-process script: runs the program under mocks exactly the way Pulumi's nodejs language host runs it —
 * `node -r ts-node/register` with the repo's tsconfig.json (CommonJS, type-checked) — and writes, for every
 * Lambda function, the bundled `index.js` of its code archive (infra/lambdaBundle.ts) plus a report (archive
 * entries, the packages the bundle still requires, sizes, environment, secret scan) to the directory given as first argument.
 *
 * Usage: TS_NODE_PROJECT=tsconfig.json node -r ts-node/register test/helpers/emitFunctionArchives.ts <outDir> [configOverridesJson]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { bundledPackages, requiredModules } from "./bundleContents";
import { ofType, runProgram } from "./pulumiMocks";
import { SECRET_KEYS, TEST_SECRETS, devStackConfig } from "./stackConfig";

/** What the report says about one function's code archive. */
export interface FunctionArchiveReport {
  readonly name: string;
  /** Path of the written `index.js`. */
  readonly indexPath: string;
  /** Every entry of the code archive. */
  readonly entries: readonly string[];
  /** Modules `index.js` requires that are not Node built-ins: what the runtime must provide. */
  readonly requires: readonly string[];
  /** Packages whose code is inside `index.js` (from esbuild's `// node_modules/<package>/…` file markers). */
  readonly bundled: readonly string[];
  readonly fileCount: number;
  /** Sum of the archive's file sizes, bytes. */
  readonly bytes: number;
  /** Sum of the files' raw-deflated sizes, bytes: close to the zip Pulumi uploads. */
  readonly deflatedBytes: number;
  /** Environment variables the function is deployed with. */
  readonly environment: Readonly<Record<string, string>>;
  /** `<config key> in <file>` for every test secret found in the archive. */
  readonly secretHits: readonly string[];
}

export interface ArchivesReport {
  readonly functions: readonly FunctionArchiveReport[];
}

interface ArchiveLike {
  readonly assets: Promise<Record<string, unknown>>;
}

async function entryText(entry: unknown): Promise<string | undefined> {
  const text = (entry as { text?: Promise<string> }).text;
  return text === undefined ? undefined : await text;
}

async function main(outDir: string, overrides: Record<string, unknown>): Promise<void> {
  const run = await runProgram({ config: devStackConfig(overrides), secretKeys: SECRET_KEYS, typeCheck: true });
  const secrets = Object.entries(TEST_SECRETS);
  const functions: FunctionArchiveReport[] = [];
  for (const fn of ofType(run, "aws:lambda/function:Function")) {
    const assets = await (fn.inputs.code as ArchiveLike).assets;
    const dir = join(outDir, fn.name);
    mkdirSync(dir, { recursive: true });
    let fileCount = 0;
    let bytes = 0;
    let deflatedBytes = 0;
    const secretHits: string[] = [];
    const scan = (content: Buffer, file: string): void => {
      fileCount += 1;
      bytes += content.length;
      deflatedBytes += deflateRawSync(content).length;
      for (const [key, value] of secrets) if (content.includes(value)) secretHits.push(`${key} in ${file}`);
    };
    const entries = Object.keys(assets).sort();
    for (const key of entries) {
      const text = await entryText(assets[key]);
      if (text === undefined) throw new Error(`${fn.name}: archive entry ${key} is not text`);
      writeFileSync(join(dir, key), text);
      scan(Buffer.from(text), key);
    }
    const index = await entryText(assets["index.js"]);
    if (index === undefined) throw new Error(`${fn.name}: the code archive has no index.js (entries: ${entries.join(", ")})`);
    const env = (fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
    functions.push({ name: fn.name, indexPath: join(dir, "index.js"), entries, requires: requiredModules(index), bundled: bundledPackages(index), fileCount, bytes, deflatedBytes, environment: env, secretHits });
  }
  const report: ArchivesReport = { functions };
  writeFileSync(join(outDir, "report.json"), JSON.stringify(report, null, 2));
}

const [outDir, overridesJson] = process.argv.slice(2);
if (outDir === undefined) {
  console.error("usage: emitFunctionArchives.ts <outDir> [configOverridesJson]");
  process.exit(2);
}
main(outDir, overridesJson === undefined ? {} : (JSON.parse(overridesJson) as Record<string, unknown>)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
