import { describe, expect, it } from "vitest";
import { detectorStateKey } from "../../runtime/handlers/detectorState";
import { StateConflictError, type StateStore } from "../../runtime/ports";

interface Counter {
  readonly count: number;
  readonly by: string[];
}

/** One "invocation": load, modify, save; on a conflict reload and retry (what the detect handler does). */
export async function incrementWithRetry(store: StateStore, key: string, who: string, attempts = 5): Promise<number> {
  for (let i = 1; ; i++) {
    const current = await store.load<Counter>(key);
    const next: Counter = { count: (current?.value.count ?? 0) + 1, by: [...(current?.value.by ?? []), who] };
    try {
      await store.save(key, next, current?.version);
      return i;
    } catch (error) {
      if (!(error instanceof StateConflictError) || i >= attempts) throw error;
    }
  }
}

/** The StateStore contract every implementation must meet. */
export function describeStateStoreContract(name: string, makeStore: () => Promise<StateStore> | StateStore): void {
  describe(`${name} (StateStore contract)`, () => {
    it("loads undefined for a missing key, then what was saved, with the version save returned", async () => {
      const store = await makeStore();
      expect(await store.load("thresholds/checkout")).toBeUndefined();
      const v1 = await store.save("thresholds/checkout", { mean: 1.5, n: [1, 2] }, undefined);
      expect(await store.load("thresholds/checkout")).toEqual({ value: { mean: 1.5, n: [1, 2] }, version: v1 });
      const v2 = await store.save("thresholds/checkout", { mean: 2 }, v1);
      expect(v2).not.toBe(v1);
      expect(await store.load("thresholds/checkout")).toEqual({ value: { mean: 2 }, version: v2 });
    });

    it("stores bytes as they are, under the same versions and conditions as JSON", async () => {
      const store = await makeStore();
      expect(await store.loadBytes("detector/checkout.bin")).toBeUndefined();
      const bytes = Uint8Array.from([0x43, 0x41, 0x44, 0x53, 0, 255, 10, 13]);
      const v1 = await store.saveBytes("detector/checkout.bin", bytes, undefined);
      const loaded = await store.loadBytes("detector/checkout.bin");
      expect(loaded?.version).toBe(v1);
      expect(Array.from(loaded?.value ?? [])).toEqual(Array.from(bytes));
      await expect(store.saveBytes("detector/checkout.bin", bytes, undefined)).rejects.toBeInstanceOf(StateConflictError);
      const v2 = await store.saveBytes("detector/checkout.bin", Uint8Array.from([1]), v1);
      await expect(store.saveBytes("detector/checkout.bin", Uint8Array.from([2]), v1)).rejects.toBeInstanceOf(StateConflictError);
      expect(Array.from((await store.loadBytes("detector/checkout.bin"))?.value ?? [])).toEqual([1]);
      expect(v2).not.toBe(v1);
    });

    it("refuses to create a key that exists, and to update from a stale version", async () => {
      const store = await makeStore();
      const v1 = await store.save("k", { a: 1 }, undefined);
      await expect(store.save("k", { a: 2 }, undefined)).rejects.toBeInstanceOf(StateConflictError);
      await store.save("k", { a: 3 }, v1);
      await expect(store.save("k", { a: 4 }, v1)).rejects.toThrow(StateConflictError);
      expect((await store.load<{ a: number }>("k"))?.value).toEqual({ a: 3 });
    });

    it("two overlapping writers: exactly one StateConflictError, and after the retry no update is lost", async () => {
      const store = await makeStore();
      await store.save("svc", { count: 0, by: [] }, undefined);
      const a = await store.load<Counter>("svc");
      const b = await store.load<Counter>("svc");
      const results = await Promise.allSettled([
        store.save("svc", { count: (a?.value.count ?? 0) + 1, by: ["a"] }, a?.version),
        store.save("svc", { count: (b?.value.count ?? 0) + 1, by: ["b"] }, b?.version),
      ]);
      const rejected = results.filter((r) => r.status === "rejected");
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(StateConflictError);
      // Concurrent read-modify-write loops with retry on conflict: every increment lands.
      await Promise.all(["x", "y", "z", "w"].map((who) => incrementWithRetry(store, "svc", who, 20)));
      const final = await store.load<Counter>("svc");
      expect(final?.value.count).toBe(5);
      const winner = results[0].status === "fulfilled" ? "a" : "b";
      expect([...(final?.value.by ?? [])].sort()).toEqual([winner, "w", "x", "y", "z"].sort());
    });

    it("accepts the detect handler's keys (`detector/<encoded service>.bin`)", async () => {
      const store = await makeStore();
      const key = detectorStateKey("check out");
      const version = await store.saveBytes(key, Uint8Array.from([7, 8]), undefined);
      expect(await store.loadBytes(key)).toEqual({ value: Uint8Array.from([7, 8]), version });
    });

    it("rejects keys that could escape or be ambiguous", async () => {
      const store = await makeStore();
      for (const bad of ["", "/abs", "a/../b", "a//b", "a b", "./a"]) await expect(store.load(bad)).rejects.toThrow(/state key .* is invalid/);
    });
  });
}
