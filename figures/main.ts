/**
 * `npm run docs:figures`: measures the figures the README and docs print (demo sweep, quality, bench), keeps them
 * in docs/figures.json with when, where and how they were measured, and rewrites the generated blocks of the docs
 * from that file. `--check` (run by the tests) only verifies that the docs print what the file holds.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { readFiguresFile, writeFiguresFile } from "./figuresFile";
import { benchFromOutput, measureBench, measureDemo, measureQuality, measuredCommit, provenance, qualityFromOutput, ROOT } from "./measure";
import { renderDocs } from "./renderDocs";
import { BLOCKS } from "./renderFigures";

const GROUPS = ["demo", "quality", "bench"] as const;
type Group = (typeof GROUPS)[number];

const parseGroups = (value: string): Group[] => {
  const names = value.split(",").map((s) => s.trim());
  const bad = names.find((n) => !(GROUPS as readonly string[]).includes(n));
  if (bad !== undefined) throw new InvalidArgumentError(`unknown group "${bad}" (groups: ${GROUPS.join(", ")})`);
  return GROUPS.filter((g) => names.includes(g));
};
const parseLoad = (value: string): number => {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${value.slice(0, 40)}"`);
  return n;
};
const parseSeeds = (value: string): number[] => {
  if (!/^\d+(,\d+)*$/.test(value)) throw new InvalidArgumentError(`expected comma-separated integers >= 0, e.g. 1,2,3, got "${value.slice(0, 40)}"`);
  return value.split(",").map(Number);
};

const HELP = `
Blocks (in README.md and docs/*.md, between "<!-- figures:NAME -->" and "<!-- /figures:NAME -->"):
${Object.entries(BLOCKS)
  .map(([name, b]) => `  ${name.padEnd(12)} ${b.what} (group ${b.group})`)
  .join("\n")}

Groups measured (--only): demo (8 demo runs in this process and one spawned \`npm start\`, 2-4 minutes),
quality (\`npm run quality\`, 15-25 minutes), bench (\`npm run bench\`, about 10 minutes; timings need a quiet
machine: the load average is recorded beside them). Deterministic figures (demo, quality) do not depend on the
machine; tests run the default demo and compare it with docs/figures.json.

Examples:
  npm run docs:figures -- --only demo                 re-measure the demo figures, rewrite the docs
  npm run docs:figures -- --quality-from q.json       take a saved \`cad quality --json\` output instead of running it
  npm run docs:figures -- --check                     exit 1 if a doc's block differs from docs/figures.json
`;

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("docs:figures")
    .description("measure the figures the README and docs print, store them in docs/figures.json and rewrite the docs' generated blocks")
    .option("--only <groups>", `comma-separated groups to measure (default: all of ${GROUPS.join(",")})`, parseGroups)
    .option("--check", "measure nothing: exit 1 when a doc's generated block differs from what docs/figures.json renders")
    .option("--render", "measure nothing: rewrite the docs' blocks from docs/figures.json")
    .option("--seeds <list>", "demo seeds of the sweep", parseSeeds, [1, 2, 3, 4, 5, 6, 7, 8])
    .option("--quality-from <file>", "use this `cad quality --json` output instead of running `npm run quality`")
    .option("--bench-from <file>", "use this `npm run bench -- --json` output (JSON lines) instead of running the bench")
    .option("--from-commit <rev>", "with --quality-from / --bench-from: the commit that output was measured at (default: HEAD)")
    .option("--from-load <n>", "with --quality-from / --bench-from: the 1-minute load average while it ran (default: not recorded)", parseLoad)
    .option("--figures <file>", "the figures file", path.join(ROOT, "docs", "figures.json"))
    .addHelpText("after", HELP)
    .exitOverride();
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.code === "commander.helpDisplayed" || e.code === "commander.help" ? 0 : 2;
    throw e;
  }
  const o = program.opts<{ only?: Group[]; check?: boolean; render?: boolean; seeds: number[]; qualityFrom?: string; benchFrom?: string; fromCommit?: string; fromLoad?: number; figures: string }>();
  const say = (s: string) => process.stderr.write(`docs:figures: ${s}\n`);
  let figures = readFiguresFile(o.figures);

  if (o.check) {
    const stale = renderDocs(figures, o.figures).filter((d) => d.changed);
    for (const d of stale) say(`${path.relative(ROOT, d.file)} differs from ${path.relative(ROOT, o.figures)}: run \`npm run docs:figures -- --render\``);
    return stale.length > 0 ? 1 : 0;
  }
  if (!o.render) {
    const groups = o.only ?? [...GROUPS];
    for (const file of [o.qualityFrom, o.benchFrom]) if (file !== undefined && !fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
    for (const g of groups) {
      if (g === "demo") figures = { ...figures, demo: await measureDemo(o.seeds, 7, say) };
      if (g === "quality")
        figures = { ...figures, quality: o.qualityFrom ? qualityFromOutput(fs.readFileSync(o.qualityFrom, "utf8"), o.qualityFrom, savedProvenance("npm run quality -- --json", o.qualityFrom, o)) : measureQuality(say) };
      if (g === "bench")
        figures = { ...figures, bench: o.benchFrom ? benchFromOutput(fs.readFileSync(o.benchFrom, "utf8"), o.benchFrom, savedProvenance("npm run --silent bench -- --json", o.benchFrom, o)) : measureBench(say) };
      // Kept after each group: a failure in a later one loses nothing measured.
      writeFiguresFile(o.figures, figures);
      say(`${g} figures written to ${path.relative(ROOT, o.figures)}`);
    }
  }
  for (const d of renderDocs(figures, o.figures)) {
    if (!d.changed) continue;
    fs.writeFileSync(d.file, d.text);
    say(`rewrote the generated blocks of ${path.relative(ROOT, d.file)}`);
  }
  return 0;
}

class UsageError extends Error {}

/** Provenance of a saved output: its file's time, the commit and load the user states (or HEAD, not recorded). */
function savedProvenance(command: string, file: string, o: { fromCommit?: string; fromLoad?: number }) {
  let commit = measuredCommit();
  if (o.fromCommit !== undefined) {
    const r = spawnSync("git", ["rev-parse", "--short", `${o.fromCommit}^{commit}`], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) throw new UsageError(`--from-commit: no commit "${o.fromCommit.slice(0, 40)}" in this repository`);
    commit = r.stdout.trim();
  }
  return { ...provenance(command), measuredAt: fs.statSync(file).mtime.toISOString(), commit, loadAverage: o.fromLoad ?? null };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`docs:figures: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
