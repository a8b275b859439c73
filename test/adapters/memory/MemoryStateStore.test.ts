import { expect, it } from "vitest";
import { MemoryStateStore } from "../../../runtime/adapters/memory/MemoryStateStore";
import { describeStateStoreContract } from "../../helpers/stateStoreContract";

describeStateStoreContract("MemoryStateStore", () => new MemoryStateStore());

it("MemoryStateStore hands out copies: mutating a loaded value does not change the stored one", async () => {
  const store = new MemoryStateStore();
  await store.save("k", { list: [1] }, undefined);
  const loaded = await store.load<{ list: number[] }>("k");
  loaded?.value.list.push(2);
  expect((await store.load<{ list: number[] }>("k"))?.value.list).toEqual([1]);
  expect(store.keys()).toEqual(["k"]);
});
