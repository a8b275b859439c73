import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { contentVersion, FileStateStore } from "../../../runtime/adapters/local/FileStateStore";
import { StateConflictError } from "../../../runtime/ports";
import { describeStateStoreContract } from "../../helpers/stateStoreContract";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "cad-state-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

describeStateStoreContract("FileStateStore", async () => new FileStateStore({ dir: await tempDir() }));

describe("FileStateStore files", () => {
  it("writes <dir>/<key>.json atomically, leaves no temp or lock file, and versions by content hash", async () => {
    const dir = await tempDir();
    const store = new FileStateStore({ dir });
    const version = await store.save("thresholds/checkout", { mean: 1 }, undefined);
    expect(await fs.readFile(path.join(dir, "thresholds", "checkout.json"), "utf8")).toBe('{"mean":1}');
    expect(version).toBe(contentVersion('{"mean":1}'));
    expect(await fs.readdir(path.join(dir, "thresholds"))).toEqual(["checkout.json"]);
  });

  it("treats a lock held by another writer as a conflict, and removes a stale one", async () => {
    const dir = await tempDir();
    const store = new FileStateStore({ dir, staleLockMs: 60_000, lockWaitMs: 0 });
    await store.save("k", 1, undefined);
    const lock = path.join(dir, "k.json.lock");
    await fs.writeFile(lock, "");
    await expect(store.save("k", 2, contentVersion("1"))).rejects.toBeInstanceOf(StateConflictError);
    const old = new Date(Date.now() - 120_000);
    await fs.utimes(lock, old, old);
    await store.save("k", 2, contentVersion("1"));
    expect((await store.load("k"))?.value).toBe(2);
  });

  it("names the file when its content is not JSON", async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, "bad.json"), "{oops");
    await expect(new FileStateStore({ dir }).load("bad")).rejects.toThrow(`${path.join(dir, "bad.json")} is not valid JSON`);
  });
});

it("FileStateStore stores a key already ending in .json under that name", async () => {
  const dir = await tempDir();
  await new FileStateStore({ dir }).save("detector/checkout.json", { ok: 1 }, undefined);
  expect(await fs.readdir(path.join(dir, "detector"))).toEqual(["checkout.json"]);
});
