/**
 * Bad-input catalogue: metrics CSV files given to `cad train` (the same reader serves `cad backtest`). Each case
 * states the exact outcome: an error on one line naming file, line and column with the exit code, or the repair
 * and the count the user sees. docs/errors.md lists every case by its id.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/main";
import { captureOutput } from "../helpers/captureOutput";
import { SHORT_ERROR_CHARS, TEN_MB, workspace } from "./workspace";

const io = captureOutput();
const ws = workspace("csv");
const CPU = "container.cpu.utilized";
const MEM = "container.memory.utilized";
const RX = "container.network.rate.rx";
const HEADER = `timestamp,service,container,${CPU},${MEM}`;
const T0 = Date.UTC(2026, 0, 5);
const at = (m: number): string => new Date(T0 + m * 60_000).toISOString();
/** `n` clean one-minute rows of one container. */
const rows = (n: number, cell = (m: number) => `${40 + (m % 7)},${500 + (m % 5)}`): string[] => Array.from({ length: n }, (_, m) => `${at(m)},web,c1,${cell(m)}`);

/** Runs `cad train` on `text` (written as `name`); returns the exit code. */
async function train(name: string, text: string, ...extra: string[]): Promise<number> {
  const input = ws.file(name, text);
  return runCli(["train", "--input", input, "--out", join(ws.dir, `${name}.model.json`), "--num-trees", "5", "--num-samples-per-tree", "32", ...extra]);
}
const path = (name: string): string => join(ws.dir, name);

