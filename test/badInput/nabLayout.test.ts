/**
 * Bad-input catalogue: NAB-layout folders given to `cad nab` (`<category>/<file>.csv` with `timestamp,value`).
 * Exact outcome per case; docs/errors.md lists them.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import { captureOutput } from "../helpers/captureOutput";
import { SHORT_ERROR_CHARS, TEN_MB, workspace } from "./workspace";

const io = captureOutput();
const ws = workspace("nab");
const T0 = Date.UTC(2014, 1, 14, 14, 30);
const at = (i: number): string => new Date(T0 + i * 300_000).toISOString().replace("T", " ").slice(0, 19);
const clean = (n: number): string[] => Array.from({ length: n }, (_, i) => `${at(i)},${10 + (i % 4)}`);

/** A NAB folder `<id>/data/cat/f.csv` holding `text`; runs `cad nab` on it and returns the exit code. */
async function nab(id: string, text: string): Promise<number> {
  ws.file(`${id}/data/cat/f.csv`, text);
  return runCli(["nab", "--data", join(ws.dir, id, "data"), "--out", join(ws.dir, id, "out")]);
}
const dataFile = (id: string): string => join(ws.dir, id, "data", "cat", "f.csv");

describe("bad-input catalogue: NAB layout (cad nab)", () => {
  it("NAB-01 rows out of time order: sorted, the count printed, results in time order", async () => {
    const rows = clean(40);
    [rows[10], rows[11]] = [rows[11], rows[10]];
    expect(await nab("NAB-01", ["timestamp,value", ...rows].join("\n"))).toBe(0);
    expect(io.stdout).toContain("cad nab: cat/f.csv: 1 row(s) out of time order (sorted); 40 of 40 rows used\n");
    const results = readFileSync(join(ws.dir, "NAB-01", "out", "cad", "cat", "cad_f.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]);
    expect(results).toEqual(clean(40).map((r) => r.split(",")[0]));
  });

  it("NAB-02 repeated timestamps: the first row kept, the count printed (and how many disagreed)", async () => {
    const rows = clean(40);
    expect(await nab("NAB-02", ["timestamp,value", ...rows.slice(0, 20), `${at(5)},99`, `${at(19)},${10 + (19 % 4)}`, ...rows.slice(20)].join("\n"))).toBe(0);
    expect(io.stdout).toContain("cad nab: cat/f.csv: 1 row(s) out of time order (sorted); 2 repeated timestamp(s) dropped, the first kept (1 with a different value); 40 of 42 rows used\n");
    const lines = readFileSync(join(ws.dir, "NAB-02", "out", "cad", "cat", "cad_f.csv"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(41);
    expect(lines[6].startsWith(`${at(5)},${10 + (5 % 4)},`)).toBe(true);
  });

  it.each<[string, string, string, string]>([
    ["NAB-03", "a header without timestamp,value", "time,val\n2014-02-14 14:30:00,1\n", ':1: header must name the columns timestamp,value, got "time,val"'],
    ["NAB-04", "a missing value", `timestamp,value\n${at(0)},\n`, ":2: missing value"],
    ["NAB-05", "a timestamp in another format", `timestamp,value\n14/02/2014 14:30,1\n`, ':2: timestamp "14/02/2014 14:30" is not YYYY-MM-DD HH:MM:SS'],
    ["NAB-06", "a value that is not a number", `timestamp,value\n${at(0)},NaN\n`, ':2: value "NaN" is not a finite number'],
    ["NAB-07", "a row with a third field", `timestamp,value\n${at(0)},1,2\n`, `:2: expected 2 comma-separated fields, got 3 ("${at(0)},1,2")`],
    ["NAB-08", "a header and no rows", "timestamp,value\n", ":2: no data rows after the header"],
  ])("%s %s: exit 1, one line naming file and line", async (id, _what, text, message) => {
    expect(await nab(id, text)).toBe(1);
    expect(io.stderr).toBe(`cad: ${dataFile(id)}${message}\n`);
  });

  it("NAB-09 a 10 MB line: quoted to 80 characters", async () => {
    const line = `${at(0)},1,${TEN_MB}`;
    expect(await nab("NAB-09", `timestamp,value\n${line}\n`)).toBe(1);
    expect(io.stderr).toBe(`cad: ${dataFile("NAB-09")}:2: expected 2 comma-separated fields, got 3 ("${line.slice(0, 80)}…" (${line.length - 80} more characters))\n`);
    expect(io.stderr.length).toBeLessThan(SHORT_ERROR_CHARS + dataFile("NAB-09").length);
  });

  it("NAB-10 a data folder without <category>/<file>.csv: exit 1, said plainly", async () => {
    mkdirSync(join(ws.dir, "NAB-10", "data", "empty"), { recursive: true });
    expect(await runCli(["nab", "--data", join(ws.dir, "NAB-10", "data"), "--out", join(ws.dir, "NAB-10", "out")])).toBe(1);
    expect(io.stderr).toBe(`cad: --data ${join(ws.dir, "NAB-10", "data")} holds no <category>/<file>.csv files\n`);
  });
});
