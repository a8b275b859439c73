import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DirectoryObjectStore } from "../../../runtime/adapters/local/DirectoryObjectStore";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cad-objects-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("DirectoryObjectStore", () => {
  it("puts, overwrites, gets and lists keys by prefix like S3 (sorted, prefix need not end at a slash)", async () => {
    const store = new DirectoryObjectStore(dir);
    await store.put("metrics/service=a/date=2026-01-05/x.csv", "one\n", "text/csv");
    await store.put("metrics/service=a/date=2026-01-05/x.csv", "two\n", "text/csv");
    await store.put("metrics/service=b/date=2026-01-05/y.csv", "three\n", "text/csv");
    await store.put("top.json", "{}", "application/json");
    expect(await store.get("metrics/service=a/date=2026-01-05/x.csv")).toBe("two\n");
    expect(await store.list("metrics/service=a/")).toEqual(["metrics/service=a/date=2026-01-05/x.csv"]);
    expect(await store.list("metrics/service=")).toEqual(["metrics/service=a/date=2026-01-05/x.csv", "metrics/service=b/date=2026-01-05/y.csv"]);
    expect(await store.list("")).toHaveLength(3);
    expect(await store.list("nothing/here/")).toEqual([]);
    expect(readdirSync(join(dir, "metrics/service=a/date=2026-01-05"))).toEqual(["x.csv"]); // no temporary file left
  });

  it("returns undefined for a missing key, ignores half-written temporary files and refuses keys outside the root", async () => {
    const store = new DirectoryObjectStore(dir);
    expect(await store.get("missing.csv")).toBeUndefined();
    writeFileSync(join(dir, "a.csv.123.tmp"), "partial");
    expect(await store.list("")).toEqual([]);
    await expect(store.put("../escape.csv", "x", "text/csv")).rejects.toThrow(`object key "../escape.csv" points outside ${dir}`);
    expect(existsSync(join(dir, "..", "escape.csv"))).toBe(false);
  });
});
