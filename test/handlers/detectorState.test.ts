import { describe, expect, it } from "vitest";
import { checkStateKey } from "../../runtime/adapters/stateKey";
import { detectorStateKey, initialDetectorState } from "../../runtime/handlers/detectorState";

describe("detectorState", () => {
  it("keys each service's state under detector/, percent-encoding any name into a key every store accepts", () => {
    expect(detectorStateKey("checkout")).toBe("detector/checkout.json");
    for (const name of ["checkout", "web api/v2", "..", "svc!'()*~", "ünïcode", "a.b_c-d"]) expect(() => checkStateKey(detectorStateKey(name))).not.toThrow();
    expect(detectorStateKey("svc!'()*~")).toBe("detector/svc%21%27%28%29%2A%7E.json");
    expect(detectorStateKey("a/b")).toBe("detector/a%2Fb.json"); // one segment, not a sub-folder
  });

  it("starts empty", () => {
    expect(initialDetectorState()).toEqual({ format: "cad-detector-state/1", tracker: { recent: [] }, scaling: {}, outbox: [] });
  });
});
