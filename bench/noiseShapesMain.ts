/**
 * False alerts on normal-only series of shapes the development sets hold little of (bench/noiseShapes.ts), for the
 * shipped detector and, with --java-reference, OpenSearch's detector in the same run:
 *
 *   node bin/run-ts.js bench/noiseShapesMain.ts --java-reference
 *
 * Every alert after NAB's probationary 15 % of a series is false: there is nothing else in these series. Ours alerts
 * where `cad nab` and the detect Lambda do (the detection's `alert`), OpenSearch's where its grade is above 0. With
 * --candidates (`cad quality`'s file) each candidate's settings run beside the shipped ones. Prints a Markdown table
 * of alerts per 1,000 steps per shape (each seed, then all), one JSON line per shape and detector with --json.
 * About 1.5 minutes per candidate and 2 for the reference at the defaults on one core.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { CliError, EXIT_USAGE, parseIntAtLeast } from "../cli/cliError";
import { parseSeeds } from "../cli/commands/quality";
import { candidateProfile, readCandidates, SHIPPED, type Candidate } from "../cli/quality/candidatesFile";
import { javaReferenceUnavailable, readReplay, replayFiles } from "../cli/quality/javaTrcf";
import { replaySeries } from "../runtime/evaluation/replaySeries";
import { alertsAfterProbation, NOISE_SHAPES, noiseSeries, type NoiseShape } from "./noiseShapes";

const HELP = `Usage: node bin/run-ts.js bench/noiseShapesMain.ts [options]

False alerts per 1,000 steps on normal-only synthetic series (every alert after the first 15 % is false).

  --rows N            rows per series (default 8000)
  --replicas N        series per shape, each its own seeded values (default 5)
  --seeds LIST        detector seeds, comma-separated (default 1,2,3)
  --shapes LIST       only these shapes (default all: ${NOISE_SHAPES.map((s) => s.name).join(", ")})
  --candidates FILE   also run these settings (cad quality's candidates file: [{"name": …, "overrides": {…}}])
  --java-reference    also run OpenSearch's detector (../shared/tools/java-rcf, or CAD_JAVA_RCF) on the same series
  --out DIR           where the reference's input and output files go (default tmp/noise-shapes)
  --json              one JSON line per shape instead of the table
  -h, --help          this help
`;

interface Counts {
  alerts: number;
  steps: number;
}

interface ShapeResult {
  readonly shape: NoiseShape;
  /** Per candidate (shipped first), its counts per seed. */
  readonly ours: { readonly candidate: string; readonly counts: Counts[] }[];
  readonly reference?: Counts[];
}

function chooseShapes(list: string | undefined): NoiseShape[] {
  if (list === undefined) return [...NOISE_SHAPES];
  const names = list.split(",").map((s) => s.trim());
  const unknown = names.find((n) => !NOISE_SHAPES.some((s) => s.name === n));
  if (unknown !== undefined) throw new CliError(`--shapes: unknown shape "${unknown.slice(0, 80)}" (known: ${NOISE_SHAPES.map((s) => s.name).join(", ")})`, EXIT_USAGE);
  return NOISE_SHAPES.filter((s) => names.includes(s.name));
}

const perThousand = (c: Counts): number => (1000 * c.alerts) / c.steps;
const total = (cs: readonly Counts[]): Counts => ({ alerts: cs.reduce((s, c) => s + c.alerts, 0), steps: cs.reduce((s, c) => s + c.steps, 0) });

