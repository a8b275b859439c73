import { describe, expect, it } from "vitest";
import { parsePlanEnv } from "../../../runtime/lambda/lambdaEnv";

const ENV = {
  CAD_ENVIRONMENT: "dev",
  CAD_SERVICES: JSON.stringify([{ cluster: "shop", service: "checkout", minTasks: 2, maxTasks: 6 }]),
  CAD_WORK_KIND: "detect",
  CAD_WORK_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-dev-detect-work.fifo",
};

describe("parsePlanEnv", () => {
  it("reads the kind, the services and the FIFO queue", () => {
    expect(parsePlanEnv(ENV)).toEqual({ environment: "dev", kind: "detect", services: [{ cluster: "shop", service: "checkout", minTasks: 2, maxTasks: 6 }], queueUrl: ENV.CAD_WORK_QUEUE_URL });
  });

  it("reads the clusters to list, their tag filter and default bounds when CAD_DISCOVERY is set", () => {
    const discovery = { clusters: ["shop", "batch"], tags: { team: "payments" }, minTasks: 1, maxTasks: 6 };
    expect(parsePlanEnv({ ...ENV, CAD_DISCOVERY: JSON.stringify(discovery) }).discovery).toEqual(discovery);
    expect(parsePlanEnv(ENV).discovery).toBeUndefined();
    // The configured list may be empty only when the clusters are listed.
    expect(parsePlanEnv({ ...ENV, CAD_SERVICES: "[]", CAD_DISCOVERY: JSON.stringify(discovery) }).services).toEqual([]);
    expect(() => parsePlanEnv({ ...ENV, CAD_SERVICES: "[]" })).toThrow("environment variable CAD_SERVICES: expected a non-empty JSON list of services (or CAD_DISCOVERY), got []");
  });

  it.each([
    [{ CAD_WORK_KIND: "train" }, 'environment variable CAD_WORK_KIND: must be "collect" or "detect", got "train"'],
    [{ CAD_WORK_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/cad-dev-detect-work" }, "environment variable CAD_WORK_QUEUE_URL: must be a FIFO queue's URL (ending in .fifo)"],
    [{ CAD_WORK_QUEUE_URL: undefined }, "environment variable CAD_WORK_QUEUE_URL: is not set"],
    [{ CAD_DISCOVERY: JSON.stringify({ clusters: [], tags: {}, minTasks: 1, maxTasks: 6 }) }, "environment variable CAD_DISCOVERY: clusters: expected a non-empty list of cluster names"],
    [{ CAD_DISCOVERY: JSON.stringify({ clusters: ["shop"], tags: {}, minTasks: 7, maxTasks: 6 }) }, "environment variable CAD_DISCOVERY: expected minTasks <= maxTasks"],
  ])("refuses %j, naming the variable", (change, message) => {
    expect(() => parsePlanEnv({ ...ENV, ...change })).toThrow(message);
  });
});
