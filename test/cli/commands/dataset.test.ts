import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../../cli/main";
import { DirectoryObjectStore } from "../../../runtime/adapters/local/DirectoryObjectStore";
import { parseDatasetFeatures } from "../../../runtime/features/datasetFeatures";
import { putRealisticWindows, SMALL_FEATURE_SET } from "../../helpers/featureWindows";
import { startLocalS3, type LocalS3 } from "../../helpers/localS3";
import { captureOutput } from "../../helpers/captureOutput";

const io = captureOutput();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cad-dataset-"));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});
const lastLine = (text: string): string => text.trimEnd().split("\n").at(-1) ?? "";

describe("cad dataset simulate + build on the demo's collected data", () => {
  it("writes the windows, builds a versioned set from them (labelled with the injected incidents) and prints the version last", async () => {
    const windows = join(dir, "windows");
    expect(await runCli(["dataset", "simulate", "--out", windows, "--days", "2", "--tasks", "2"])).toBe(0);
    expect(io.stdout).toBe(`wrote 48 windows (11520 rows) of service "checkout" and 5 incident windows to ${windows}\n`);
    expect(readdirSync(join(windows, "metrics", "service=checkout"))).toEqual(["date=2026-01-05", "date=2026-01-06"]);

    io.stdout = "";
    const out = join(dir, "out");
    expect(await runCli(["dataset", "build", "--input", windows, "--out", out])).toBe(0);
    const version = lastLine(io.stdout);
    expect(version).toMatch(/^ds-[0-9a-f]{16}$/);
    expect(io.stdout).toContain(`read 48 windows from ${windows}, 2026-01-05T00:00:00.000Z -> 2026-01-07T00:00:00.000Z; incidents from ${join(windows, "incidents.json")}`);
    expect(io.stdout).toMatch(/^ {2}checkout: 11520 rows of 4 containers, 0 gap rows skipped, 0 values filled, 0 duplicate and 0 late rows; \d+ train, 11520 test \(\d+ anomalous\)$/m);
    expect(io.stdout).toContain("SageMaker hyperparameters: feature_dim=7 num_samples_per_tree=256 num_trees=100");
    expect(io.stdout).toContain(`next: pulumi config set trainingDataVersion ${version} && pulumi up`);
    // Issue 16, item 8: the hint pointed at a set built with another feature set than the stack's, without a word.
    expect(io.stdout).toContain('; step 60 s, fill 3, shingle 1 (the built-in "default" set)');
    expect(io.stdout).toContain("check: a stack trains and detects with its own featureSet; unless it is this one, build with it: pulumi config get featureSet > feature-set.json, then --feature-set feature-set.json");
    const base = join(out, "training", version);
    expect(readdirSync(base).sort()).toEqual(["features.json", "manifest.json", "test", "train"]);
    expect(parseDatasetFeatures(readFileSync(join(base, "features.json"), "utf-8"), "features.json").version).toBe(version);
    expect(readFileSync(join(base, "test", "part-0000.csv"), "utf-8")).toMatch(/^[01],-?\d/);

    io.stdout = "";
    expect(await runCli(["dataset", "build", "--input", windows, "--out", join(dir, "again"), "--from", "2026-01-05", "--to", "2026-01-07"])).toBe(0);
    expect(lastLine(io.stdout)).toBe(version);
  });
});

describe("cad dataset build --bucket (s3rver)", () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3("cad-cli-dataset");
  });
  afterAll(async () => {
    await s3.close();
  });

  it("reads windows under the prefix and writes training/<version>/ back into the bucket", async () => {
    await putRealisticWindows(s3.store, "env/dev/");
    const endpoint = await s3.client.config.endpoint?.();
    const url = `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`;
    vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
    const fsFile = join(dir, "features.json");
    writeFileSync(fsFile, JSON.stringify({ format: "cad-model/1", featureSet: SMALL_FEATURE_SET })); // a model file names its feature set
    const code = await runCli(["dataset", "build", "--bucket", "cad-cli-dataset", "--prefix", "env/dev", "--endpoint-url", url, "--feature-set", fsFile, "--services", "checkout,search", "--from", "2026-01-05T00:00:00Z", "--to", "2026-01-05T00:20:00Z"]);
    expect(io.stderr).toBe("");
    expect(code).toBe(0);
    const version = lastLine(io.stdout);
    expect(io.stdout).toContain(`wrote s3://cad-cli-dataset/env/dev/training/${version}/ (train: 1 part(s), 43 rows; features.json; manifest.json)`);
    expect(await s3.store.list(`env/dev/training/${version}/`)).toEqual([`env/dev/training/${version}/features.json`, `env/dev/training/${version}/manifest.json`, `env/dev/training/${version}/train/part-0000.csv`]);
  });
});

describe("cad dataset build: usage and input errors", () => {
  it("says what is missing or wrong, with exit code 2 for usage and 1 for bad data", async () => {
    expect(await runCli(["dataset", "build", "--out", dir])).toBe(2);
    expect(io.stderr).toContain("cad: give exactly one of --input <dir> or --bucket <name>");
    expect(await runCli(["dataset", "build", "--input", dir])).toBe(2);
    expect(io.stderr).toContain("cad: --out <dir> is required with --input");
    expect(await runCli(["dataset", "build", "--input", dir, "--out", dir, "--from", "2026-01-05"])).toBe(2);
    expect(io.stderr).toContain("cad: give both --from and --to, or neither");

    const windows = join(dir, "w");
    await putRealisticWindows(new DirectoryObjectStore(windows));
    const incidents = join(dir, "incidents.json");
    writeFileSync(incidents, JSON.stringify([{ service: "checkout", from: "2026-01-05T00:05:00Z", to: "yesterday" }]));
    expect(await runCli(["dataset", "build", "--input", windows, "--out", join(dir, "o"), "--incidents", incidents])).toBe(2);
    expect(io.stderr).toContain(`cad: ${incidents}: entry 0: "to" must be an ISO-8601 time like 2026-01-06T16:00:00Z, got "yesterday"`);

    // The windows hold metrics cpu and mem, not the default feature set's: the error names the window.
    expect(await runCli(["dataset", "build", "--input", windows, "--out", join(dir, "o")])).toBe(1);
    expect(io.stderr).toMatch(/cad: metrics\/service=checkout\/date=2026-01-05\/2026-01-05T00-00-00Z\.csv: the window's metrics \[cpu, mem\] differ from the feature set's \[container\.cpu\.utilized, /);
    expect(io.stderr).not.toContain("    at ");
    expect(existsSync(join(dir, "o"))).toBe(false);
  });
});
