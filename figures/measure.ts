import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { runDemo } from "../cli/demo/runDemo";
import { YOUNG_SUFFIX } from "../cli/quality/qualitySets";
import { parseJson, parseWithSchema } from "../runtime/errors/parseWithSchema";
import { demoExcerpt, demoSeedFigures } from "./demoFigures";
import { FiguresFileSchema, type BenchFiguresGroup, type DemoFiguresGroup, type QualityFiguresGroup } from "./figuresFile";

import { ROOT } from "./renderDocs";
export { ROOT };
const CAD = join(ROOT, "bin", "cad.js");

/** The commit measured; "+changes" when files other than docs differ from it (docs are what this tool writes). */
export function measuredCommit(root = ROOT): string {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return "unknown commit";
  const changed = git("status", "--porcelain", "--untracked-files=no").stdout
    .split("\n")
    .filter((l) => l.trim() !== "" && !/\.md$/.test(l) && !l.endsWith("docs/figures.json"));
  return `${head.stdout.trim()}${changed.length > 0 ? "+changes" : ""}`;
}

/** Where and how a group was measured (the figures file's provenance fields). */
export interface Provenance {
  readonly measuredAt: string;
  readonly commit: string;
  readonly loadAverage: number | null;
  readonly cores: number;
  readonly command: string;
}

function provenance(command: string): Provenance {
  return { measuredAt: new Date().toISOString(), commit: measuredCommit(), loadAverage: loadavg()[0], cores: availableParallelism(), command };
}

function spawnChecked(args: readonly string[], what: string): { stdout: string; seconds: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? r.signal}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  return { stdout: r.stdout, seconds };
}

/** The demo sweep (in this process, through the same runDemo `cad demo` calls) and one timed `npm start`. */
export async function measureDemo(seeds: readonly number[], defaultSeed: number, say: (s: string) => void): Promise<DemoFiguresGroup> {
  const p = provenance(`for s in ${seeds.join(" ")}; do npx cad demo --seed $s --out out/demo-$s; done`);
  const dir = mkdtempSync(join(tmpdir(), "cad-figures-"));
  try {
    say(`npm start (node bin/cad.js demo, seed ${defaultSeed}), timed …`);
    const start = spawnChecked([CAD, "demo", "--json", "--out", join(dir, "npm-start")], "node bin/cad.js demo");
    const figures = [];
    let excerpt = "";
    for (const seed of seeds) {
      say(`demo seed ${seed} (${figures.length + 1} of ${seeds.length}) …`);
      const r = await runDemo({ days: 3, seed, tasks: 6, out: join(dir, `seed-${seed}`) });
      figures.push(demoSeedFigures(seed, r));
      if (seed === defaultSeed) excerpt = demoExcerpt(r);
    }
    if (excerpt === "") {
      const r = await runDemo({ days: 3, seed: defaultSeed, tasks: 6, out: join(dir, "default") });
      excerpt = demoExcerpt(r);
    }
    return { ...p, defaultSeed, excerpt, seeds: figures, npmStartSeconds: start.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const QualityOutput = v.object({ records: v.array(v.looseObject({ kind: v.string() })) });

/** The quality figures from `cad quality --json` output (a fresh run's or a saved one's). */
export function qualityFromOutput(text: string, where: string, p: Provenance): QualityFiguresGroup {
  const out = parseWithSchema(QualityOutput, parseJson(text, where), where);
  const shipped = out.records.filter((r) => r.candidate === "shipped" || r.candidate === undefined);
  const summary = shipped.find((r) => r.kind === "summary");
  if (summary === undefined) throw new Error(`${where}: no "summary" record of the shipped settings (is it \`cad quality --json\` output?)`);
  // The README's table and mean are the development sets'; young sets (cad quality --young) would change what its mean means.
  const young = Array.isArray(summary.sets) ? summary.sets.filter((s): s is string => typeof s === "string" && s.endsWith(YOUNG_SUFFIX)) : [];
  if (young.length > 0) throw new Error(`${where}: holds young sets (${young.join(", ")}): the README's quality figures are the development sets alone; run \`npm run quality -- --json\` without --young (docs/quality.md has the young sets' figures)`);
  const group = { ...p, seeds: summary.seeds, sets: shipped.filter((r) => r.kind === "nab" || r.kind === "labelled").map(({ candidate: _c, seeds: _s, ...rest }) => rest), normalised: summary.normalised, seconds: summary.seconds };
  return parseWithSchema(v.strictObject(FiguresFileSchema.entries.quality.wrapped.entries), group, where);
}

export function measureQuality(say: (s: string) => void): QualityFiguresGroup {
  const p = provenance("npm run quality -- --json");
  say("npm run quality (all four development sets, seeds 1–3; about 5 minutes) …");
  const dir = mkdtempSync(join(tmpdir(), "cad-figures-quality-"));
  try {
    const r = spawnChecked([CAD, "quality", "--json", "--out", dir], "cad quality");
    return qualityFromOutput(r.stdout, "cad quality --json", p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bench lines from `npm run bench -- --json` output (JSON lines). */
export function benchFromOutput(text: string, where: string, p: Provenance): BenchFiguresGroup {
  const lines = text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => parseJson(l, `${where}: line ${i + 1}`));
  return parseWithSchema(v.strictObject(FiguresFileSchema.entries.bench.wrapped.entries), { ...p, lines }, where);
}

export function measureBench(say: (s: string) => void): BenchFiguresGroup {
  const p = provenance("npm run --silent bench -- --json");
  say("npm run bench (forest and detector beside the Java reference, handler, CLI start-up, fan-out; about 10 minutes) …");
  const r = spawnChecked(["--expose-gc", join(ROOT, "bin", "run-ts.js"), "bench/main.ts", "--json"], "npm run bench");
  return benchFromOutput(r.stdout, "npm run bench -- --json", p);
}

export { provenance };
