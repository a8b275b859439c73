import { describe, expect, it } from "vitest";
import { buildSplunkSearch, quote, validateSplunkSearchSpec, type SplunkSearchSpec } from "../../../runtime/adapters/splunk/splunkSearch";

const SPEC: SplunkSearchSpec = {
  kind: "mstats",
  index: "otel_metrics",
  metrics: ["container.cpu.utilization", "container.memory.usage.total"],
  serviceField: "aws.ecs.service.name",
  containerFields: ["container.id"],
  stepSeconds: 60,
};

describe("buildSplunkSearch", () => {
  it("builds an mstats search with aliased averages, the service filter, the split-by attributes and the span", () => {
    expect(buildSplunkSearch(SPEC, "checkout")).toBe(
      '| mstats avg(container.cpu.utilization) AS m0 avg(container.memory.usage.total) AS m1 WHERE index="otel_metrics" AND aws.ecs.service.name="checkout" BY container.id span=60s',
    );
  });

  it("builds the event-index alternative with bin and stats", () => {
    const spl = buildSplunkSearch({ ...SPEC, kind: "events", index: "ecs", sourcetype: "otel:container", containerFields: ["aws.ecs.task.id", "container.name"], stepSeconds: 300 }, "web");
    expect(spl).toBe(
      'search index="ecs" sourcetype="otel:container" aws.ecs.service.name="web" | bin _time span=300s | stats avg(container.cpu.utilization) AS m0 avg(container.memory.usage.total) AS m1 BY _time aws.ecs.task.id container.name',
    );
  });

  it("escapes quotes and backslashes in the service name so it cannot break out of the literal", () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(buildSplunkSearch(SPEC, 'x" OR index=*')).toContain('aws.ecs.service.name="x\\" OR index=*"');
  });

  it("rejects configuration that cannot become safe SPL, naming the field", () => {
    expect(() => validateSplunkSearchSpec({ ...SPEC, metrics: [] })).toThrow('splunk search: "metrics" must list at least one metric');
    expect(() => validateSplunkSearchSpec({ ...SPEC, metrics: ["cpu | delete"] })).toThrow('splunk search: metrics[0] is "cpu | delete"; expected a name of letters, digits and _ . : - /');
    expect(() => validateSplunkSearchSpec({ ...SPEC, containerFields: [] })).toThrow('"containerFields" must list at least one attribute');
    expect(() => validateSplunkSearchSpec({ ...SPEC, index: 'a"b' })).toThrow('"index" must be a non-empty name');
    expect(() => validateSplunkSearchSpec({ ...SPEC, stepSeconds: 0 })).toThrow('"stepSeconds" must be a positive integer, got 0');
    expect(() => validateSplunkSearchSpec({ ...SPEC, kind: "tstats" as "mstats" })).toThrow('"kind" must be "mstats" or "events", got "tstats"');
  });
});
