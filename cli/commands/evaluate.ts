import * as path from "node:path";
import { Command, Option } from "commander";
import { parseNabData, parseNabScores, parseNabTime, parseNabWindows } from "../../runtime/evaluation/nabCsv";
import { NAB_PROFILES, nabScore, normaliseSubset, type NabFile, type NabResult } from "../../runtime/evaluation/nabScore";
import { CliError } from "../cliError";
import { inputFile, inputFolder } from "../inputPath";
import { listCsv, listDirs, readText } from "../fileOutput";

type ProfileName = keyof typeof NAB_PROFILES;

export interface EvaluateOptions {
  /** A detector's results folder: `<results>/<category>/<detector>_<file>.csv`. */
  readonly results: string;
  readonly windows: string;
  /** Optional data folder to check that every results file has one row per data row. */
  readonly data?: string;
  readonly profiles: readonly ProfileName[];
}

export interface CategoryScore {
  readonly category: string;
  readonly files: number;
  readonly windows: number;
  readonly found: number;
  readonly falsePositives: number;
  /** Normalised score (null for a category without windows: only its false positives count). */
  readonly score: number | null;
  readonly raw: number;
}

export interface ProfileScore {
  readonly profile: ProfileName;
  readonly threshold: number;
  readonly score: number;
  readonly categories: CategoryScore[];
}

/** Loads a results folder against the windows file; errors name the file (and line) at fault. */
export function loadResults(o: Pick<EvaluateOptions, "results" | "windows" | "data">): { files: NabFile[]; unscored: string[] } {
  const windows = parseNabWindows(readText(o.windows, "windows file"), o.windows);
  const files: NabFile[] = [];
  for (const category of listDirs(o.results, "--results")) {
    for (const name of listCsv(path.join(o.results, category))) {
      const file = path.join(o.results, category, name);
      const cut = name.indexOf("_");
      if (cut < 0) throw new CliError(`${file}: results files are named <detector>_<file>.csv`);
      const key = `${category}/${name.slice(cut + 1)}`;
      const w = windows.get(key);
      if (!w) throw new CliError(`${file}: ${o.windows} has no entry "${key}"`);
      const parsed = parseNabScores(readText(file, "results file"), file);
      const timestamps = parsed.timestampText.map((t, i) => {
        const ms = parseNabTime(t);
        if (!Number.isFinite(ms)) throw new CliError(`${file}:${i + 2}: timestamp "${t}" is not YYYY-MM-DD HH:MM:SS`);
        return ms;
      });
      parsed.scores.forEach((s, i) => {
        if (s < 0 || s > 1) throw new CliError(`${file}:${i + 2}: anomaly_score ${s} is outside [0, 1]`);
      });
      if (o.data) {
        const dataFile = path.join(o.data, key);
        const data = parseNabData(readText(dataFile, "data file"), dataFile);
        if (data.values.length !== parsed.scores.length) throw new CliError(`${file}: ${parsed.scores.length} score rows, but ${dataFile} has ${data.values.length} data rows`);
      }
      files.push({ name: key, timestamps, scores: parsed.scores, windows: w });
    }
  }
  if (files.length === 0) throw new CliError(`--results ${o.results} holds no <category>/<detector>_<file>.csv files`);
  const seen = new Set(files.map((f) => f.name));
  return { files, unscored: [...windows.keys()].filter((k) => !seen.has(k)) };
}

export function scoreProfiles(files: readonly NabFile[], profiles: readonly ProfileName[]): ProfileScore[] {
  return profiles.map((profile) => {
    const cost = NAB_PROFILES[profile];
    let r: NabResult;
    try {
      r = nabScore(files, cost);
    } catch (err) {
      throw new CliError((err as Error).message, undefined);
    }
    const categories = [...new Set(files.map((f) => f.name.split("/")[0]))].sort().map((category): CategoryScore => {
      const rs = r.files.filter((f) => f.name.startsWith(`${category}/`));
      const windows = rs.reduce((s, f) => s + f.windows, 0);
      return {
        category,
        files: rs.length,
        windows,
        found: rs.reduce((s, f) => s + f.truePositives, 0),
        falsePositives: rs.reduce((s, f) => s + f.falsePositives, 0),
        score: windows > 0 ? normaliseSubset(rs, cost) : null,
        raw: rs.reduce((s, f) => s + f.raw, 0),
      };
    });
    return { profile, threshold: r.threshold, score: r.normalised, categories };
  });
}

function render(scores: readonly ProfileScore[]): string {
  const out: string[] = [];
  for (const p of scores) {
    out.push(`${p.profile}: score ${p.score.toFixed(1)} (threshold ${p.threshold.toFixed(4)})`);
    out.push(`  ${"category".padEnd(28)} ${"files".padStart(5)} ${"windows".padStart(7)} ${"found".padStart(5)} ${"FP".padStart(5)} ${"score".padStart(7)} ${"raw".padStart(8)}`);
    for (const c of p.categories) {
      out.push(`  ${c.category.padEnd(28)} ${String(c.files).padStart(5)} ${String(c.windows).padStart(7)} ${String(c.found).padStart(5)} ${String(c.falsePositives).padStart(5)} ${(c.score === null ? "-" : c.score.toFixed(1)).padStart(7)} ${c.raw.toFixed(2).padStart(8)}`);
    }
  }
  return out.join("\n");
}

export function evaluateCommand(): Command {
  return new Command("evaluate")
    .description("score a detector's NAB-layout results with NAB's scoring (one threshold optimised over all files, normalised 0–100).")
    .requiredOption("--results <dir>", "the detector's results folder: <dir>/<category>/<detector>_<file>.csv", inputFolder("--results"))
    .requiredOption("--windows <file>", "labelled windows JSON (NAB's combined_windows.json layout)", inputFile("--windows"))
    .option("--data <dir>", "data folder: check each results file has one row per data row", inputFolder("--data"))
    .addOption(new Option("--profile <name>", "scoring profile").choices([...Object.keys(NAB_PROFILES), "all"]).default("all"))
    .option("--json", "print one JSON object instead of the table")
    .action((opts: { results: string; windows: string; data?: string; profile: string; json?: boolean }) => {
      const profiles = (opts.profile === "all" ? Object.keys(NAB_PROFILES) : [opts.profile]) as ProfileName[];
      let loaded: ReturnType<typeof loadResults>;
      try {
        loaded = loadResults(opts);
      } catch (err) {
        throw err instanceof CliError ? err : new CliError((err as Error).message);
      }
      if (loaded.unscored.length > 0) process.stderr.write(`cad evaluate: ${loaded.unscored.length} labelled files have no results and are not scored (e.g. ${loaded.unscored[0]})\n`);
      const scores = scoreProfiles(loaded.files, profiles);
      process.stdout.write(opts.json ? `${JSON.stringify({ files: loaded.files.length, profiles: scores })}\n` : `${render(scores)}\n`);
    });
}
