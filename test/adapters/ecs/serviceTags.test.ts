import { describe, expect, it } from "vitest";
import { readServiceTags } from "../../../runtime/adapters/ecs/serviceTags";

const DEFAULTS = { minTasks: 2, maxTasks: 8 };
const tags = (t: Record<string, string>) => Object.entries(t).map(([key, value]) => ({ key, value }));

describe("readServiceTags", () => {
  it("watches an untagged service with the default bounds when there is no filter", () => {
    expect(readServiceTags([], {}, DEFAULTS)).toEqual({ kind: "watch", bounds: DEFAULTS });
  });

  it("takes each bound from its tag, the other from the defaults", () => {
    expect(readServiceTags(tags({ "cad:max-tasks": "20" }), {}, DEFAULTS)).toEqual({ kind: "watch", bounds: { minTasks: 2, maxTasks: 20 } });
    expect(readServiceTags(tags({ "cad:min-tasks": "0" }), {}, DEFAULTS)).toEqual({ kind: "watch", bounds: { minTasks: 0, maxTasks: 8 } });
  });

  it("requires every filter tag with its exact value", () => {
    expect(readServiceTags(tags({ team: "payments", env: "prod" }), { team: "payments", env: "prod" }, DEFAULTS).kind).toBe("watch");
    expect(readServiceTags(tags({ team: "payments", env: "staging" }), { team: "payments", env: "prod" }, DEFAULTS)).toEqual({ kind: "excluded", why: "tag env=prod not present" });
  });

  it("reports the tag, its value and the expectation for malformed values and crossed bounds", () => {
    expect(readServiceTags(tags({ "cad:max-tasks": "-1" }), {}, DEFAULTS)).toEqual({ kind: "invalid", tag: "cad:max-tasks", value: "-1", expected: "an integer from 1 to 1000" });
    expect(readServiceTags(tags({ "cad:min-tasks": "2000" }), {}, DEFAULTS)).toEqual({ kind: "invalid", tag: "cad:min-tasks", value: "2000", expected: "an integer from 0 to 1000" });
    expect(readServiceTags(tags({ "cad:min-tasks": "5", "cad:max-tasks": "3" }), {}, DEFAULTS)).toEqual({ kind: "invalid", tag: "cad:max-tasks", value: "3", expected: "an integer >= the service's minTasks (5)" });
    expect(readServiceTags(tags({ "cad:max-tasks": "1" }), {}, DEFAULTS)).toEqual({ kind: "invalid", tag: "cad:max-tasks", value: "1", expected: "an integer >= the service's minTasks (2, the default)" });
    expect(readServiceTags(tags({ "cad:watch": "False" }), {}, DEFAULTS)).toEqual({ kind: "invalid", tag: "cad:watch", value: "False", expected: '"true" or "false"' });
  });
});
