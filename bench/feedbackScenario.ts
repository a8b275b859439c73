/**
 * Writes a demo data set with a recurring event on-call would call expected: `cad demo`'s simulated "checkout"
 * service (6 tasks) with its five injected incidents (labelled in truth.csv), plus a nightly job on task 0 every night
 * at 01:00 UTC for 30 minutes from day 2 on (not labelled: each alert it raises counts as a false alert); `--nightly`
 * picks the job's kind of trouble (default cpu-throttling: a batch on the same host). The input of the
 * `cad backtest --feedback` measurement in docs/feedback.md (bench/feedbackSweep.ts runs it over seeds):
 *
 *   node bin/run-ts.js bench/feedbackScenario.ts --seed 1 --days 5 --out tmp/feedback/s1
 *
 * writes tmp/feedback/s1/metrics.csv and truth.csv (and the demo's other files). The data come from the demo's own
 * loop (runDemo): the detect handler runs every 5 simulated minutes and its scaling is applied to the simulation,
 * so the load spike is relieved by the scale-out as in `cad demo` (an earlier version simulated without scaling: a
 * service saturated for the whole hour, which the plain demo never shows). Deterministic for a seed.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runDemo, type DemoResult } from "../cli/demo/runDemo";
import { DEMO_START } from "../cli/demo/demoService";
import type { InjectedIncident, InjectedKind } from "../runtime/sim/incidentPlan";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** Tasks of the simulated service, the demo's default. */
export const SCENARIO_TASKS = 6;
export const NIGHTLY_KINDS: readonly InjectedKind[] = ["load-spike", "memory-leak", "cpu-throttling", "network-drop", "crash-loop"];

/** The nightly job: `kind` on task 0 from 01:00 to 01:30 UTC on every day but the first (the training day). */
export function nightlyJobs(kind: InjectedKind, days: number): InjectedIncident[] {
  return Array.from({ length: days - 1 }, (_, i) => ({ kind, start: DEMO_START + (i + 1) * DAY + 60 * MIN, end: DEMO_START + (i + 1) * DAY + 90 * MIN, task: 0, description: `nightly job (${kind})` }));
}

export interface FeedbackScenarioOptions {
  readonly seed: number;
  /** At least 3 (the nightly job needs nights after the training day). */
  readonly days: number;
  readonly nightly: InjectedKind;
  readonly out: string;
}

/** Runs the demo with the nightly job unlabelled; its files (metrics.csv, truth.csv, …) land in `out`. */
export async function writeFeedbackScenario(o: FeedbackScenarioOptions): Promise<DemoResult> {
  if (!Number.isInteger(o.seed) || o.seed < 0 || !Number.isInteger(o.days) || o.days < 3) throw new Error(`--seed must be an integer >= 0 and --days an integer >= 3, got ${o.seed} and ${o.days}`);
  return runDemo({ days: o.days, seed: o.seed, tasks: SCENARIO_TASKS, out: o.out, unlabelled: nightlyJobs(o.nightly, o.days) });
}

/** The kind `--nightly` names, or an error naming the choices. */
export function nightlyKind(value: string | undefined): InjectedKind {
  const kind = NIGHTLY_KINDS.find((k) => k === value);
  if (kind === undefined) throw new Error(`--nightly must be one of ${NIGHTLY_KINDS.join(", ")}, got ${value}`);
  return kind;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: "string", default: "1" }, days: { type: "string", default: "5" }, out: { type: "string" }, nightly: { type: "string", default: "cpu-throttling" } } });
  if (!values.out) throw new Error("usage: feedbackScenario.ts --seed <n >= 0> --days <n >= 3> --out <dir> [--nightly <kind>]");
  const nightly = nightlyKind(values.nightly);
  const result = await writeFeedbackScenario({ seed: Number(values.seed), days: Number(values.days), nightly, out: values.out });
  process.stdout.write(`wrote ${result.files.metrics} and ${join(values.out, "truth.csv")}: ${result.truth.length} labelled incidents, ${values.days} days, nightly ${nightly} job unlabelled on task 0\n`);
}

// Run as a script (bin/run-ts.js makes the entry argv[1]); imported by bench/feedbackSweep.ts, it only exports.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === __filename) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
