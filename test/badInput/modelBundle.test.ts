/**
 * Bad-input catalogue: model files given to `cad backtest --model` (the detect Lambda parses S3 bundles with the
 * same code). Exact outcome per case; docs/errors.md lists them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { train } from "../../cli/train/train";
import { runCli } from "../../cli/main";
import { bundleChecksum } from "../../runtime/model/bundleChecksum";
import { captureOutput } from "../helpers/captureOutput";
import { SHORT_ERROR_CHARS, TEN_MB, workspace } from "./workspace";

const io = captureOutput();
const ws = workspace("model");
const CPU = "container.cpu.utilized";
const MEM = "container.memory.utilized";
const T0 = Date.UTC(2026, 0, 5);
const csv = (metrics: string[]): string =>
  [`timestamp,service,container,${metrics.join(",")}`, ...Array.from({ length: 90 }, (_, m) => `${new Date(T0 + m * 60_000).toISOString()},web,c1,${metrics.map((_, i) => 40 + i * 100 + (m % 7)).join(",")}`)].join("\n");

let data: string;
let good: Record<string, unknown>;
beforeAll(() => {
  data = ws.file("data.csv", csv([CPU, MEM]));
  const out = join(ws.dir, "good.json");
  train({ input: data, out, numTrees: 5, numSamplesPerTree: 32, seed: 1 });
  good = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
});

/** `good` after `edit`, written as `<id>.json`; `reseal` recomputes the checksum as a writer (not an editor) would. */
function model(id: string, edit: (b: Record<string, unknown>) => void, reseal = false): string {
  const b = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
  edit(b);
  if (reseal) b.checksum = bundleChecksum(b);
  return ws.file(`${id}.json`, JSON.stringify(b));
}
const backtest = (modelFile: string, input = data): Promise<number> => runCli(["backtest", "--input", input, "--model", modelFile, "--out", join(ws.dir, "bt")]);

describe("bad-input catalogue: model bundle (cad backtest --model, the detect Lambda)", () => {
  it("MOD-01 not JSON", async () => {
    const m = ws.file("MOD-01.json", "{");
    expect(await backtest(m)).toBe(1);
    // The words in parentheses are V8's JSON.parse message.
    expect(io.stderr).toMatch(new RegExp(`^cad: ${m.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: not valid JSON \\(Expected property name or '}' in JSON at position 1.*\\)\\n$`));
  });

  it("MOD-02 JSON that is not a model", async () => {
    const m = ws.file("MOD-02.json", '{"hello":1}');
    expect(await backtest(m)).toBe(1);
    expect(io.stderr).toBe(`cad: ${m}: format: missing, expected "cad-model/2" (a model file written by \`cad train\` of this version; retrain older ones)\n`);
  });

  it("MOD-03 a std that overflowed in training (null): refused, naming the metric", async () => {
    const m = model("MOD-03", (b) => ((b.normalisation as { std: unknown[] }).std[1] = null), true);
    expect(await backtest(m)).toBe(1);
    expect(io.stderr).toBe(`cad: ${m}: normalisation.std[1] (metric "${MEM}"): expected a number, got null\n`);
  });

  it("MOD-04 two metrics swapped in featureSet: the checksum catches the edit", async () => {
    const m = model("MOD-04", (b) => {
      const fs = b.featureSet as { metrics: unknown[] };
      fs.metrics.reverse();
    });
    expect(await backtest(m)).toBe(1);
    expect(io.stderr).toMatch(new RegExp(`^cad: ${m.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: checksum: the content does not match the stored checksum \\(sha256:[0-9a-f]{13}…, content gives sha256:[0-9a-f]{13}…\\): the file was changed after training \\(e\\.g\\. metrics reordered in featureSet\\); retrain with \`cad train\` instead of editing it\\n$`));
  });

  it("MOD-05 the checksum removed", async () => {
    const m = model("MOD-05", (b) => delete b.checksum);
    expect(await backtest(m)).toBe(1);
    expect(io.stderr).toBe(`cad: ${m}: checksum: missing; a model written by \`cad train\` carries one (an older or hand-made file): retrain with \`cad train\`\n`);
  });

  it("MOD-06 the threshold edited by hand", async () => {
    const m = model("MOD-06", (b) => ((b.scoreStats as { threshold: number }).threshold = 0.1));
    expect(await backtest(m)).toBe(1);
    expect(io.stderr).toContain(`cad: ${m}: checksum: the content does not match the stored checksum`);
  });

  it("MOD-07 a sound model for other metrics than the data", async () => {
    const other = ws.file("other.csv", csv([CPU, "container.network.rate.rx"]));
    const out = join(ws.dir, "MOD-07.json");
    train({ input: other, out, numTrees: 5, numSamplesPerTree: 32, seed: 1 });
    expect(await backtest(out)).toBe(1);
    expect(io.stderr).toBe(
      `cad: --model ${out} was trained on a different feature set than ${data}: the model needs container.network.rate.rx, missing from the data; the data has ${MEM}, which the model was not trained on. Train a model on this data with \`cad train --input ${data}\`.\n`,
    );
  });

  it("MOD-08 no such model file: usage error, exit 2", async () => {
    expect(await backtest(join(ws.dir, "absent.json"))).toBe(2);
    expect(io.stderr).toBe(`cad: --model ${join(ws.dir, "absent.json")}: no such file\n`);
  });

  it("MOD-09 a 10 MB string where a time belongs: quoted to 80 characters", async () => {
    const m = model("MOD-09", (b) => (b.trainedAt = TEN_MB), true);
    expect(await backtest(m)).toBe(1);
    expect(io.stderr).toBe(`cad: ${m}: trainedAt: expected an ISO-8601 time, got "${"x".repeat(80)}…" (10485680 more characters)\n`);
    expect(io.stderr.length).toBeLessThan(SHORT_ERROR_CHARS + m.length);
  });

  it("MOD-10 a feature_dim that does not match the feature set", async () => {
    const m = model("MOD-10", (b) => ((b.hyperparameters as { feature_dim: number }).feature_dim = 7), true);
    expect(await backtest(m)).toBe(1);
    expect(io.stderr).toBe(`cad: ${m}: hyperparameters.feature_dim: must equal metrics × shingleSize, got 7\n`);
  });
});
