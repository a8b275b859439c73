/**
 * Child-process script: runs the program under mocks exactly the way Pulumi's nodejs language host runs it —
 * `node -r ts-node/register` with the repo's tsconfig.json (CommonJS, type-checked) — and writes, for every
 * Lambda function, the generated `__index.js` of its code archive plus a report (archive contents, sizes,
 * environment, secret scan) to the directory given as first argument.
 *
 * Usage: TS_NODE_PROJECT=tsconfig.json node -r ts-node/register test/helpers/emitFunctionArchives.ts <outDir> [configOverridesJson]
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { ofType, runProgram } from "./pulumiMocks";
import { SECRET_KEYS, TEST_SECRETS, devStackConfig } from "./stackConfig";

/** What the report says about one function's code archive. */
export interface FunctionArchiveReport {
  readonly name: string;
  /** Path of the written `__index.js`. */
  readonly indexPath: string;
  /** Archive entries other than `__index.js` (the zipped packages). */
  readonly packages: readonly string[];
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

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((entry) => filesUnder(join(path, entry)));
}

async function entryText(entry: unknown): Promise<string | undefined> {
  const text = (entry as { text?: Promise<string> }).text;
  return text === undefined ? undefined : await text;
}

async function entryPath(entry: unknown): Promise<string | undefined> {
  const path = (entry as { path?: Promise<string> }).path;
  return path === undefined ? undefined : await path;
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
    const index = await entryText(assets["__index.js"]);
    if (index === undefined) throw new Error(`${fn.name}: the code archive has no __index.js`);
    writeFileSync(join(dir, "__index.js"), index);
    scan(Buffer.from(index), "__index.js");
    const packages = Object.keys(assets).filter((k) => k !== "__index.js").sort();
    for (const key of packages) {
      const path = await entryPath(assets[key]);
      if (path === undefined) throw new Error(`${fn.name}: archive entry ${key} is neither text nor a file path`);
      for (const file of filesUnder(path)) scan(readFileSync(file), file);
    }
    const env = (fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
    functions.push({ name: fn.name, indexPath: join(dir, "__index.js"), packages, fileCount, bytes, deflatedBytes, environment: env, secretHits });
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
