/**
 * `npm run bench`: our engine beside the Java reference (Random Cut Forest 4.3), measured in this run on the same
 * data and protocol, and the cost of one detect-handler run. `npm run bench -- --help` lists the options.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchCliStartup, cliStartupUnavailable } from "./cliStartupBench";
import { benchDetectHandler } from "./detectHandlerBench";
import { benchDetectRun } from "./detectRunBench";
import { benchFanOut } from "./fanOutBench";
import { runBench, type BenchLine, type BenchOptions } from "./runBench";
import { formatTable } from "./benchTable";
import { JavaReference, type JavaUnavailable } from "./javaReference";

const HELP = `usage: npm run bench -- [options]

Runs our streaming forest and detector beside the Java reference (aws/random-cut-forest-by-aws 4.3, from
../shared/tools/java-rcf, in one JVM) on the same generated data, with the same protocol: a warm-up pass, then
a fresh model timed. Each engine's figure is the fastest of --rounds rounds (rounds alternate the engines, so
a busy minute slows both); ratios divide those. Without Java the Java columns say why.

Lines (--json: one JSON object per line):
  forest    dims 5, 20, 40, 80 (5 inputs shingled 1, 4, 8, 16), 50 trees x 256 samples: score+update per second,
            and memory (ours: typed-array bytes of the forest, plus what the process retains for it; Java: the
            heap it retains)
  detector  the whole detector, ours with the shipped settings at shingle 8 against ThresholdedRandomCutForest with OpenSearch
            Anomaly Detection's single-stream settings, on one series and on a 5-metric stream: steps per second
  detect-handler  one detect-handler run over 500 containers x 10 metrics x 60 steps (embedded scorer)
  detect-run      one scheduled detect run (5 steps) of 500 containers x 7 metrics from a cold start: compute,
                  detector state bytes (models and per container) and load + save time (medians of 3 runs)
  cli-startup     \`node bin/cad.js --help\` and \`npx cad --help\` from spawn to exit (one line each), ms: median, min and
                  max of 5 runs after a warm-up
                  (the compiled CLI: run \`npm run build\` first if dist/ is stale)
  fan-out         one 5-minute cycle of the fan-out (planner, in-process FIFO queue, detector workers, in-memory
                  adapters) over --services services of 20 containers x 7 metrics, each service's state decoded
                  (a process keeps only its last 32 detectors): wall time, per-service p50/p95, state bytes in total

Options:
  --json          JSON lines instead of tables
  --points N      stream length of each forest case (default 20000; the warm-up pass is the first quarter)
  --steps N       stream length of each detector case (default 6000)
  --rounds N      rounds per case (default 3)
  --dims LIST     forest dimensions to run, from 5, 20, 40, 80 (default all)
  --java-rcf DIR  folder of randomcutforest-4.3.0.jar (default ../shared/tools/java-rcf; env CAD_JAVA_RCF)
  --no-java       skip the Java reference
  --no-handler    skip the detect-handler and detect-run lines
  --no-cli        skip the cli-startup lines
  --services N    services in the fan-out line (default 1000)
  --workers N     in-process workers in the fan-out line (default 1: per-service times are then pure compute)
  --fan-out-only  run only the fan-out line
  -h, --help      this help
`;

interface Args extends BenchOptions {
  readonly json: boolean;
  readonly javaDir: string | undefined;
  readonly java: boolean;
  readonly handler: boolean;
  readonly cli: boolean;
  readonly services: number;
  readonly workers: number;
  readonly fanOutOnly: boolean;
}

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value ?? ""}"`);
  return n;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args | "help" {
  let json = false;
  let points = 20_000;
  let steps = 6_000;
  let rounds = 3;
  let dims = [5, 20, 40, 80];
  let javaDir: string | undefined;
  let java = true;
  let handler = true;
  let cli = true;
  let services = 1000;
  let workers = 1;
  let fanOutOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return "help";
    else if (a === "--json") json = true;
    else if (a === "--points") points = positive(a, argv[++i]);
    else if (a === "--steps") steps = positive(a, argv[++i]);
    else if (a === "--rounds") rounds = positive(a, argv[++i]);
    else if (a === "--dims") {
      const v = argv[++i] ?? "";
      dims = v.split(",").map(Number);
      if (dims.some((d) => ![5, 20, 40, 80].includes(d))) throw new UsageError(`--dims takes a comma-separated list of 5, 20, 40, 80, got "${v}"`);
    } else if (a === "--java-rcf") javaDir = argv[++i];
    else if (a === "--no-java") java = false;
    else if (a === "--no-handler") handler = false;
    else if (a === "--no-cli") cli = false;
    else if (a === "--services") services = positive(a, argv[++i]);
    else if (a === "--workers") workers = positive(a, argv[++i]);
    else if (a === "--fan-out-only") fanOutOnly = true;
    else throw new UsageError(`unknown option "${a}" (see --help)`);
  }
  return { json, points, steps, rounds, dims, trees: 50, sampleSize: 256, javaDir, java, handler, cli, services, workers, fanOutOnly };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args === "help") {
    process.stdout.write(HELP);
    return;
  }
  if (args.fanOutOnly) {
    await printFanOut(args);
    return;
  }
  const java: JavaReference | JavaUnavailable = args.java ? await JavaReference.start(args.javaDir) : { available: false, reason: "skipped (--no-java)" };
  const dir = mkdtempSync(join(tmpdir(), "cad-bench-"));
  const lines: BenchLine[] = [];
  try {
    const progress = args.json || !process.stderr.isTTY ? undefined : (what: string) => process.stderr.write(`\r\x1b[Kbench: ${what}`);
    for await (const line of runBench(args, java, dir, progress)) {
      lines.push(line);
      if (args.json) process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    if (progress) process.stderr.write("\r\x1b[K");
  } finally {
    if (java.available) await java.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (!args.json) process.stdout.write(`${formatTable(lines, java)}\n`);
  if (args.cli) {
    for (const how of ["node", "npx"] as const) {
      const unavailable = cliStartupUnavailable(how);
      if (unavailable !== undefined) {
        process.stderr.write(`bench: no cli-startup line for ${how}: ${unavailable}\n`);
        continue;
      }
      const c = benchCliStartup(how);
      if (args.json) process.stdout.write(`${JSON.stringify(c)}\n`);
      else process.stdout.write(`${how === "node" ? "\n" : ""}cli start-up: ${c.command} ${c.medianMs.toFixed(0)} ms (median of ${c.runs}; ${c.minMs.toFixed(0)}–${c.maxMs.toFixed(0)} ms)\n`);
    }
  }
  if (!args.handler) return;
  const h = await benchDetectHandler();
  if (args.json) process.stdout.write(`${JSON.stringify(h)}\n`);
  else
    process.stdout.write(
      `\ndetect handler, embedded scorer: ${h.containers} containers × ${h.metrics} metrics × ${h.steps} steps = ${h.msPerInvocation.toFixed(0)} ms per invocation ` +
        `(${Math.round(h.rowsPerSec).toLocaleString("en-US")} rows/s; mean of ${h.invocations} after a warm-up)\n`,
    );
  const r = await benchDetectRun();
  if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else
    process.stdout.write(
      `detect run (5 steps, ${r.containers} containers × ${r.metrics} metrics, embedded): ${r.computeMs} ms compute, state ${(r.stateBytes / 1024).toFixed(0)} KiB ` +
        `(models ${(r.modelBytes / 1024).toFixed(0)} KiB, ${r.stateBytesPerContainer} bytes per container), load + save ${r.loadSaveMs} ms (medians of ${r.runs} cold-start runs)\n`,
    );
  await printFanOut(args);
}

async function printFanOut(args: Args): Promise<void> {
  const f = await benchFanOut(args.services, args.workers);
  if (args.json) process.stdout.write(`${JSON.stringify(f)}\n`);
  else
    process.stdout.write(
      `fan-out (one 5-minute cycle, ${f.services} services × ${f.containersPerService} containers × ${f.metrics} metrics, ${f.steps} steps, ${f.workers} worker(s)): ${f.wallMs} ms wall, ` +
        `per service p50 ${f.p50ServiceMs} ms, p95 ${f.p95ServiceMs} ms, state ${(f.stateBytesTotal / 1024 / 1024).toFixed(1)} MiB in total\n`,
    );
}

void main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
});
