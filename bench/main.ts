/**
 * `npm run bench` — throughput of the streaming forest and the detector (table), or with `--json` one JSON
 * object per case per line. `--points N` sets the measured points per case (default 100,000). The last cases are
 * one detect-handler invocation over 500 containers × 10 metrics × 60 steps with the embedded scorer, and one
 * scheduled detect run (5 steps) of 500 containers × 7 metrics: compute, state size, load + save.
 */
import { SingleBar, Presets } from "cli-progress";
import { benchDetectHandler } from "./detectHandlerBench";
import { benchDetectRun } from "./detectRunBench";
import { runBenchCase, type BenchCase, type BenchResult } from "./forestBench";

function parseArgs(argv: readonly string[]): { json: boolean; points: number } {
  let json = false;
  let points = 100_000;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--json") json = true;
    else if (argv[i] === "--points") {
      points = Number(argv[++i]);
      if (!Number.isInteger(points) || points < 1) throw new Error(`--points must be a positive integer, got "${argv[i]}"`);
    } else throw new Error(`unknown argument "${argv[i]}" (expected --json, --points N)`);
  }
  return { json, points };
}

function table(results: readonly BenchResult[]): string {
  const head = ["case", "trees", "sample", "dims", "shingle", "score+update/s", "score/s", "update/s", "detector/s", "batch score/s", "vs Java s+u / score / update", "s+u vs batch"];
  const ratio = (x: number, java: number | null) => (java ? `${(x / java).toFixed(2)}×` : "-");
  const rows = results.map((r) => [
    r.name,
    String(r.trees),
    String(r.sampleSize),
    String(r.dims),
    String(r.shingle),
    r.scoreUpdatePerSec.toLocaleString("en-US"),
    r.scorePerSec.toLocaleString("en-US"),
    r.updatePerSec.toLocaleString("en-US"),
    r.detectorPerSec.toLocaleString("en-US"),
    r.baselineBatchScorePerSec.toLocaleString("en-US"),
    [ratio(r.scoreUpdatePerSec, r.javaScoreUpdatePerSec), ratio(r.scorePerSec, r.javaScorePerSec), ratio(r.updatePerSec, r.javaUpdatePerSec)].join(" / "),
    `${(r.scoreUpdatePerSec / r.baselineBatchScorePerSec).toFixed(2)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  const { json, points } = parseArgs(process.argv.slice(2));
  const cases: BenchCase[] = [1, 4, 8].map((shingle) => ({
    name: `rcf-50x256-d5-s${shingle}`,
    trees: 50,
    sampleSize: 256,
    dims: 5,
    shingle,
    points,
    warmup: 10_000,
    seed: 7,
  }));
  const bar = json || !process.stderr.isTTY ? null : new SingleBar({ format: "bench {case} [{bar}] {percentage}%", stream: process.stderr }, Presets.shades_classic);
  bar?.start(cases.length, 0, { case: cases[0].name });
  const results: BenchResult[] = [];
  cases.forEach((c, i) => {
    const r = runBenchCase(c, (f) => bar?.update(i + f, { case: c.name }));
    results.push(r);
    if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  });
  bar?.stop();
  if (!json) process.stdout.write(`${table(results)}\n`);
  const h = await benchDetectHandler();
  if (json) process.stdout.write(`${JSON.stringify(h)}\n`);
  else
    process.stdout.write(
      `\ndetect handler, embedded scorer: ${h.containers} containers × ${h.metrics} metrics × ${h.steps} steps = ${h.msPerInvocation.toFixed(0)} ms per invocation ` +
        `(${Math.round(h.rowsPerSec).toLocaleString("en-US")} rows/s; mean of ${h.invocations} after a warm-up)\n`,
    );
  const r = await benchDetectRun();
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else
    process.stdout.write(
      `detect run (5 steps, ${r.containers} containers × ${r.metrics} metrics, embedded): ${r.computeMs} ms compute, state ${(r.stateBytes / 1024).toFixed(0)} KiB ` +
        `(models ${(r.modelBytes / 1024).toFixed(0)} KiB, ${r.stateBytesPerContainer} bytes per container), load + save ${r.loadSaveMs} ms (medians of ${r.runs} cold-start runs)\n`,
    );
}

void main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
