/**
 * Runs the program's generated Lambda code archives the way Lambda would: the emitter (test/helpers/
 * emitFunctionArchives.ts) in a child process under the language host's loader, then each bundled `index.js` in a
 * task root holding only it and the runtime's AWS SDK, required with the deployed environment.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArchivesReport, FunctionArchiveReport } from "./emitFunctionArchives";
import { withEnv } from "./collectorEnvironment";
import { REPO_ROOT } from "./pulumiMocks";
import { LANGUAGE_HOST_MS } from "./timeouts";

/** A scratch directory for emitted archives and task roots (the caller removes it). */
export function archiveWorkDir(): string {
  return mkdtempSync(join(tmpdir(), "cad-archives-"));
}

/**
 * Runs the emitter in a child process. `typeCheck` false sets TS_NODE_TRANSPILE_ONLY (what the language host
 * does with PULUMI_NODEJS_TRANSPILE_ONLY=true); the default run type-checks like `pulumi up` does by default.
 */
export function emit(outDir: string, overrides: Record<string, unknown> = {}, typeCheck = true): ArchivesReport {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register", join("test", "helpers", "emitFunctionArchives.ts"), outDir, JSON.stringify(overrides)],
    { cwd: REPO_ROOT, env: { ...process.env, TS_NODE_PROJECT: join(REPO_ROOT, "tsconfig.json"), TS_NODE_TRANSPILE_ONLY: typeCheck ? "false" : "true" }, encoding: "utf8", timeout: LANGUAGE_HOST_MS },
  );
  if (result.status !== 0) throw new Error(`emitFunctionArchives failed (${String(result.status)}):\n${result.stderr}${result.stdout}`);
  return JSON.parse(readFileSync(join(outDir, "report.json"), "utf8")) as ArchivesReport;
}

export function fn(r: ArchivesReport, name: string): FunctionArchiveReport {
  const found = r.functions.find((f) => f.name === name);
  if (!found) throw new Error(`no function ${name} in the report: ${r.functions.map((f) => f.name).join(", ")}`);
  return found;
}

/** Lays out a Lambda task root under `work`: the archive's index.js and, as the nodejs24.x runtime provides it, the AWS SDK v3. */
export function taskRoot(work: string, f: FunctionArchiveReport): string {
  mkdirSync(join(work, "task"), { recursive: true });
  const root = mkdtempSync(join(work, "task", `${f.name}-`));
  mkdirSync(join(root, "node_modules"));
  writeFileSync(join(root, "index.js"), readFileSync(f.indexPath));
  symlinkSync(join(REPO_ROOT, "node_modules", "@aws-sdk"), join(root, "node_modules", "@aws-sdk"), "dir");
  return root;
}

type Handler = (event: unknown, context?: unknown) => Promise<Record<string, unknown>>;

/**
 * Requires the generated module with `env` in process.env (its factory runs at load, once per "cold start") and
 * calls its handler with each event while the environment is still in place. Returns the results in order.
 */
export async function runArchive(work: string, f: FunctionArchiveReport, env: Readonly<Record<string, string>>, events: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const root = taskRoot(work, f);
  return withEnv(env, async () => {
    const handler = (createRequire(join(root, "index.js"))(join(root, "index.js")) as { handler: Handler }).handler;
    const results: Record<string, unknown>[] = [];
    for (const event of events) results.push(await handler(event, {}));
    return results;
  });
}
