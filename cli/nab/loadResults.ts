import * as path from "node:path";
import { parseNabData, parseNabScores, parseNabTime, parseNabWindows } from "../../runtime/evaluation/nabCsv";
import type { NabFile } from "../../runtime/evaluation/nabScore";
import { CliError } from "../cliError";
import { listCsv, listDirs, readText } from "../fileOutput";
import type { ProfileName } from "./scoreProfiles";

export interface EvaluateOptions {
  /** A detector's results folder: `<results>/<category>/<detector>_<file>.csv`. */
  readonly results: string;
  readonly windows: string;
  /** Optional data folder to check that every results file has one row per data row. */
  readonly data?: string;
  readonly profiles: readonly ProfileName[];
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
