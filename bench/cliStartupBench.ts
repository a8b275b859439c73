import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** The `cli-startup` line of `npm run bench -- --json`. */
export interface CliStartupResult {
  readonly name: "cli-startup";
  /** What was run, as a user types it. */
  readonly command: string;
  /** Wall time from spawning `node bin/cad.js --help` to its exit, ms: median, fastest and slowest of `runs`. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

const CAD = join(__dirname, "..", "bin", "cad.js");

/**
 * Start-up cost of the `cad` CLI: `node bin/cad.js --help` (what `npx cad --help` runs, without npx's own start)
 * spawned `runs` times after one untimed run that warms the file cache. Needs the compiled CLI (`npm run build`).
 *
 * @throws Error with the CLI's stderr when a run fails (e.g. dist/ missing).
 */
export function benchCliStartup(runs = 5): CliStartupResult {
  const once = (): number => {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [CAD, "--help"], { encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`node bin/cad.js --help exited ${r.status}: ${r.stderr.trim()}`);
    return ms;
  };
  once();
  const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
  return { name: "cli-startup", command: "cad --help", medianMs: times[(times.length - 1) >> 1], minMs: times[0], maxMs: times[times.length - 1], runs };
}
