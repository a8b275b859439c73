import { parentPort } from "node:worker_threads";

/* A stand-in for cli/quality/qualityWorker.ts that dies on its first job (as a thread the runtime kills would). */
parentPort?.on("message", () => process.exit(3));
