import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { combineSides, compareForests, parseOtherSideLine, RESTORES_PER_REP, type OtherSide } from "./forestAb";

const HELP = `usage: node bin/run-ts.js bench/forestAbMain.ts --against DIR [options]

Times this checkout's StreamingForest against another checkout's (DIR, e.g. a git worktree of main) in one
process, on the bench's forest data (5 inputs shingled to the dimension, 50 trees x 256 samples), alternating
the two engines rep by rep and keeping each one's fastest rep. Time is the process's CPU time, so a busy machine
slows both alike instead of whichever ran in a bad minute: differences of 5-10 % show, where two runs of
\`npm run bench\` differ by more than that. Prints one JSON line per dimension: points (restores) per second of each, the gain
(this / against), whether every score of the two was bit-identical (sameScores), and if not how many points
differed and by how much at most (differingScores, maxRelativeDifference).

The checkout it runs from tends to come out ahead (itself against itself: 1.03-1.11x on 2026-12-04), so time a
change from both sides: --both-sides then runs DIR's own copy of this tool against this checkout and adds the
other side's gain (gainFromOtherSide) and the two combined, sqrt(gain / gainFromOtherSide) (gainBothSides).

Options:
  --against DIR   checkout to compare with (its runtime/model/streamingForest.ts)       (required)
  --dims LIST     dimensions, from 5, 20, 40, 80 (default 5,20,40,80)
  --mode MODE     fresh: a fresh forest's score then update per point (the bench's timed pass);
                  score: score-only on a forest full after --points updates;
                  restore: that full forest's state restored ${RESTORES_PER_REP} times per rep (restores per
                  second; the restored forests then score the next --points points, for the bit-identical
                  check) (default fresh)
  --points N      points per rep (default 6000)
  --reps N        reps per engine (default 7)
  --both-sides    also time from DIR (its bench/forestAbMain.ts against this checkout) and combine
  -h, --help      this help
`;

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      against: { type: "string" },
      dims: { type: "string", default: "5,20,40,80" },
      mode: { type: "string", default: "fresh" },
      points: { type: "string", default: "6000" },
      reps: { type: "string", default: "7" },
      "both-sides": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (!values.against) throw new Error("--against DIR is required (see --help)");
  const dims = values.dims.split(",").map(Number);
  if (dims.some((d) => ![5, 20, 40, 80].includes(d))) throw new Error(`--dims takes a comma-separated list of 5, 20, 40, 80, got "${values.dims}"`);
  const mode = values.mode;
  if (mode !== "fresh" && mode !== "score" && mode !== "restore") throw new Error(`--mode must be fresh, score or restore, got "${mode}"`);
  const options = { against: values.against, dims, mode, points: positive("--points", values.points), reps: positive("--reps", values.reps) } as const;
  if (!values["both-sides"]) {
    for (const line of compareForests(options)) process.stdout.write(`${JSON.stringify(line)}\n`);
    return;
  }
  const here = [...compareForests(options)];
  const there = otherSide(values.against, ["--dims", values.dims, "--mode", mode, "--points", values.points, "--reps", values.reps]);
  for (const line of combineSides(here, there)) process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Runs `dir`'s copy of this tool against this checkout with `args`; its JSON lines. */
function otherSide(dir: string, args: readonly string[]): OtherSide[] {
  const root = join(__dirname, "..");
  const tool = join(dir, "bench", "forestAbMain.ts");
  const run = spawnSync(process.execPath, [join(dir, "bin", "run-ts.js"), tool, "--against", root, ...args], { cwd: dir, encoding: "utf8" });
  if (run.error) throw new Error(`could not run ${tool}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`${tool} --against ${root} exited ${run.status}: ${run.stderr.trim()}`);
  return run.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map(parseOtherSideLine);
}

try {
  main();
} catch (e) {
  process.stderr.write(`forestAb: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
