/**
 * Bad-input catalogue: labelled multivariate folders given to `cad labelled`
 * (`train/<entity>.csv`, `test/<entity>.csv`, `test_label/<entity>.csv`, header-less numbers).
 * Exact outcome per case; docs/errors.md lists them.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import { captureOutput } from "../helpers/captureOutput";
import { SHORT_ERROR_CHARS, TEN_MB, workspace } from "./workspace";

const io = captureOutput();
const ws = workspace("labelled");
const rows = (n: number): string => Array.from({ length: n }, (_, i) => `${i % 5},${(i * 3) % 7}`).join("\n");
const labels = (n: number): string => Array.from({ length: n }, (_, i) => (i === 3 ? "1" : "0")).join("\n");

/** Writes an entity `e` under `<id>/` (each part overridable) and runs `cad labelled`; returns the exit code. */
async function labelled(id: string, parts: { train?: string; test?: string; labels?: string } = {}): Promise<number> {
  ws.file(`${id}/train/e.csv`, parts.train ?? rows(20));
  ws.file(`${id}/test/e.csv`, parts.test ?? rows(10));
  ws.file(`${id}/test_label/e.csv`, parts.labels ?? labels(10));
  return runCli(["labelled", "--data", join(ws.dir, id), "--out", join(ws.dir, id, "out")]);
}
const f = (id: string, sub: string): string => join(ws.dir, id, sub, "e.csv");

