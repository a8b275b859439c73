import { describe, expect, it } from "vitest";
import { runProgram, resource } from "../helpers/pulumiMocks";
import { SECRET_KEYS, devStackConfig } from "../helpers/stackConfig";

describe("smoke", () => {
  it("runs", async () => {
    const run = await runProgram({ config: devStackConfig(), secretKeys: SECRET_KEYS });
    const fn = resource(run, "aws:lambda/function:Function", "cad-dev-detect-function");
    const code = fn.inputs.code as { assets: Promise<Record<string, unknown>> };
    const assets = await code.assets;
    console.log(Object.keys(assets));
    const idx = assets["__index.js"] as { text: Promise<string> };
    const text = await idx.text;
    console.log(text.length, text.slice(0, 3000));
    console.log(JSON.stringify({ ...fn.inputs, code: undefined }, null, 1).slice(0, 3000));
    expect(run.resources.length).toBeGreaterThan(10);
  }, 120_000);
});
