import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { StreamingForest } from "../runtime/model/streamingForest";
import { normalMixture, shingled } from "./benchData";

const HELP = `usage: node bin/run-ts.js bench/forestAb.ts --against DIR [options]

Times this checkout's StreamingForest against another checkout's (DIR, e.g. a git worktree of main) in one
process, on the bench's forest data (5 inputs shingled to the dimension, 50 trees x 256 samples), alternating
the two engines rep by rep and keeping each one's fastest rep. Time is the process's CPU time, so a busy machine
slows both alike instead of whichever ran in a bad minute: small differences (a few %) show, where two runs of
\`npm run bench\` differ by more than that. Prints one JSON line per dimension: points per second of each, the gain
(this / against) and whether the two gave bit-identical scores.

Options:
  --against DIR   checkout to compare with (its runtime/model/streamingForest.ts)       (required)
  --dims LIST     dimensions, from 5, 20, 40, 80 (default 5,20,40,80)
  --mode MODE     fresh: a fresh forest's score then update per point (the bench's timed pass);
                  score: score-only on a forest full after --points updates (default fresh)
  --points N      points per rep (default 6000)
  --reps N        reps per engine (default 7)
  -h, --help      this help
`;

type Forest = Pick<StreamingForest, "score" | "update">;
type ForestClass = new (options: { dimensions: number; numTrees: number; sampleSize: number; seed: number }) => Forest;

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Seconds of CPU for one rep of `mode` on a forest of class `F`; adds its scores to `sums[0]`. */
function rep(F: ForestClass, mode: string, dims: number, warm: readonly Float64Array[], pts: readonly Float64Array[], sums: Float64Array): number {
  const f = new F({ dimensions: dims, numTrees: 50, sampleSize: 256, seed: 7 });
  let sum = 0;
  if (mode === "score") {
    for (const p of warm) f.update(p);
    const t0 = cpuMs();
    for (const p of pts) sum += f.score(p);
    sums[0] += sum;
    return cpuMs() - t0;
  }
  const t0 = cpuMs();
  for (const p of pts) {
    sum += f.score(p);
    f.update(p);
  }
  sums[0] += sum;
  return cpuMs() - t0;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      against: { type: "string" },
      dims: { type: "string", default: "5,20,40,80" },
      mode: { type: "string", default: "fresh" },
      points: { type: "string", default: "6000" },
      reps: { type: "string", default: "7" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (!values.against) throw new Error("--against DIR is required (see --help)");
  const file = join(resolve(values.against), "runtime/model/streamingForest.ts");
  if (!existsSync(file)) throw new Error(`--against: no ${file}`);
  const dimsList = values.dims.split(",").map(Number);
  if (dimsList.some((d) => ![5, 20, 40, 80].includes(d))) throw new Error(`--dims takes a comma-separated list of 5, 20, 40, 80, got "${values.dims}"`);
  if (values.mode !== "fresh" && values.mode !== "score") throw new Error(`--mode must be fresh or score, got "${values.mode}"`);
  const points = positive("--points", values.points);
  const reps = positive("--reps", values.reps);
  const Against = (createRequire(__filename)(file) as { StreamingForest: ForestClass }).StreamingForest;
  const engines: [string, ForestClass][] = [
    ["this", StreamingForest],
    ["against", Against],
  ];
  for (const dims of dimsList) {
    const shingle = dims / 5;
    const all = shingled(normalMixture(5, 2 * points + shingle - 1, 7), shingle);
    const warm = all.slice(0, points);
    const pts = values.mode === "score" ? all.slice(points) : warm;
    const best = [Infinity, Infinity];
    const sums = [new Float64Array(1), new Float64Array(1)];
    for (let r = 0; r < reps; r++) {
      // Alternate which engine goes first, so neither always runs right after the other's garbage.
      for (const i of r % 2 ? [1, 0] : [0, 1]) best[i] = Math.min(best[i], rep(engines[i][1], values.mode, dims, warm, pts, sums[i]));
    }
    const perSec = best.map((ms) => Math.round((points * 1000) / ms));
    const line = { name: "forest-ab", dims, mode: values.mode, points, reps, thisPerSec: perSec[0], againstPerSec: perSec[1], gain: Math.round((best[1] / best[0]) * 1000) / 1000, sameScores: sums[0][0] === sums[1][0] };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`forestAb: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