describe("bad-input catalogue: labelled layout (cad labelled)", () => {
  it("LAB-01 a cell that is not a number: exit 1 naming file, line and column", async () => {
    expect(await labelled("LAB-01", { test: `${rows(4)}\n1,abc\n${rows(5)}` })).toBe(1);
    expect(io.stderr).toBe(`cad: ${f("LAB-01", "test")}:5: column 2 "abc" is not a finite number or a missing value (empty, NaN, NA, null)\n`);
  });

  it("LAB-02 a row of another width", async () => {
    expect(await labelled("LAB-02", { train: `${rows(3)}\n1,2,3\n${rows(16)}` })).toBe(1);
    expect(io.stderr).toBe(`cad: ${f("LAB-02", "train")}:4: expected 2 comma-separated values like line 1, got 3\n`);
  });

  it("LAB-03 a label other than 0 or 1", async () => {
    expect(await labelled("LAB-03", { labels: `0\n0\nyes\n${labels(7)}` })).toBe(1);
    expect(io.stderr).toBe(`cad: ${f("LAB-03", "test_label")}:3: label must be 0 or 1, got "yes"\n`);
  });

  it("LAB-04 fewer labels than test rows", async () => {
    expect(await labelled("LAB-04", { labels: labels(9) })).toBe(1);
    expect(io.stderr).toBe(`cad: ${f("LAB-04", "test_label")}: 9 labels, but ${f("LAB-04", "test")} has 10 rows\n`);
  });

  it("LAB-05 test and train of different widths", async () => {
    expect(await labelled("LAB-05", { test: Array.from({ length: 10 }, () => "1,2,3").join("\n") })).toBe(1);
    expect(io.stderr).toBe(`cad: ${f("LAB-05", "test")}: 3 columns, but ${f("LAB-05", "train")} has 2\n`);
  });

  it("LAB-06 no test/ folder", async () => {
    mkdirSync(join(ws.dir, "LAB-06", "train"), { recursive: true });
    expect(await runCli(["labelled", "--data", join(ws.dir, "LAB-06"), "--out", join(ws.dir, "LAB-06", "out")])).toBe(1);
    expect(io.stderr.startsWith(`cad: --data ${join(ws.dir, "LAB-06")}: expected folders train/, test/ and test_label/ (`)).toBe(true);
  });

  it("LAB-07 an empty train file", async () => {
    expect(await labelled("LAB-07", { train: "" })).toBe(1);
    expect(io.stderr).toBe(`cad: ${f("LAB-07", "train")}: no rows\n`);
  });

  it("LAB-09 a header line (no number in it) on each file: skipped and said, the rows read as without it", async () => {
    expect(await labelled("LAB-09", { train: `cpu,mem\r\n${rows(20)}`, test: `cpu,mem\n${rows(10)}`, labels: `label\n${labels(10)}` })).toBe(0);
    for (const sub of ["train", "test"]) expect(io.stderr).toContain(`cad labelled: ${f("LAB-09", sub)}: line 1 is a header ("cpu,mem"): skipped\n`);
    expect(io.stderr).toContain(`cad labelled: ${f("LAB-09", "test_label")}: line 1 is a header ("label"): skipped\n`);
    // Line numbers in errors still count the header.
    expect(await labelled("LAB-09b", { test: `cpu,mem\n${rows(4)}\n1,abc\n${rows(5)}` })).toBe(1);
    expect(io.stderr).toContain(`cad: ${f("LAB-09b", "test")}:6: column 2 "abc" is not a finite number or a missing value (empty, NaN, NA, null)\n`);
  });

  it("LAB-10 labels written as numbers in another spelling (0.0, 1.0, 1e0): read as 0 and 1", async () => {
    const spelled = Array.from({ length: 10 }, (_, i) => (i === 3 ? "1.0" : i === 4 ? "1e0" : "0.000000000000000000e+00")).join("\n");
    expect(await labelled("LAB-10", { labels: spelled })).toBe(0);
    expect(await labelled("LAB-10b", { labels: `0\n0.5\n${labels(8)}` })).toBe(1);
    expect(io.stderr).toContain(`cad: ${f("LAB-10b", "test_label")}:2: label must be 0 or 1, got "0.5"\n`);
  });

  it("LAB-11 missing values (empty, NaN, NA, null): a short gap filled from the step before, a longer one left as gap rows; said on stderr", async () => {
    const test = rows(10).split("\n");
    test[2] = "NaN,1"; // one value missing for one step: filled
    test[3] = "100,100"; // the labelled row: far off, for the baselines below
    for (const i of [5, 6, 7, 8]) test[i] = i === 5 ? ",null" : "NA,"; // both values missing for 4 steps: longer than 3, left as gaps
    const train = `${rows(10)}\n,\n${rows(4)}\n,\n,\n,\n,\n${rows(5)}`; // one missing step (filled), then four (a gap)
    expect(await labelled("LAB-11", { test: test.join("\n"), train })).toBe(0);
    expect(io.stderr).toContain(`cad labelled: ${f("LAB-11", "train")}: 2 missing value(s) filled from the step before (gaps of up to 3 steps); 4 row(s) left as gaps, not scored\n`);
    expect(io.stderr).toContain(`cad labelled: ${f("LAB-11", "test")}: 1 missing value(s) filled from the step before (gaps of up to 3 steps); 4 row(s) left as gaps, not scored\n`);
    // The baselines learn without the training part's gap rows (a NaN in 3σ's mean would keep it from ever alerting)
    // and do not alert on the test part's.
    expect(await runCli(["labelled", "--data", join(ws.dir, "LAB-11"), "--out", join(ws.dir, "LAB-11", "out"), "--baselines", "--json"])).toBe(0);
    const report = JSON.parse(io.stdout.trim().split("\n").pop() ?? "") as { baselines: Record<string, { point: { tp: number; fp: number; fn: number } }> };
    expect(report.baselines.threeSigma.point).toEqual({ tp: 1, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 });
    for (const b of Object.values(report.baselines)) expect(b.point.fp).toBe(0);
  });

  it("LAB-12 a train file whose every row has a missing value (after filling): exit 1, nothing to train on", async () => {
    expect(await labelled("LAB-12", { train: Array.from({ length: 20 }, () => "1,").join("\n") })).toBe(1);
    expect(io.stderr).toContain(`cad: ${f("LAB-12", "train")}: every row has a missing value (after filling gaps of up to 3 steps): nothing to train on\n`);
    // Or every row of the part --train-rows keeps.
    ws.file("LAB-12b/train/e.csv", `${rows(20)}\n${Array.from({ length: 5 }, () => ",1").join("\n")}`);
    ws.file("LAB-12b/test/e.csv", rows(10));
    ws.file("LAB-12b/test_label/e.csv", labels(10));
    expect(await runCli(["labelled", "--data", join(ws.dir, "LAB-12b"), "--out", join(ws.dir, "LAB-12b", "out"), "--train-rows", "5"])).toBe(1);
    expect(io.stderr).toContain(`cad: ${f("LAB-12b", "train")}: its last 5 row(s) (--train-rows) all have a missing value (after filling gaps of up to 3 steps): nothing to train on\n`);
  });

  it("LAB-08 a 10 MB cell: quoted to 80 characters", async () => {
    expect(await labelled("LAB-08", { test: `1,${TEN_MB}\n${rows(9)}` })).toBe(1);
    expect(io.stderr).toBe(`cad: ${f("LAB-08", "test")}:1: column 2 "${"x".repeat(80)}…" (10485680 more characters) is not a finite number or a missing value (empty, NaN, NA, null)\n`);
    expect(io.stderr.length).toBeLessThan(SHORT_ERROR_CHARS + f("LAB-08", "test").length);
  });
});
