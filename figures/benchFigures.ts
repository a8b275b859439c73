import { DEFAULT_LIVE_DETECTORS } from "../runtime/handlers/liveDetectors";
import * as v from "valibot";
import { parseWithSchema } from "../runtime/errors/parseWithSchema";
import { provenanceLine } from "./demoFigures";
import type { BenchFiguresGroup } from "./figuresFile";

const num = v.number();
const maybe = v.nullable(v.number());
const ForestLine = v.object({ name: v.literal("forest"), dims: num, inputs: num, shingle: num, trees: num, sampleSize: num, points: num, rounds: num, oursScoreUpdatePerSec: num, javaScoreUpdatePerSec: maybe, ratio: maybe, oursScorePerSec: num, oursUpdatePerSec: num, oursBytes: num, oursProcessBytes: maybe, javaBytes: maybe });
const DetectorLine = v.object({ name: v.literal("detector"), series: v.string(), inputs: num, steps: num, oursPointsPerSec: num, javaPointsPerSec: maybe, ratio: maybe, javaCachedPointsPerSec: maybe, ratioCached: maybe });
const HandlerLine = v.object({ name: v.literal("detect-handler"), containers: num, metrics: num, steps: num, msPerInvocation: num, rowsPerSec: num });
const RunLine = v.object({ name: v.literal("detect-run"), containers: num, metrics: num, steps: num, computeMs: num, stateBytes: num, modelBytes: num, stateBytesPerContainer: num, loadSaveMs: num });
const CliLine = v.object({ name: v.literal("cli-startup"), command: v.string(), medianMs: num, minMs: num, maxMs: num, runs: num });
const FanOutLine = v.object({ name: v.literal("fan-out"), services: num, containersPerService: num, metrics: num, steps: num, workers: num, wallMs: num, p50ServiceMs: num, p95ServiceMs: num, stateBytesTotal: num });
const Line = v.variant("name", [ForestLine, DetectorLine, HandlerLine, RunLine, CliLine, FanOutLine]);
type Line = v.InferOutput<typeof Line>;

const k = (x: number): string => `${(x / 1000).toFixed(1)}k`;
const mb = (bytes: number): string => (bytes / 1e6).toFixed(2);
const x2 = (r: number | null): string => (r === null ? "-" : `${r.toFixed(2)}×`);
const join = (xs: readonly string[]): string => xs.join(" / ");

/** The lines of the README's speed table, one per kind of bench line present. */
function rows(lines: readonly Line[]): string[][] {
  const out: string[][] = [];
  const forests = lines.filter((l) => l.name === "forest");
  if (forests.length > 0) {
    const f0 = forests[0];
    const dims = join(forests.map((f) => String(f.dims)));
    out.push([
      `forest score+update per second at ${dims} dims (${f0.trees} trees × ${f0.sampleSize} samples, ${f0.inputs} inputs shingled ${join(forests.map((f) => String(f.shingle)))}, ${f0.points.toLocaleString("en-US")} points, warm-up then a fresh forest timed, fastest of ${f0.rounds} rounds)`,
      `${join(forests.map((f) => k(f.oursScoreUpdatePerSec)))} (score ${join(forests.map((f) => k(f.oursScorePerSec)))}; update ${join(forests.map((f) => k(f.oursUpdatePerSec)))})`,
      forests.every((f) => f.javaScoreUpdatePerSec !== null) ? `Java RCF 4.3: ${join(forests.map((f) => k(f.javaScoreUpdatePerSec as number)))} — ours ${join(forests.map((f) => x2(f.ratio)))}` : "Java not measured in this run",
    ]);
    out.push([
      `one forest's memory at ${dims} dims`,
      `${join(forests.map((f) => mb(f.oursBytes)))} MB of typed arrays and WebAssembly memory${forests.every((f) => f.oursProcessBytes !== null) ? ` (${join(forests.map((f) => mb(f.oursProcessBytes as number)))} MB retained by the process)` : ""}`,
      forests.every((f) => f.javaBytes !== null) ? `Java heap ${join(forests.map((f) => mb(f.javaBytes as number)))} MB` : "-",
    ]);
  }
  const detectors = lines.filter((l) => l.name === "detector");
  if (detectors.length > 0) {
    out.push([
      `whole detector, steps per second: ${join(detectors.map((d) => `${d.series} (${d.inputs} input${d.inputs > 1 ? "s" : ""})`))}, ${detectors[0].steps.toLocaleString("en-US")} steps`,
      `${join(detectors.map((d) => k(d.oursPointsPerSec)))} with the shipped settings at shingle 8`,
      detectors.every((d) => d.javaPointsPerSec !== null)
        ? `ThresholdedRandomCutForest with OpenSearch AD's single-stream settings: ${join(detectors.map((d) => k(d.javaPointsPerSec as number)))} (ours ${join(detectors.map((d) => x2(d.ratio)))}); with its box cache at 1 (same output) ${join(detectors.map((d) => k(d.javaCachedPointsPerSec ?? 0)))} (ours ${join(detectors.map((d) => x2(d.ratioCached)))})`
        : "Java not measured in this run",
    ]);
  }
  for (const l of lines) {
    if (l.name === "detect-run")
      out.push([
        `one scheduled detect run: ${l.containers} containers × ${l.metrics} metrics, ${l.steps} steps, embedded scorer, from its saved state`,
        `compute ${l.computeMs} ms; stored state ${Math.round(l.stateBytes / 1000)} KB (model ${Math.round(l.modelBytes / 1000)} KB, ${l.stateBytesPerContainer} bytes per container); load + save ${l.loadSaveMs} ms`,
        "",
      ]);
    if (l.name === "detect-handler")
      out.push([`one detect-handler run over ${l.containers} containers × ${l.metrics} metrics × ${l.steps} steps (a catch-up after an hour)`, `${(l.msPerInvocation / 1000).toFixed(1)} s (${k(l.rowsPerSec)} rows/s)`, ""]);
    if (l.name === "cli-startup") out.push([`CLI start-up: \`${l.command}\` from spawn to exit (median of ${l.runs} after a warm-up)`, `${Math.round(l.medianMs)} ms (${Math.round(l.minMs)}–${Math.round(l.maxMs)} ms)`, ""]);
    if (l.name === "fan-out")
      out.push([
        `one fan-out cycle: ${l.services.toLocaleString("en-US")} services × ${l.containersPerService} containers × ${l.metrics} metrics, ${l.steps} steps, planner + in-process FIFO queue + ${l.workers} detector worker(s), in-memory adapters, every service's state decoded (a process keeps its last ${DEFAULT_LIVE_DETECTORS} detectors)`,
        `${(l.wallMs / 1000).toFixed(1)} s (issue goal ≤ 60 s); p50 ${l.p50ServiceMs} ms, p95 ${l.p95ServiceMs} ms per service; ${Math.round(l.stateBytesTotal / 1e6)} MB of detector state in total`,
        "[docs/scale.md](docs/scale.md) for the cost model",
      ]);
  }
  return out;
}

/** The README's speed-and-size table from one `npm run bench -- --json` run (lines validated where they are read). */
export function renderBenchTable(b: BenchFiguresGroup): string {
  const lines = b.lines.flatMap((raw, i) => {
    if (![...Line.options.map((o) => o.entries.name.literal)].includes(raw.name as Line["name"])) return [];
    return [parseWithSchema(Line, raw, `docs/figures.json: bench.lines[${i}]`)];
  });
  const table = ["| what | ours | reference in the same run |", "| --- | --- | --- |", ...rows(lines).map((r) => `| ${r.join(" | ")} |`)];
  return [...table, "", provenanceLine(b)].join("\n");
}
