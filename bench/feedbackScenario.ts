/**
 * Writes a demo-like data set with a recurring event on-call would call expected: the demo's simulated "checkout"
 * service with its five injected incidents (labelled in truth.csv), plus a nightly job on one task every night at
 * 01:00 UTC for 30 minutes from day 2 on (not labelled: each alert it raises counts as a false alert); `--nightly`
 * picks the job's kind of trouble (default cpu-throttling: a batch on the same host). The input of the `cad backtest --feedback` measurement in docs/feedback.md:
 *
 *   node bin/run-ts.js bench/feedbackScenario.ts --seed 1 --days 5 --out tmp/feedback/s1
 *
 * writes tmp/feedback/s1/metrics.csv and truth.csv. Deterministic for a seed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEMO_SERVICE } from "../cli/demo/demoService";
import { formatTruthCsv } from "../cli/truthWindows";
import { alignSamples } from "../runtime/features/alignSamples";
import { DEFAULT_FEATURE_SET } from "../runtime/features/defaultFeatureSet";
import { formatFeatureRowsCsv } from "../runtime/features/featureRowCsv";
import { EcsServiceSimulator } from "../runtime/sim/EcsServiceSimulator";
import { defaultIncidentPlan, type InjectedIncident, type InjectedKind } from "../runtime/sim/incidentPlan";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** The demo's start (cli/demo/runDemo.ts): Monday 2026-01-05 00:00 UTC. */
const START = Date.UTC(2026, 0, 5);
const TASKS = 6;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: "string", default: "1" }, days: { type: "string", default: "5" }, out: { type: "string" }, nightly: { type: "string", default: "cpu-throttling" } } });
  const kinds: readonly InjectedKind[] = ["load-spike", "memory-leak", "cpu-throttling", "network-drop", "crash-loop"];
  const kind = kinds.find((k) => k === values.nightly);
  if (kind === undefined) throw new Error(`--nightly must be one of ${kinds.join(", ")}, got ${values.nightly}`);
  const seed = Number(values.seed);
  const days = Number(values.days);
  if (!Number.isInteger(seed) || seed < 0 || !Number.isInteger(days) || days < 3 || !values.out) throw new Error("usage: feedbackScenario.ts --seed <n >= 0> --days <n >= 3> --out <dir>");
  const truth = defaultIncidentPlan(START, days, TASKS);
  const nightly: InjectedIncident[] = Array.from({ length: days - 1 }, (_, i) => ({ kind, start: START + (i + 1) * DAY + 60 * MIN, end: START + (i + 1) * DAY + 90 * MIN, task: 0, description: `nightly job (${kind})` }));
  const sim = new EcsServiceSimulator({ service: DEMO_SERVICE, tasks: TASKS, seed, startMs: START, incidents: [...truth, ...nightly] });
  const containers = sim.containers();
  const end = START + days * DAY;
  sim.advanceTo(end);
  const rows = alignSamples(await sim.fetch(DEMO_SERVICE, { from: START, to: end }), DEFAULT_FEATURE_SET, { from: START, to: end }).rows;
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, "metrics.csv"), formatFeatureRowsCsv(rows, DEFAULT_FEATURE_SET));
  writeFileSync(join(values.out, "truth.csv"), formatTruthCsv(truth.map((t) => ({ service: DEMO_SERVICE, start: t.start, end: t.end, kind: t.kind, container: t.task === undefined ? undefined : containers[t.task] }))));
  process.stdout.write(`wrote ${join(values.out, "metrics.csv")} and truth.csv: ${truth.length} labelled incidents, ${nightly.length} unlabelled nightly ${kind} jobs on ${containers[0]}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
