import type { Prf } from "../../runtime/evaluation/labelledMetrics";
import type { LabelledReport, Metrics } from "./runLabelled";

/** Name column, then point-wise, event-wise and onset-wise columns (about 118 characters). */
export function renderLabelled(r: LabelledReport): string {
  const f = (x: number) => x.toFixed(3);
  const p = (m: Prf) => `${f(m.precision)} ${f(m.recall)} ${f(m.f1)}`;
  const prfHead = `${"P".padEnd(5)} ${"R".padEnd(5)} ${"F1".padEnd(5)}`;
  const line = (cells: readonly [string, string, string, string, string, string, string, string]) =>
    `${cells[0].padEnd(26)} ${cells[1].padEnd(17)}   ${cells[2].padEnd(17)} ${cells[3].padStart(7)} ${cells[4].padStart(6)}   ${cells[5].padEnd(17)} ${cells[6].padStart(7)} ${cells[7].padStart(9)}`.trimEnd();
  const row = (name: string, m: Metrics) =>
    line([name, p(m.point), p(m.event), `${m.event.tp}/${m.event.tp + m.event.fn}`, String(m.event.fp), p(m.onset), `${m.onset.runsFound}/${m.onset.runs}`, m.onset.falsePer1000.toFixed(2)]);
  const out = [
    line(["", "point-wise", "event-wise", "events", "false", "onset-wise", "runs", "false"]),
    line(["entity", prfHead, prfHead, "found", "events", prfHead, "found", "onsets/1k"]),
    ...r.perEntity.map((e) => row(e.entity, e)),
    row(`total (${r.mode})`, r.detector),
  ];
  if (r.baselines) {
    out.push(row("baseline: 3σ per metric", r.baselines.threeSigma));
    out.push(row("baseline: 3σ, 3 in a row", r.baselines.threeSigmaConsecutive));
    out.push(row("baseline: iforest mean+3σ", r.baselines.isolationForest));
    out.push(row("baseline: iforest p99.5", r.baselines.isolationForestP995));
  }
  const { gap, tolerance } = r.onsetOptions;
  out.push(`onset: an alert's first step after ≥ ${gap} quiet steps; a hit inside a labelled run or ≤ ${tolerance} steps after its end; false onsets per 1,000 steps`);
  out.push(`best point-wise F1 over thresholds (uses the labels, for reference): ${f(r.detector.bestPointF1)}`);
  if (r.young) {
    const y = r.young;
    out.push(`young services (--young): ${y.pieces} pieces of ${y.rows} test rows, one starting every ${y.every} rows, each learning only on the ${y.history === 1 ? "row" : `${y.history} rows`} before it${y.skipped > 0 ? `; ${y.skipped} skipped (history all missing)` : ""}`);
  } else if (r.trainRows !== null) out.push(`trained on the last ${r.trainRows === 1 ? "row" : `${r.trainRows} rows`} of each train part (--train-rows)`);
  out.push(`${r.entities} entities, ${r.rows} rows in ${r.seconds.toFixed(1)} s`);
  return out.join("\n");
}
