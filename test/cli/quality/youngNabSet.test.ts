import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cutPieces, writeYoungNabSet } from "../../../cli/quality/youngNabSet";

/** `n` NAB timestamps 5 minutes apart from 2024-01-01 00:00. */
function times(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().slice(0, 19).replace("T", " "));
}
const w = (t: string): string => `${t}.000000`;

describe("young single series cut from a NAB-layout set (cli/quality/youngNabSet.ts)", () => {
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

  it("writes a set's pieces and their windows, keyed by the pieces' files, in the layout cad nab and cad evaluate read", () => {
    const from = join(root, "datasets");
    const t = times(2400);
    const csv = (f: (i: number) => number) => ["timestamp,value", ...t.map((ts, i) => `${ts},${f(i)}`)].join("\n") + "\n";
    mkdirSync(join(from, "realX"), { recursive: true });
    mkdirSync(join(from, "artificialNoAnomaly"), { recursive: true });
    writeFileSync(join(from, "realX", "a.csv"), csv((i) => i % 7));
    writeFileSync(join(from, "artificialNoAnomaly", "flat.csv"), csv(() => 3));
    writeFileSync(join(from, "windows.json"), JSON.stringify({ "realX/a.csv": [[w(t[1500]), w(t[1520])]], "artificialNoAnomaly/flat.csv": [] }));
    const to = join(root, "young", "data");
    const toWindows = join(root, "young", "combined_windows.json");
    // A file of an earlier cut is gone: the folder is emptied first.
    mkdirSync(join(to, "old"), { recursive: true });
    writeFileSync(join(to, "old", "stale_p0.csv"), "timestamp,value\n");
    expect(writeYoungNabSet({ data: from, windows: join(from, "windows.json") }, to, toWindows, { rows: 1000, before: 200, every: 1 })).toEqual({ files: 2, pieces: 2, windows: 1 });
    expect(existsSync(join(to, "old"))).toBe(false);
    expect(JSON.parse(readFileSync(toWindows, "utf8"))).toEqual({ "realX/a_p0.csv": [[w(t[1500]), w(t[1520])]], "artificialNoAnomaly/flat_p0.csv": [] });
    const piece = readFileSync(join(to, "realX", "a_p0.csv"), "utf8").trimEnd().split("\n");
    expect(piece).toHaveLength(1001);
    expect(piece[0]).toBe("timestamp,value");
    expect(piece[1]).toBe(`${t[1300]},${1300 % 7}`);
    expect(readFileSync(join(to, "artificialNoAnomaly", "flat_p0.csv"), "utf8").trimEnd().split("\n")).toHaveLength(1001);
    // Every fifth window of five: one piece, rows 100–1,099, holding the windows at rows 300 and 700.
    writeFileSync(join(from, "windows.json"), JSON.stringify({ "realX/a.csv": [300, 700, 1100, 1500, 1900].map((i) => [w(t[i]), w(t[i + 3])]) }));
    expect(writeYoungNabSet({ data: from, windows: join(from, "windows.json") }, to, toWindows, { rows: 1000, before: 200, every: 5 })).toEqual({ files: 1, pieces: 1, windows: 2 });
  });

  it("names a window file's bad window, a missing data file, a path outside the set and a bad row", () => {
    const o = { rows: 100, before: 10, every: 1 };
    const bad = (name: string, windows: unknown, data: string): { data: string; windows: string } => {
      const from = join(root, name);
      mkdirSync(join(from, "c"), { recursive: true });
      writeFileSync(join(from, "c", "f.csv"), data);
      writeFileSync(join(from, "combined_windows.json"), JSON.stringify(windows));
      return { data: from, windows: join(from, "combined_windows.json") };
    };
    const good = `timestamp,value\n${times(3).map((t) => `${t},1`).join("\n")}\n`;
    const cut = (from: { data: string; windows: string }) => writeYoungNabSet(from, join(root, "y", "data"), join(root, "y", "w.json"), o);
    expect(() => cut(bad("b1", { "c/f.csv": [["2024-01-01 00:10:00.000000", "2024-01-01 00:05:00.000000"]] }, good))).toThrow(/combined_windows\.json: "c\/f\.csv" window 0 has bad times/);
    expect(() => cut(bad("b2", { "c/g.csv": [] }, good))).toThrow(/"c\/g\.csv" names no data file/);
    // A key that would read or write outside the set's folders is refused before anything is written.
    for (const key of ["../f.csv", "c/../../f.csv", "/tmp/f.csv", "c/f.txt"]) {
      expect(() => cut(bad("b5", { [key]: [] }, good)), key).toThrow(`"${key}" is not a data file's path inside the set (expected "<category>/<file>.csv", no "..")`);
    }
    expect(existsSync(join(root, "y", "f_p0.csv"))).toBe(false); // where "../f.csv" would have put its piece
    expect(() => cut(bad("b3", { "c/f.csv": [] }, "timestamp,value\n2024-01-01 00:00:00,x\n"))).toThrow(/f\.csv:2: value "?x"? is not a finite number/);
    expect(() => cut(bad("b4", { "c/f.csv": [] }, "timestamp,value\n"))).toThrow(/f\.csv:2: no data rows after the header/);
  });
});
