import { parentPort } from "node:worker_threads";
import { exitCodeOf, type QualityJob, type WorkerReply } from "./qualityJobs";
import { runSetOnce } from "./runQualitySet";

/*
 * A `cad quality --jobs N` worker thread (started by qualityJobs.ts): runs each job it is sent through the same
 * function as a run in the main thread, and sends back the runners' lines, then the figures or why it failed.
 */
const port = parentPort;
if (!port) throw new Error("qualityWorker runs as a worker thread of cad quality --jobs");
const send = (reply: WorkerReply): void => port.postMessage(reply);
port.on("message", (job: QualityJob) => {
  try {
    send({ kind: "done", run: runSetOnce(job.set, job.seed, job.profile, job.out, (line) => send({ kind: "log", line }), job.blockSteps, job.rescore) });
  } catch (err) {
    send({ kind: "error", message: err instanceof Error ? err.message : String(err), exitCode: exitCodeOf(err) });
  }
});
