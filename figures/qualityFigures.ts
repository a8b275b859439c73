import { BASELINE_LABELS } from "../cli/quality/renderQuality";
import { provenanceLine } from "./demoFigures";
import type { LabelledSetFigures, NabSetFigures, QualityFiguresGroup, Spread } from "./figuresFile";

type Row = readonly [set: string, figure: string, spread: Spread | null, digits: number];

function nabRows(s: NabSetFigures): Row[] {
  return [
    [s.set, "NAB score, standard profile (0–100)", s.standard, 2],
    ["", "NAB score, low-FP profile", s.lowFP, 2],
    ["", "NAB score, low-FN profile", s.lowFN, 2],
    ["", `windows found (of ${s.windows})`, s.found, 0],
    ["", "false positives (standard)", s.falsePositives, 0],
    ...(s.atAlerts
      ? ([
          ["", "NAB standard at its own alerts (no threshold search)", s.atAlerts.standard, 2],
          ["", `windows found at its alerts (of ${s.windows})`, s.atAlerts.found, 0],
          ["", "false positives at its alerts", s.atAlerts.falsePositives, 0],
        ] as Row[])
      : []),
  ];
}

function labelledRows(s: LabelledSetFigures): Row[] {
  const best = (BASELINE_LABELS as Readonly<Record<string, string>>)[s.bestBaseline] ?? s.bestBaseline;
  return [
    [s.set, "onset F1", s.onset.f1, 3],
    ["", "run F1 (each found run counted once)", s.onset.runF1 ?? null, 3],
    ["", "onset precision", s.onset.precision, 3],
    ["", "onset recall", s.onset.recall, 3],
    ["", `labelled runs found (of ${s.runs})`, s.onset.runsFound, 0],
    ["", "false onsets per 1,000 steps", s.onset.falsePer1000, 2],
    ["", "event F1", s.eventF1, 3],
    ["", `best baseline's onset F1 (${best})`, s.baselines[s.bestBaseline] ?? null, 3],
    ["", "onset F1 ÷ best baseline's", s.ratioToBest, 2],
  ];
}

const fmt = (x: number, digits: number): string => x.toFixed(digits);

/**
 * The README's quality table from one `npm run quality` run: per set and figure, each seed, the mean and its
 * spread; the last row is the protocol's mean normalised score.
 */
export function renderQualityTable(q: QualityFiguresGroup): string {
  const rows: Row[] = [...q.sets.flatMap((s) => (s.kind === "nab" ? nabRows(s) : labelledRows(s))), ["all sets", "mean normalised score (NAB standard / 100, onset F1)", q.normalised, 3]];
  const head = `| set | figure | ${q.seeds.map((s) => `seed ${s}`).join(" | ")} | mean (min–max) |`;
  const rule = `| --- | --- | ${q.seeds.map(() => "---:").join(" | ")} | ---: |`;
  const body = rows.map(([set, figure, spread, digits]) => {
    if (spread === null) return `| ${set} | ${figure} | ${q.seeds.map(() => "-").join(" | ")} | - |`;
    const mean = spread.min === spread.max ? fmt(spread.mean, digits) : `${fmt(spread.mean, digits)} (${fmt(spread.min, digits)}–${fmt(spread.max, digits)})`;
    return `| ${set} | ${figure} | ${spread.values.map((x) => fmt(x, digits)).join(" | ")} | ${mean} |`;
  });
  const minutes = Math.round(q.seconds / 60);
  return [head, rule, ...body, "", `${minutes} minutes of run time (the runs' seconds added up; runs side by side with --jobs share the wall clock). ${provenanceLine(q)}`].join("\n");
}
