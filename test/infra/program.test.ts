import { describe, expect, it } from "vitest";
import { runProgram } from "../helpers/pulumiMocks";
import { SECRET_KEYS, devStackConfig } from "../helpers/stackConfig";

describe("smoke", () => {
  it("runs", async () => {
    const t0 = Date.now();
    const run = await runProgram({ config: devStackConfig(), secretKeys: SECRET_KEYS });
    console.log(Date.now() - t0, run.resources.map((r) => `${r.type} ${r.name}`).join("\n"), run.outputs);
    expect(run.resources.length).toBeGreaterThan(10);
  }, 120_000);
});
