import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** The `cli-startup` lines of `npm run bench -- --json`: one per way of starting the CLI. */
export interface CliStartupResult {
  readonly name: "cli-startup";
  /** What was run, as a user types it. */
  readonly command: string;
  /** Wall time from spawning the command to its exit, ms: median, fastest and slowest of `runs`. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

const ROOT = join(__dirname, "..");

/** The two ways the README starts the CLI: the compiled entry point itself, and npx (npm's own start on top). */
export const CLI_STARTS = {
  node: { command: "node bin/cad.js --help", file: process.execPath, args: [join(ROOT, "bin", "cad.js"), "--help"] },
  npx: { command: "npx cad --help", file: "npx", args: ["cad", "--help"] },
} as const;

/**
 * Start-up cost of the `cad` CLI: the command spawned `runs` times from the repository's root after one untimed run
 * that warms the file cache. `node` needs the compiled CLI (`npm run build`); `npx` also needs `npm ci`'s link
 * node_modules/.bin/cad (the devDependency `cad-cli`, bin/package.json).
 *
 * @throws Error with the command's stderr when a run fails (e.g. dist/ missing).
 */
export function benchCliStartup(how: keyof typeof CLI_STARTS = "node", runs = 5): CliStartupResult {
  const start = CLI_STARTS[how];
  const once = (): number => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(start.file, start.args, { cwd: ROOT, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${start.command} exited ${r.status ?? r.signal ?? r.error?.message}: ${(r.stderr ?? "").trim()}`);
    // npx falls back to installing a package named `cad` from the registry when the link is missing: refuse that.
    if (!r.stdout.startsWith("Usage: cad")) throw new Error(`${start.command} did not print cad's help (is node_modules/.bin/cad linked? run npm ci): ${r.stdout.slice(0, 200)}`);
    return ms;
  };
  once();
  const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
  return { name: "cli-startup", command: start.command, medianMs: times[(times.length - 1) >> 1], minMs: times[0], maxMs: times[times.length - 1], runs };
}