describe("bad-input catalogue: metrics CSV (cad train / cad backtest)", () => {
  it.each<[string, string, string, string]>([
    ["CSV-01", "empty file", "", `:1: empty file: expected a header line such as timestamp,service,container,<metric>,… or timestamp,service,container,metric,value`],
    ["CSV-02", "header without data lines", `${HEADER}\n`, ":1: no data lines after the header"],
    ["CSV-03", "no time column", `time,service,container,${CPU}\n${at(0)},web,c1,1\n`, `:1: no time column: expected "timestamp" (or "_time" in a Splunk export); header is "time,service,container,${CPU}"`],
    ["CSV-04", "an unknown column", `${HEADER},disk.used\n${at(0)},web,c1,1,2,3\n`, `:1: unknown column "disk.used" (column 6); known metrics: ${CPU}, ${MEM}, ${RX}, container.network.rate.tx, container.restarts, container.cpu.throttled, http.server.latency.p95, container.cpu.utilization, container.memory.usage.total, container.network.io.usage.rx_bytes, container.network.io.usage.tx_bytes`],
    ["CSV-05", "a column twice", `${HEADER},${CPU}\n`, `:1: column "${CPU}" appears twice in the header (columns 4 and 6)`],
    ["CSV-06", "a row with too few cells", `${HEADER}\n${at(0)},web,c1,1\n`, ":2: expected 5 cells like the header, found 4"],
    ["CSV-07", "a timestamp without a zone", `${HEADER}\n2026-01-05T00:00:00,web,c1,1,2\n`, ':2: column 1 ("timestamp"): "2026-01-05T00:00:00" is not a timestamp with a time zone (e.g. 2026-01-05T00:00:00Z)'],
    ["CSV-08", "an impossible date", `${HEADER}\n2026-02-30T00:00:00Z,web,c1,1,2\n`, ':2: column 1 ("timestamp"): "2026-02-30T00:00:00Z" is not a timestamp with a time zone (e.g. 2026-01-05T00:00:00Z)'],
    ["CSV-09", "a word where a number belongs", `${HEADER}\n${at(0)},web,c1,n/a,2\n`, `:2: column 4 ("${CPU}"): "n/a" is not a number (leave the cell empty for a missing value)`],
    ["CSV-10", "a hexadecimal number", `${HEADER}\n${at(0)},web,c1,0x10,2\n`, `:2: column 4 ("${CPU}"): "0x10" is not a number (leave the cell empty for a missing value)`],
    ["CSV-11", "a number too large for a double", `${HEADER}\n${at(0)},web,c1,1e999,2\n`, `:2: column 4 ("${CPU}"): "1e999" is too large to be a number (out of range)`],
    ["CSV-12", "negative memory", `${HEADER}\n${at(0)},web,c1,1,-512\n`, `:2: column 5 ("${MEM}"): "-512" is negative, but a memory value cannot be`],
    ["CSV-13", "negative bytes per second (long format)", `timestamp,service,container,metric,value\n${at(0)},web,c1,${RX},-4096\n`, ':2: column 5 ("value"): "-4096" is negative, but a network-rx value cannot be'],
    ["CSV-14", "a quote never closed", `${HEADER}\n${at(0)},"web,c1,1,2\n`, ":2: a quoted cell is never closed"],
    ["CSV-15", "an empty service", `${HEADER}\n${at(0)},,c1,1,2\n`, ':2: column 2 ("service") is empty'],
    ["CSV-16", "every metric cell empty", `${HEADER}\n${at(0)},web,c1,,\n`, ":1: 1 data line(s) but not one value: every metric cell is empty"],
    ["CSV-17", "an unknown metric (long format)", `timestamp,service,container,metric,value\n${at(0)},web,c1,disk.used,1\n`, ':2: column 4 ("metric"): unknown metric "disk.used"; known metrics: '],
  ])("%s %s: exit 1, one line naming file, line and column", async (id, _what, text, message) => {
    expect(await train(`${id}.csv`, text)).toBe(1);
    expect(io.stderr.startsWith(`cad: ${path(`${id}.csv`)}${message}`)).toBe(true);
    expect(io.stderr.split("\n")).toHaveLength(2);
    expect(existsSync(path(`${id}.csv.model.json`))).toBe(false);
  });

  it("CSV-18 a 10 MB cell: the error quotes 80 characters of it and says how much was left out", async () => {
    expect(await train("CSV-18.csv", `${HEADER}\n${at(0)},web,c1,${TEN_MB},2\n`)).toBe(1);
    expect(io.stderr).toBe(`cad: ${path("CSV-18.csv")}:2: column 4 ("${CPU}"): "${"x".repeat(80)}…" (10485680 more characters) is not a number (leave the cell empty for a missing value)\n`);
    expect(io.stderr.length).toBeLessThan(SHORT_ERROR_CHARS + path("CSV-18.csv").length);
  });

  it("CSV-19 a 10 MB column name: quoted to 80 characters too", async () => {
    expect(await train("CSV-19.csv", `${HEADER},${TEN_MB}\n${at(0)},web,c1,1,2,3\n`)).toBe(1);
    expect(io.stderr.startsWith(`cad: ${path("CSV-19.csv")}:1: unknown column "${"x".repeat(80)}…" (10485680 more characters) (column 6); known metrics: `)).toBe(true);
    expect(io.stderr.length).toBeLessThan(SHORT_ERROR_CHARS * 2 + path("CSV-19.csv").length);
  });

  it("CSV-20 one 1e308 cell: training refuses (no model with std = null), naming the column and the row", async () => {
    const text = [HEADER, ...rows(60, (m) => `${40 + (m % 7)},${m === 17 ? "1e308" : 500 + (m % 5)}`)].join("\n");
    expect(await train("CSV-20.csv", text)).toBe(1);
    expect(io.stderr).toBe(
      `cad: ${path("CSV-20.csv")}: cannot train: cannot learn normalisation: column "${MEM}" has mean 1.6666666666666665e+306 and standard deviation Infinity, which are not representable numbers; ` +
        `its most extreme value is the cause: the row of web/c1 at ${at(17)} holds 1e+308. Fix or remove that row (no real measurement is that large)\n`,
    );
    expect(existsSync(path("CSV-20.csv.model.json"))).toBe(false);
  });

  it("CSV-21 a file that does not exist: usage error, exit 2", async () => {
    expect(await runCli(["train", "--input", path("missing.csv"), "--out", path("m.json")])).toBe(2);
    expect(io.stderr).toBe(`cad: --input ${path("missing.csv")}: no such file\n`);
  });

  it("CSV-22 repeated and out-of-order rows (two of each, two metrics per row): trained on, and the counts of samples are printed", async () => {
    const clean = rows(60);
    const text = [HEADER, ...clean.slice(0, 30), clean[5], ...clean.slice(30), clean[40]].join("\n");
    expect(await train("CSV-22.csv", text)).toBe(0);
    expect(io.stdout).toContain("aligned to 60-s steps: 4 sample(s) out of time order (sorted), 4 duplicate sample(s) dropped, 0 value(s) filled across short gaps, 0 row(s) left out for longer gaps");
    expect(existsSync(path("CSV-22.csv.model.json"))).toBe(true);
  });
});
