import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cutPieces, writeYoungSets, youngSetOptions } from "../../bench/youngNabSets";
import { locateSets } from "../../cli/quality/qualitySets";

/** `n` NAB timestamps 5 minutes apart from 2024-01-01 00:00. */
function times(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().slice(0, 19).replace("T", " "));
}
const w = (t: string): string => `${t}.000000`;

describe("young single series cut from the NAB-layout sets (bench/youngNabSets.ts)", () => {
  const root = mkdtempSync(join(tmpdir(), "cad-young-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("cuts a piece per window, starting `before` rows ahead of it, with the windows inside clipped to the piece", () => {
    const t = times(5000);
    const windows = [[w(t[1000]), w(t[1100])], [w(t[1800]), w(t[1900])], [w(t[4900]), w(t[4999])]] as const;
    const pieces = cutPieces(t, windows, { rows: 1000, before: 600, every: 1 });
    expect(pieces.map((p) => [p.start, p.end])).toEqual([[400, 1400], [1200, 2200], [4300, 5000]]);
    // The first piece holds the first window whole; the second holds the second whole and nothing of the first.
    expect(pieces[0].windows).toEqual([windows[0]]);
    expect(pieces[1].windows).toEqual([windows[1]]);
    expect(pieces[2].windows).toEqual([windows[2]]);
    // A window that reaches past a piece is clipped to the piece's first or last row.
    const long = [[w(t[300]), w(t[1700])]] as const;
    expect(cutPieces(t, long, { rows: 1000, before: 100, every: 1 })).toEqual([{ start: 200, end: 1200, windows: [[w(t[300]), w(t[1199])]] }]);
    expect(cutPieces(t, long, { rows: 1000, before: 0, every: 1 })[0].windows).toEqual([[w(t[300]), w(t[1299])]]);
    const early = [[w(t[10]), w(t[20])], [w(t[1150]), w(t[1200])]] as const;
    expect(cutPieces(t, early, { rows: 1000, before: 600, every: 1 }).map((p) => [p.start, p.windows.length])).toEqual([[0, 1], [550, 1]]);
  });

  it("cuts every k-th window with `every`, and a file without windows gives its first rows", () => {
    const t = times(3000);
    const windows = [100, 800, 1500, 2200].map((i) => [w(t[i]), w(t[i + 10])] as const);
    expect(cutPieces(t, windows, { rows: 500, before: 100, every: 2 }).map((p) => p.start)).toEqual([0, 1400]);
    expect(cutPieces(t, [], { rows: 500, before: 100, every: 1 })).toEqual([{ start: 0, end: 500, windows: [] }]);
    expect(cutPieces(t.slice(0, 200), [], { rows: 500, before: 100, every: 1 })).toEqual([{ start: 0, end: 200, windows: [] }]);
  });

  it("writes both NAB-layout sets in the layout `cad quality --datasets` reads, windows keyed by the pieces' files", () => {
    const from = join(root, "datasets");
    const t = times(2400);
    const csv = (f: (i: number) => number) => ["timestamp,value", ...t.map((ts, i) => `${ts},${f(i)}`)].join("\n") + "\n";
    mkdirSync(join(from, "nab-dev", "realX"), { recursive: true });
    mkdirSync(join(from, "nab-dev", "artificialNoAnomaly"), { recursive: true });
    writeFileSync(join(from, "nab-dev", "realX", "a.csv"), csv((i) => i % 7));
    writeFileSync(join(from, "nab-dev", "artificialNoAnomaly", "flat.csv"), csv(() => 3));
    writeFileSync(join(from, "nab-dev", "combined_windows.json"), JSON.stringify({ "realX/a.csv": [[w(t[1500]), w(t[1520])]], "artificialNoAnomaly/flat.csv": [] }));
    mkdirSync(join(from, "kpi-dev", "data", "kpi"), { recursive: true });
    mkdirSync(join(from, "kpi-dev", "labels"), { recursive: true });
    writeFileSync(join(from, "kpi-dev", "data", "kpi", "k.csv"), csv((i) => i % 5));
    writeFileSync(join(from, "kpi-dev", "labels", "combined_windows.json"), JSON.stringify({ "kpi/k.csv": [300, 700, 1100, 1500, 1900].map((i) => [w(t[i]), w(t[i + 3])]) }));
    const to = join(root, "young");
    const lines = writeYoungSets(from, to, { rows: 1000, before: 200, every: 1, everyKpi: 2 });
    expect(lines[0]).toMatch(/^nab-dev: 2 pieces, 1 windows/);
    expect(lines[1]).toMatch(/^kpi-dev: 3 pieces, 5 windows/);
    const nab = JSON.parse(readFileSync(join(to, "nab-dev", "combined_windows.json"), "utf8")) as Record<string, unknown>;
    expect(nab).toEqual({ "realX/a_p0.csv": [[w(t[1500]), w(t[1520])]], "artificialNoAnomaly/flat_p0.csv": [] });
    const piece = readFileSync(join(to, "nab-dev", "realX", "a_p0.csv"), "utf8").trimEnd().split("\n");
    expect(piece).toHaveLength(1001);
    expect(piece[0]).toBe("timestamp,value");
    expect(piece[1]).toBe(`${t[1300]},${1300 % 7}`);
    const kpi = JSON.parse(readFileSync(join(to, "kpi-dev", "labels", "combined_windows.json"), "utf8")) as Record<string, unknown[]>;
    expect(Object.keys(kpi)).toEqual(["kpi/k_p0.csv", "kpi/k_p1.csv", "kpi/k_p2.csv"]);
    expect(kpi["kpi/k_p0.csv"]).toHaveLength(2);
    expect(existsSync(join(to, "kpi-dev", "data", "kpi", "k_p2.csv"))).toBe(true);
    // What `cad quality --datasets` checks before any run.
    expect(locateSets(to, ["nab-dev", "kpi-dev"]).map((s) => s.name)).toEqual(["nab-dev", "kpi-dev"]);
  });

  it("names the folder a set is missing from, a window file's bad window, a missing data file and a bad row", () => {
    const o = { rows: 100, before: 10, every: 1, everyKpi: 1 };
    expect(() => writeYoungSets(join(root, "nowhere"), join(root, "x"), o)).toThrow(/datasets folder .*nowhere does not exist/);
    const bad = (name: string, windows: unknown, data: string): string => {
      const from = join(root, name);
      mkdirSync(join(from, "nab-dev", "c"), { recursive: true });
      mkdirSync(join(from, "kpi-dev", "data"), { recursive: true });
      mkdirSync(join(from, "kpi-dev", "labels"), { recursive: true });
      writeFileSync(join(from, "nab-dev", "c", "f.csv"), data);
      writeFileSync(join(from, "nab-dev", "combined_windows.json"), JSON.stringify(windows));
      writeFileSync(join(from, "kpi-dev", "labels", "combined_windows.json"), "{}");
      return from;
    };
    const good = `timestamp,value\n${times(3).map((t) => `${t},1`).join("\n")}\n`;
    expect(() => writeYoungSets(bad("b1", { "c/f.csv": [["2024-01-01 00:10:00.000000", "2024-01-01 00:05:00.000000"]] }, good), join(root, "y1"), o)).toThrow(/combined_windows\.json: "c\/f\.csv" window 0 has bad times/);
    expect(() => writeYoungSets(bad("b2", { "c/g.csv": [] }, good), join(root, "y2"), o)).toThrow(/"c\/g\.csv" names no data file/);
    expect(() => writeYoungSets(bad("b3", { "c/f.csv": [] }, "timestamp,value\n2024-01-01 00:00:00,x\n"), join(root, "y3"), o)).toThrow(/f\.csv:2: value "?x"? is not a finite number/);
    expect(() => writeYoungSets(bad("b4", { "c/f.csv": [] }, "timestamp,value\n"), join(root, "y4"), o)).toThrow(/f\.csv:2: no data rows after the header/);
  });

  it("reads its flags: the defaults, whole numbers only, and a piece that reaches its window", () => {
    expect(youngSetOptions({})).toEqual({ rows: 2000, before: 1500, every: 1, everyKpi: 4 });
    expect(youngSetOptions({ rows: "500", before: "0", every: "2", "every-kpi": "1" })).toEqual({ rows: 500, before: 0, every: 2, everyKpi: 1 });
    expect(() => youngSetOptions({ rows: "1.5" })).toThrow(/--rows: expected a whole number >= 2, got "1.5"/);
    expect(() => youngSetOptions({ every: "0" })).toThrow(/--every: expected a whole number >= 1, got "0"/);
    expect(() => youngSetOptions({ before: "" })).toThrow(/--before: expected a whole number >= 0/);
    expect(() => youngSetOptions({ rows: "100", before: "100" })).toThrow(/--before \(100\) must be under --rows \(100\)/);
  });
});
