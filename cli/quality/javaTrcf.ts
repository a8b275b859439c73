import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { isGapRow } from "../../runtime/evaluation/fillRowGaps";
import { parseNabData } from "../../runtime/evaluation/nabCsv";
import { parseNumericRows } from "../../runtime/evaluation/numericCsv";
import { CliError } from "../cliError";
import { listCsv, listDirs, readText, writeFileAtomic } from "../fileOutput";
import { compileJavaDriver, firstLineOf, hasJavaRcf, JAVA_RCF_JAR, javaRcfDir } from "../javaRcfJar";
import { loadLabelled } from "../labelled/runLabelled";
import { ENTITY_RESULT_HEADER } from "../labelled/readEntityDetections";
import { REPO_ROOT } from "../repoRoot";
import type { QualitySet } from "./qualitySets";
import { scoreLabelled, scoreNabResults, type SeedRun, type Unstamped } from "./runQualitySet";

/**
 * The reference `cad quality --java-reference` runs beside ours: OpenSearch Anomaly Detection's detector, the Java
 * ThresholdedRandomCutForest of Random Cut Forest 4.3 (../shared/tools/java-rcf) with the settings OpenSearch AD gives
 * a real-time detector (shingle 8, 50 trees, sample 256, streaming imputation of missing steps; cli/quality/java/
 * TrcfReplay.java), over the same sets and seeds, its output scored by the same functions as ours: on a NAB-layout
 * set its anomaly grade is the NAB score (NAB's threshold search picks the level, as for every published
 * detector); on a labelled set a step alerts where the grade is above 0, as OpenSearch raises an anomaly, after the
 * detector has processed the entity's train rows.
 */
export const JAVA_REFERENCE = "java-trcf";

const DRIVER = path.join(REPO_ROOT, "cli", "quality", "java", "TrcfReplay.java");
/** Bounding-box cache fraction: OpenSearch's is 0; 1 gives the same output (checked in the tests) about 3× faster. */
const CACHE = 1;

/** Why the reference cannot run here, or null when it can (the jar found, `javac` and `java` on the path). */
export function javaReferenceUnavailable(dir: string = javaRcfDir()): string | null {
  if (!hasJavaRcf(dir)) return `no ${JAVA_RCF_JAR} in ${dir} (set CAD_JAVA_RCF to the folder holding it)`;
  try {
    compileJavaDriver(DRIVER, path.join(dir, JAVA_RCF_JAR));
  } catch (e) {
    return `could not compile ${DRIVER} (is a JDK's javac on the path?): ${firstLineOf(e)}`;
  }
  return null;
}

/**
 * Runs the reference over `set` at `seed`: writes its result files into `out` (emptied first) as our runs lay them
 * out — NAB-layout `<out>/java-trcf/<category>/java-trcf_<file>.csv`, labelled `<out>/<entity>.csv` — and scores
 * them. `log` gets a line per file done.
 */
export async function runJavaReferenceOnce(set: QualitySet, seed: number, out: string, log: (line: string) => void, blockSteps: number, dir: string = javaRcfDir()): Promise<SeedRun> {
  const why = javaReferenceUnavailable(dir);
  if (why !== null) throw new CliError(`--java-reference: ${why}`);
  fs.rmSync(out, { recursive: true, force: true });
  const work = path.join(out, "java-input");
  fs.mkdirSync(work, { recursive: true });
  const t0 = performance.now();
  const run = set.kind === "nab" ? await replayNab(set, seed, out, work, log, blockSteps, dir) : await replayLabelled(set, seed, out, work, log, blockSteps, dir);
  // The inputs written for the JVM go once it has answered (a failed run leaves them, to look at).
  fs.rmSync(work, { recursive: true, force: true });
  return { ...run, seconds: Math.round(performance.now() - t0) / 1000 };
}

/** OpenSearch's detector alerts at any grade above 0: NAB's standard profile at its decisions counts every graded row. */
const JAVA_ALERT_SCORE = 1e-9;

