import { describe, expect, it } from "vitest";
import { benchCliStartup } from "../../bench/cliStartupBench";

describe("benchCliStartup", () => {
  it("times `node bin/cad.js --help` from spawn to exit, with the fields of the bench line", () => {
    const r = benchCliStartup("node", 3);
    expect(Object.keys(r).sort()).toEqual(["command", "maxMs", "medianMs", "minMs", "name", "runs"]);
    expect(r).toMatchObject({ name: "cli-startup", command: "node bin/cad.js --help", runs: 3 });
    // Only the order of the figures is checked: their size depends on the machine's load.
    expect(r.minMs).toBeGreaterThan(0);
    expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
    expect(r.medianMs).toBeLessThanOrEqual(r.maxMs);
  });
});

describe("benchCliStartup through npx", () => {
  it("runs this repository's CLI through `npx cad --help` (npm ci links it as node_modules/.bin/cad)", () => {
    const r = benchCliStartup("npx", 1);
    expect(r).toMatchObject({ name: "cli-startup", command: "npx cad --help", runs: 1 });
    expect(r.minMs).toBeGreaterThan(0);
  });
});
