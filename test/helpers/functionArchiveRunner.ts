/**
 * Runs the program's generated Lambda code archives the way Lambda would: the emitter (test/helpers/
 * emitFunctionArchives.ts) in a child process under the language host's loader, then each `__index.js` in a task
 * root holding exactly the archive's packages plus the runtime's AWS SDK, required with the deployed environment.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

/** Lays out a Lambda task root under `work`: __index.js + node_modules with exactly the archive's packages and the runtime's SDK. */
function taskRoot(work: string, f: FunctionArchiveReport): string {
  mkdirSync(join(work, "task"), { recursive: true });
  const root = mkdtempSync(join(work, "task", `${f.name}-`));
  mkdirSync(join(root, "node_modules"));
  writeFileSync(join(root, "__index.js"), readFileSync(f.indexPath));
  for (const entry of [...f.packages, "node_modules/@aws-sdk"]) {
    // A worktree whose node_modules is a symlink gets entries like ../main/node_modules/x: in the task root they
    // belong under its own node_modules, as in the archive Lambda unpacks.
    const inRoot = join(root, entry.slice(entry.indexOf("node_modules/")));
    mkdirSync(dirname(inRoot), { recursive: true });
    symlinkSync(join(REPO_ROOT, entry), inRoot, "dir");
  }
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
    const handler = (createRequire(join(root, "__index.js"))(join(root, "__index.js")) as { handler: Handler }).handler;
    const results: Record<string, unknown>[] = [];
    for (const event of events) results.push(await handler(event, {}));
    return results;
  });
}
