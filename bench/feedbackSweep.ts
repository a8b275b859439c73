/**
 * The feedback measurement of docs/feedback.md over seeds and nightly kinds, in one command:
 *
 *   node bin/run-ts.js bench/feedbackSweep.ts --seeds 1-8 --nightly cpu-throttling,memory-leak --out tmp/feedback-sweep
 *
 * For each seed and kind: writes the scenario (bench/feedbackScenario.ts), replays it with `cad backtest` (trained on
 * the first 24 h, labels from truth.csv), marks every false alert of that replay as `false-alarm` and replays again
 * with `cad backtest --feedback`. Prints one JSON line per run (detected of known, false alerts, missed kinds, before
 * and after) and a Markdown table at the end. Each run takes about 1.5 minutes of one core.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backtest } from "../cli/replay/backtest";
import { nightlyKind, writeFeedbackScenario } from "./feedbackScenario";

/** What one backtest said about the labelled windows. */
interface TruthFigures {
  readonly detected: number;
  readonly known: number;
  readonly falseAlerts: number;
  readonly missed: readonly string[];
}

interface SweepRun {
  readonly nightly: string;
  readonly seed: number;
  readonly before: TruthFigures;
  readonly after: TruthFigures;
  readonly marks: number;
}

/** `1-8` or `1,3,5` (or a mix) → the seeds, in order. */
function parseSeeds(value: string): number[] {
  const seeds = value.split(",").flatMap((part) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`--seeds: expected seeds such as 1-8 or 1,2,5, got "${value}"`);
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    if (hi < lo) throw new Error(`--seeds: ${part} runs backwards`);
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  });
  return [...new Set(seeds)];
}

async function replay(dir: string, out: string, feedback?: string): Promise<{ figures: TruthFigures; falseIds: string[] }> {
  const s = await backtest({ input: join(dir, "metrics.csv"), labels: join(dir, "truth.csv"), out, trainHours: 24, maxStep: 2, cooldownMinutes: 10, json: true, ...(feedback ? { feedback } : {}) });
  if (!s.truth) throw new Error(`${dir}: the backtest read no labels`);
  const t = s.truth;
  return { figures: { detected: t.detected, known: t.known, falseAlerts: t.falseAlerts.length, missed: t.missed.map((m) => m.kind ?? "window") }, falseIds: t.falseAlerts.map((f) => f.id) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seeds: { type: "string", default: "1-8" }, nightly: { type: "string", default: "cpu-throttling,memory-leak" }, days: { type: "string", default: "5" }, out: { type: "string", default: "tmp/feedback-sweep" } } });
  const seeds = parseSeeds(values.seeds);
  const kinds = values.nightly.split(",").map((k) => nightlyKind(k.trim()));
  const runs: SweepRun[] = [];
  for (const kind of kinds) {
    for (const seed of seeds) {
      const dir = join(values.out, `${kind}-s${seed}`);
      await writeFeedbackScenario({ seed, days: Number(values.days), nightly: kind, out: dir });
      const before = await replay(dir, join(dir, "before"));
      const feedback = join(dir, "feedback.json");
      writeFileSync(feedback, JSON.stringify(before.falseIds.map((incidentId) => ({ incidentId, verdict: "false-alarm" }))));
      const after = await replay(dir, join(dir, "after"), feedback);
      const run: SweepRun = { nightly: kind, seed, before: before.figures, after: after.figures, marks: before.falseIds.length };
      runs.push(run);
      process.stdout.write(JSON.stringify(run) + "\n");
    }
  }
  const missed = (t: TruthFigures) => (t.missed.length > 0 ? t.missed.join(", ") : "none");
  process.stdout.write(
    [
      "",
      "| nightly job | seed | injected detected, before → after | false alerts, before → after | missed before / after |",
      "|---|---|---|---|---|",
      ...runs.map((r) => `| ${r.nightly} | ${r.seed} | ${r.before.detected} of ${r.before.known} → ${r.after.detected} of ${r.after.known} | ${r.before.falseAlerts} → ${r.after.falseAlerts} | ${missed(r.before)} / ${missed(r.after)} |`),
      "",
    ].join("\n"),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