/** Every NAB-layout file through the driver; its grades written as NAB results (`<out>/java-trcf/…`), then scored. */
async function replayNab(set: Extract<QualitySet, { kind: "nab" }>, seed: number, out: string, work: string, log: (line: string) => void, blockSteps: number, dir: string): Promise<Unstamped<SeedRun>> {
  const results = path.join(out, JAVA_REFERENCE);
  const files = listDirs(set.data, "--data").flatMap((category) => listCsv(path.join(set.data, category)).map((file) => ({ category, file })));
  const series = files.map(({ category, file }) => {
    const name = path.join(set.data, category, file);
    const data = parseNabData(readText(name, "data file"), name);
    const input = path.join(work, `${category}__${file}`);
    // Seconds since the epoch: the detector's streaming imputation fills a missing step from the timestamps.
    fs.writeFileSync(input, data.values.map((v, i) => `${Math.round(data.timestamps[i] / 1000)},${v}`).join("\n") + "\n");
    return { category, file, data, input, output: `${input}.out` };
  });
  await replayFiles(seed, series, work, log, CACHE, dir);
  for (const s of series) {
    const grades = readReplay(s.output, s.data.values.length).map((r) => r.grade);
    const lines = ["timestamp,value,anomaly_score", ...grades.map((g, i) => `${s.data.timestampText[i]},${s.data.values[i]},${g}`)];
    writeFileAtomic(path.join(results, s.category, `${JAVA_REFERENCE}_${s.file}`), `${lines.join("\n")}\n`);
  }
  return scoreNabResults(set, seed, results, log, blockSteps, true, JAVA_ALERT_SCORE);
}

/** Every entity's train then test rows through the driver; its test rows written as `cad labelled` writes ours, then scored. */
async function replayLabelled(set: Extract<QualitySet, { kind: "labelled" }>, seed: number, out: string, work: string, log: (line: string) => void, blockSteps: number, dir: string): Promise<Unstamped<SeedRun>> {
  const entities = loadLabelled(set.data).map((e) => {
    const input = path.join(work, `${e.name}.csv`);
    // The row number is the step's time; a gap row (a missing value left after filling) is not sent, so the
    // detector imputes it from the steps around it, as OpenSearch does.
    const sent = [...e.train, ...e.test].flatMap((r, i) => (isGapRow(r) ? [] : [`${i},${r.join(",")}`]));
    fs.writeFileSync(input, `${sent.join("\n")}\n`);
    return { e, input, output: `${input}.out`, sent: sent.length };
  });
  await replayFiles(seed, entities, work, log, CACHE, dir);
  for (const { e, output, sent } of entities) {
    const answers = readReplay(output, sent);
    let k = 0;
    const all = [...e.train, ...e.test].map((r) => (isGapRow(r) ? { score: 0, grade: 0 } : answers[k++]));
    const test = all.slice(e.train.length);
    const lines = [ENTITY_RESULT_HEADER, ...test.map((r, i) => `${r.score},${r.grade},${r.grade},${e.labels[i]}`)];
    writeFileAtomic(path.join(out, `${e.name}.csv`), `${lines.join("\n")}\n`);
  }
  // Scored from the files with the baselines beside, as a rescored run of ours (the baselines are ours, run again).
  return scoreLabelled(set, seed, undefined, out, blockSteps, true);
}

/**
 * One JVM over all of a run's files (`input` → `output`, the driver's formats), logging each file as the driver
 * finishes it; `work` receives the job list; `cache` is the bounding-box cache fraction.
 */
export async function replayFiles(seed: number, jobs: readonly { input: string; output: string }[], work: string, log: (line: string) => void, cache: number = CACHE, dir: string = javaRcfDir()): Promise<void> {
  const jar = path.join(dir, JAVA_RCF_JAR);
  const classes = compileJavaDriver(DRIVER, jar);
  const list = path.join(work, "jobs.txt");
  fs.writeFileSync(list, jobs.map((j) => `${j.input}\t${j.output}`).join("\n") + "\n");
  const child = spawn("java", ["-cp", `${jar}${path.delimiter}${classes}`, "TrcfReplay", String(seed), String(cache), list], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr.on("data", (b: Buffer) => stderr.push(b.toString()));
  let done = 0;
  createInterface({ input: child.stdout }).on("line", (line) => log(`${JAVA_REFERENCE}: [${++done}/${jobs.length}] ${path.basename(line).replace(/\.out$/, "").replace("__", "/")}`));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", (e) => reject(new CliError(`--java-reference: java did not start: ${e.message}`)));
    child.once("close", (c) => resolve(c));
  });
  if (code !== 0) throw new CliError(`--java-reference: the Java driver failed (exit ${code}): ${stderr.join("").trim().split("\n").slice(0, 3).join(" | ") || "no output"}`);
}

/** The driver's "SCORE,GRADE" lines for one file, checked: as many as rows were sent, grades in [0, 1]. */
export function readReplay(file: string, rows: number): { score: number; grade: number }[] {
  const parsed = parseNumericRows(readText(file, "Java driver output"), file, 1);
  if (parsed.length !== rows) throw new CliError(`${file}: the Java driver answered ${parsed.length} rows for ${rows} sent`);
  return parsed.map((r, i) => {
    if (r.length !== 2 || !(r[1] >= 0 && r[1] <= 1)) throw new CliError(`${file}:${i + 1}: expected "score,grade" with a grade in [0, 1], got ${r.join(",")}`);
    return { score: r[0], grade: r[1] };
  });
}
