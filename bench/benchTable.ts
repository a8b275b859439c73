import type { JavaReference, JavaUnavailable } from "./javaReference";
import type { BenchLine, DetectorLine, ForestLine } from "./runBench";

const int = (x: number | null): string => (x === null ? "-" : Math.round(x).toLocaleString("en-US"));
const times = (x: number | null): string => (x === null ? "-" : `${x.toFixed(2)}×`);
const mib = (x: number | null): string => (x === null ? "-" : (x / 1048576).toFixed(2));

function align(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function forestTable(lines: readonly ForestLine[]): string {
  const head = ["forest", "score+update/s", "Java", "ratio", "score/s", "Java", "update/s", "Java", "MiB", "process MiB", "Java MiB"];
  const rows = lines.map((l) => [
    `${l.dims} dims (${l.inputs}×${l.shingle}), ${l.trees}×${l.sampleSize}`,
    int(l.oursScoreUpdatePerSec),
    int(l.javaScoreUpdatePerSec),
    times(l.ratio),
    int(l.oursScorePerSec),
    int(l.javaScorePerSec),
    int(l.oursUpdatePerSec),
    int(l.javaUpdatePerSec),
    mib(l.oursBytes),
    mib(l.oursProcessBytes),
    mib(l.javaBytes),
  ]);
  return align(head, rows);
}

function detectorTable(lines: readonly DetectorLine[]): string {
  const head = ["detector", "steps/s", "Java TRCF", "ratio", "Java, box cache 1", "ratio", "process MiB", "Java MiB"];
  const rows = lines.map((l) => [
    `${l.series} (${l.inputs} input${l.inputs > 1 ? "s" : ""}), ${l.steps} steps`,
    int(l.oursPointsPerSec),
    int(l.javaPointsPerSec),
    times(l.ratio),
    int(l.javaCachedPointsPerSec),
    times(l.ratioCached),
    mib(l.oursBytes),
    mib(l.javaBytes),
  ]);
  return align(head, rows);
}

/** The human-readable report of a bench run: forest and detector tables, and what the Java columns are. */
export function formatTable(lines: readonly BenchLine[], java: JavaReference | JavaUnavailable): string {
  const forests = lines.filter((l): l is ForestLine => l.name === "forest");
  const detectors = lines.filter((l): l is DetectorLine => l.name === "detector");
  const rounds = lines[0]?.rounds ?? 0;
  const javaNote = java.available
    ? `Java: Random Cut Forest 4.3 on Java ${java.version}, measured in this run on the same data; fastest of ${rounds} rounds each.`
    : `Java: not measured (${java.reason}).`;
  const parts = [javaNote];
  if (forests.length) parts.push("", forestTable(forests));
  if (detectors.length) {
    parts.push("", detectorTable(detectors));
    parts.push("ours: ThresholdedForest with the shipped settings at shingle 8; Java TRCF: OpenSearch AD's single-stream settings (shingle 8, box cache 0).");
  }
  return parts.join("\n");
}
