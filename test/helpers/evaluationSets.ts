/** Small evaluation sets on disk, in the layouts `cad nab` / `cad evaluate`, `cad labelled` and `cad quality` read. */
import * as fs from "node:fs";
import * as path from "node:path";
import { Random } from "../../runtime/model/random";

const pad = (n: number) => String(n).padStart(2, "0");
function stamp(i: number): string {
  const d = new Date(Date.UTC(2014, 0, 1) + i * 300_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
}

/** nab-dev in NAB layout: cat/spiky.csv (a spike at row 450, window 430–470) and cat/calm.csv (no window), 600 rows each. */
export function writeNabSet(dir: string): void {
  fs.mkdirSync(path.join(dir, "cat"), { recursive: true });
  const rng = new Random(1);
  const rows = (spike: boolean) => ["timestamp,value", ...Array.from({ length: 600 }, (_, i) => `${stamp(i)},${(10 + Math.sin(i / 20) + 0.2 * rng.normal() + (spike && i === 450 ? 15 : 0)).toFixed(4)}`)];
  fs.writeFileSync(path.join(dir, "cat", "spiky.csv"), rows(true).join("\n"));
  fs.writeFileSync(path.join(dir, "cat", "calm.csv"), rows(false).join("\n"));
  fs.writeFileSync(path.join(dir, "combined_windows.json"), JSON.stringify({ "cat/spiky.csv": [[`${stamp(430)}.000000`, `${stamp(470)}.000000`]], "cat/calm.csv": [] }));
}

/** smd-dev as a labelled set: entities a and b, 3 metrics, 300 training and `testRows` (400) test rows; test rows 200–209 labelled and clearly anomalous. */
export function writeLabelledSet(dir: string, testRows = 400): void {
  for (const sub of ["train", "test", "test_label"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const rng = new Random(2);
  const row = () => [50 + rng.normal(), 1000 + 10 * rng.normal(), 3].map((v) => v.toFixed(3));
  for (const e of ["a", "b"]) {
    fs.writeFileSync(path.join(dir, "train", `${e}.csv`), Array.from({ length: 300 }, () => row().join(",")).join("\n"));
    const test = Array.from({ length: testRows }, () => row());
    for (let i = 200; i < 210; i++) test[i][0] = (90 + rng.normal()).toFixed(3);
    fs.writeFileSync(path.join(dir, "test", `${e}.csv`), test.map((r) => r.join(",")).join("\n"));
    fs.writeFileSync(path.join(dir, "test_label", `${e}.csv`), test.map((_, i) => (i >= 200 && i < 210 ? 1 : 0)).join("\n"));
  }
}

