import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { DetectorProfile } from "../../runtime/detection/detectorProfiles";
import { CliError, EXIT_FAILURE } from "../cliError";
import type { QualitySet } from "./qualitySets";
import { runSetOnce, type SeedRun } from "./runQualitySet";

/** One run of `cad quality`: one candidate's settings over one set at one seed, its files in `out`. */
export interface QualityJob {
  readonly set: QualitySet;
  readonly seed: number;
  readonly profile: DetectorProfile;
  readonly out: string;
  /** How progress lines name the run ("shipped · nab-dev · seed 1"). */
  readonly label: string;
  /** Rows per block of the run's score, for resampling (DEFAULT_BLOCK_STEPS when absent). */
  readonly blockSteps?: number;
  /** Score the files an earlier run left in `out` instead of running the detector (`cad quality --rescore`). */
  readonly rescore?: boolean;
}

/** What a worker sends back: a runner's own line, the run's figures, or why it failed. */
export type WorkerReply = { readonly kind: "log"; readonly line: string } | { readonly kind: "done"; readonly run: SeedRun } | { readonly kind: "error"; readonly message: string; readonly exitCode: number };

/** A failed run's error, naming the run; a CliError's exit code is kept (a worker sends it as a number). */
export function runFailure(label: string, message: string, exitCode: number): CliError {
  return new CliError(`${label}: ${message}`, exitCode);
}

/** The exit code an error stands for: a CliError's own, any other error's EXIT_FAILURE. */
export function exitCodeOf(err: unknown): number {
  return err instanceof CliError ? err.exitCode : EXIT_FAILURE;
}

/** A finished run's progress line: which run and its figure. */
function doneLine(tag: string, run: SeedRun): string {
  const figure = run.kind === "nab" ? `standard ${run.standard.toFixed(2)}` : `onset F1 ${run.onset.f1.toFixed(3)}`;
  return `${tag}: ${figure} in ${run.seconds.toFixed(1)} s`;
}

/**
 * Runs `jobs` and returns their figures in the jobs' order: one after another in this process (`workers` 1), or
 * in `workers` worker threads at once, each taking the next job as it finishes one. A run's figures do not depend
 * on where it ran (each is seeded); its seconds do (runs side by side share the machine). `progress` gets a line as
 * each run starts (`[k/n]`, in the order they start) and ends, and the runners' own lines. The first failure stops
 * every worker and rejects, naming the run.
 */
export async function runQualityJobs(jobs: readonly QualityJob[], workers: number, progress: (line: string) => void, workerFile = defaultWorkerFile()): Promise<SeedRun[]> {
  const total = jobs.length;
  let started = 0;
  const tagOf = (job: QualityJob): string => `cad quality: [${++started}/${total}] ${job.label}`;
  if (workers <= 1 || jobs.length <= 1) {
    return jobs.map((job) => {
      const tag = tagOf(job);
      progress(`${tag} …`);
      let run: SeedRun;
      try {
        run = runSetOnce(job.set, job.seed, job.profile, job.out, progress, job.blockSteps, job.rescore);
      } catch (err) {
        throw runFailure(job.label, err instanceof Error ? err.message : String(err), exitCodeOf(err));
      }
      progress(doneLine(tag, run));
      return run;
    });
  }
  const results: (SeedRun | undefined)[] = new Array<SeedRun | undefined>(jobs.length);
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => startWorker(workerFile));
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const fail = (err: Error): void => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const dispatch = (w: Worker): void => {
        if (failed) return;
        if (next >= jobs.length) {
          if (running === 0) resolve();
          return;
        }
        const i = next++;
        const job = jobs[i];
        const tag = tagOf(job);
        progress(`${tag} …`);
        running++;
        const onReply = (reply: WorkerReply): void => {
          if (reply.kind === "log") return progress(reply.line);
          w.off("message", onReply);
          w.off("error", onError);
          w.off("exit", onExit);
          running--;
          if (reply.kind === "error") return fail(runFailure(job.label, reply.message, reply.exitCode));
          results[i] = reply.run;
          progress(doneLine(tag, reply.run));
          dispatch(w);
        };
        const onError = (err: Error): void => fail(runFailure(job.label, `the worker thread failed: ${err.message}`, EXIT_FAILURE));
        const onExit = (code: number): void => fail(runFailure(job.label, `the worker thread stopped (exit code ${code}) before the run ended`, EXIT_FAILURE));
        w.on("message", onReply);
        w.on("error", onError);
        w.on("exit", onExit);
        w.postMessage(job);
      };
      for (const w of pool) dispatch(w);
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.map((r, i) => {
    if (!r) throw new Error(`${jobs[i].label}: no result`);
    return r;
  });
}

/** qualityWorker: the compiled .js beside this file, or the .ts source when running from source (tests, bin/run-ts.js). */
function defaultWorkerFile(): string {
  return path.join(__dirname, `qualityWorker${path.extname(__filename)}`);
}

/** A worker thread running `file`; a .ts file through tsx's CommonJS loader. */
function startWorker(file: string): Worker {
  return new Worker(file, path.extname(file) === ".ts" ? { execArgv: ["--require", "tsx/cjs"] } : {});
}
