/**
 * Vitest global set-up: tests that spawn `bin/cad.js` run the compiled CLI in dist/, so compile it first when it is
 * missing or older than the sources under test (a no-op right after `npm ci`, which builds it).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { distProblem } from "../../bin/distFreshness";

const ROOT = join(__dirname, "..", "..");

export default function setup(): void {
  const problem = distProblem();
  if (problem === "") return;
  process.stderr.write(`${problem}: compiling (npm run build)\n`);
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "build.js")], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}): the CLI tests would run a stale dist/`);
}
