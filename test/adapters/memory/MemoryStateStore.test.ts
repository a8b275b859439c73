import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../../runtime/adapters/memory/MemoryStateStore";
import { describeStateStoreContract } from "../../helpers/stateStoreContract";

describeStateStoreContract("MemoryStateStore", () => new MemoryStateStore());

describe("MemoryStateStore", () => {
  it("copies values on the way in and out, as a real store would, and lists its keys", async () => {
    const store = new MemoryStateStore();
    const value = { outbox: [1] };
    await store.save("detector/checkout.json", value, undefined);
    value.outbox.push(2);
    const loaded = await store.load<{ outbox: number[] }>("detector/checkout.json");
    expect(loaded?.value).toEqual({ outbox: [1] });
    loaded?.value.outbox.push(3);
    expect((await store.load<{ outbox: number[] }>("detector/checkout.json"))?.value).toEqual({ outbox: [1] });
    expect(store.keys()).toEqual(["detector/checkout.json"]);
  });
});
