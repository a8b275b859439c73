import * as path from "node:path";
import type { DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { describeNabRepairs, parseNabData } from "../../runtime/evaluation/nabCsv";
import { decisionScore } from "../../runtime/evaluation/decisionScore";
import { replaySeries, type DetectionMode } from "../../runtime/evaluation/replaySeries";
import { CliError, EXIT_USAGE } from "../cliError";
import { listCsv, listDirs, readText, writeFileAtomic } from "../fileOutput";
import { makeProgress } from "../progressBar";

export interface NabRunOptions {
  readonly data: string;
  readonly out: string;
  readonly mode: DetectionMode;
  readonly detector: string;
  readonly seed: number;
  /** Detector settings (default CONTAINER_DETECTOR, what a deployment runs): `cad quality` runs candidate settings through this. */
  readonly profile?: DetectorProfile;
  /** --json: no progress bar. */
  readonly json?: boolean;
}

export interface NabRunSummary {
  readonly files: number;
  readonly points: number;
  readonly seconds: number;
  readonly pointsPerSecond: number;
  readonly outDir: string;
}

/**
 * Runs the detector over a NAB-layout folder (`<category>/<file>.csv` with `timestamp,value`) and writes
 * NAB's results layout `<out>/<detector>/<category>/<detector>_<file>.csv` (`timestamp,value,anomaly_score`).
 * The score is {@link decisionScore}: dense, comparable across files, ≥ 0.5 exactly where the detector alerted.
 */
export function runNab(o: NabRunOptions, log: (line: string) => void = () => undefined): NabRunSummary {
  if (!/^[A-Za-z0-9-]+$/.test(o.detector)) throw new CliError(`--detector must be letters, digits and "-" only (NAB splits file names at "_"), got "${o.detector}"`, EXIT_USAGE);
  const jobs: { category: string; file: string }[] = [];
  for (const category of listDirs(o.data, "--data")) for (const file of listCsv(path.join(o.data, category))) jobs.push({ category, file });
  if (jobs.length === 0) throw new CliError(`--data ${o.data} holds no <category>/<file>.csv files`);
  const series = jobs.map((j) => {
    const name = `${j.category}/${j.file}`;
    return { ...j, data: parseNabData(readText(path.join(o.data, name), "data file"), path.join(o.data, name)) };
  });
  for (const s of series) {
    const repaired = describeNabRepairs(`${s.category}/${s.file}`, s.data.report);
    if (repaired) log(`cad nab: ${repaired}`);
  }
  const points = series.reduce((s, x) => s + x.data.values.length, 0);
  const progress = makeProgress(`cad nab (${o.mode})`, process.stderr, o.json === true);
  progress.start(points, "");
  const t0 = performance.now();
  for (const s of series) {
    const scores = replaySeries(s.data.timestamps, s.data.values.map((v) => [v]), { mode: o.mode, seed: o.seed, profile: o.profile }).map(decisionScore);
    const lines = ["timestamp,value,anomaly_score"];
    for (let i = 0; i < scores.length; i++) lines.push(`${s.data.timestampText[i]},${s.data.values[i]},${scores[i].toFixed(6)}`);
    writeFileAtomic(path.join(o.out, o.detector, s.category, `${o.detector}_${s.file}`), `${lines.join("\n")}\n`);
    progress.increment(s.data.values.length, `${s.category}/${s.file}`);
  }
  progress.stop();
  const seconds = (performance.now() - t0) / 1000;
  const summary = { files: series.length, points, seconds, pointsPerSecond: Math.round(points / seconds), outDir: path.join(o.out, o.detector) };
  log(`cad nab: ${summary.files} files, ${points} points in ${seconds.toFixed(1)} s (${summary.pointsPerSecond} points/s), results in ${summary.outDir}`);
  return summary;
}
