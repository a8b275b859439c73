import { expect, it } from "vitest";
import { InMemoryStateStore } from "./InMemoryStateStore";
import { describeStateStoreContract } from "./stateStoreContract";

// The test double must keep the same contract as the real stores, or tests built on it prove nothing.
describeStateStoreContract("InMemoryStateStore", () => new InMemoryStateStore());

it("InMemoryStateStore hands out copies: mutating a loaded value does not change the stored one", async () => {
  const store = new InMemoryStateStore();
  await store.save("k", { list: [1] }, undefined);
  const loaded = await store.load<{ list: number[] }>("k");
  loaded?.value.list.push(2);
  expect((await store.load<{ list: number[] }>("k"))?.value.list).toEqual([1]);
  expect(store.keys()).toEqual(["k"]);
});