/** OpenSearch's detector over every series at each seed (one JVM per seed), counted as ours are. */
async function runReference(shapes: readonly NoiseShape[], rows: number, replicas: number, seeds: readonly number[], out: string): Promise<Map<string, Counts[]>> {
  const why = javaReferenceUnavailable();
  if (why !== null) throw new CliError(`--java-reference: ${why}`);
  const work = path.resolve(out);
  fs.mkdirSync(work, { recursive: true });
  const jobs = shapes.flatMap((shape) =>
    Array.from({ length: replicas }, (_, k) => {
      const { timestamps, values } = noiseSeries(shape, k + 1, rows);
      const input = path.join(work, `${shape.name}_r${k + 1}.csv`);
      // Seconds since the epoch, as `cad quality --java-reference` sends a NAB file.
      fs.writeFileSync(input, values.map((v, i) => `${Math.round(timestamps[i] / 1000)},${v}`).join("\n") + "\n");
      return { shape: shape.name, input, output: `${input}.out` };
    }),
  );
  const counts = new Map<string, Counts[]>(shapes.map((s) => [s.name, []]));
  for (const seed of seeds) {
    process.stderr.write(`noise-shapes: OpenSearch's detector, seed ${seed} (${jobs.length} series)\n`);
    await replayFiles(seed, jobs, work, () => undefined);
    const bySeed = new Map<string, Counts>(shapes.map((s) => [s.name, { alerts: 0, steps: 0 }]));
    for (const j of jobs) {
      // OpenSearch raises an anomaly where the grade is above 0 (as `cad quality --java-reference` counts its alerts).
      const c = alertsAfterProbation(readReplay(j.output, rows).map((a) => a.grade > 0));
      const acc = bySeed.get(j.shape);
      if (acc === undefined) throw new Error(`no shape ${j.shape}`);
      acc.alerts += c.alerts;
      acc.steps += c.steps;
    }
    for (const [name, c] of bySeed) counts.get(name)?.push(c);
  }
  return counts;
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    options: {
      rows: { type: "string", default: "8000" },
      replicas: { type: "string", default: "5" },
      seeds: { type: "string", default: "1,2,3" },
      shapes: { type: "string" },
      candidates: { type: "string" },
      "java-reference": { type: "boolean", default: false },
      out: { type: "string", default: "tmp/noise-shapes" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (o.help) {
    process.stdout.write(HELP);
    return;
  }
  const rows = parseIntAtLeast("--rows", 100, "the probation is 15 % of them")(o.rows);
  const replicas = parseIntAtLeast("--replicas", 1)(o.replicas);
  const seeds = parseSeeds(o.seeds);
  const shapes = chooseShapes(o.shapes);
  const candidates: Candidate[] = o.candidates === undefined ? [SHIPPED] : readCandidates(o.candidates);
  const results: ShapeResult[] = [];
  for (const shape of shapes) {
    const ours = candidates.map((candidate) => {
      const profile = candidateProfile(candidate);
      const counts = seeds.map((seed) => {
        const c: Counts = { alerts: 0, steps: 0 };
        for (let k = 1; k <= replicas; k++) {
          const { timestamps, values } = noiseSeries(shape, k, rows);
          const r = alertsAfterProbation(replaySeries(timestamps, values.map((v) => [v]), { mode: "streaming", seed, profile }).map((d) => d.alert));
          c.alerts += r.alerts;
          c.steps += r.steps;
        }
        return c;
      });
      process.stderr.write(`noise-shapes: ${shape.name}, ${candidate.name}: ${perThousand(total(counts)).toFixed(2)} alerts per 1,000 steps\n`);
      return { candidate: candidate.name, counts };
    });
    results.push({ shape, ours });
  }
  const reference = o["java-reference"] ? await runReference(shapes, rows, replicas, seeds, o.out) : undefined;
  const all = results.map((r) => ({ ...r, ...(reference ? { reference: reference.get(r.shape.name) } : {}) }));
  if (o.json) {
    for (const r of all) {
      const line = {
        shape: r.shape.name,
        description: r.shape.description,
        stepMinutes: r.shape.stepMs / 60_000,
        rows,
        replicas,
        seeds,
        ours: r.ours.map((c) => ({ candidate: c.candidate, perThousand: c.counts.map(perThousand), all: perThousand(total(c.counts)) })),
        ...(r.reference ? { reference: { perThousand: r.reference.map(perThousand), all: perThousand(total(r.reference)) } } : {}),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return;
  }
  const seedText = (cs: readonly Counts[]): string => `${cs.map((c) => perThousand(c).toFixed(2)).join(" / ")} (${perThousand(total(cs)).toFixed(2)})`;
  const lines = [
    `False alerts per 1,000 steps, ${replicas} series of ${rows} rows per shape, seeds ${seeds.join(", ")} (each seed, then all):`,
    "",
    `| shape | step | ${candidates.map((c) => (c.name === SHIPPED.name ? "ours (shipped)" : c.name)).join(" | ")} |${reference ? " OpenSearch's detector |" : ""}`,
    `| --- | --- | ${candidates.map(() => "---").join(" | ")} |${reference ? " --- |" : ""}`,
    ...all.map((r) => `| ${r.shape.name}: ${r.shape.description} | ${r.shape.stepMs / 60_000} min | ${r.ours.map((c) => seedText(c.counts)).join(" | ")} |${r.reference ? ` ${seedText(r.reference)} |` : ""}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`noise-shapes: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = e instanceof CliError ? e.exitCode : 1;
});
