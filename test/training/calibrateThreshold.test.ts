import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectoryObjectStore } from "../../runtime/adapters/local/DirectoryObjectStore";
import { SageMakerScorer } from "../../runtime/adapters/sagemaker/SageMakerScorer";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { calibratedThresholdKey, loadCalibratedThreshold, parseCalibratedThreshold } from "../../runtime/model/calibratedThreshold";
import { fitThreshold } from "../../runtime/model/scoreThreshold";
import { buildDataset } from "../../training/buildDataset";
import { calibrateThreshold } from "../../training/calibrateThreshold";
import { collectSimulatedWindows } from "../../training/collectSimulatedWindows";
import { readDatasetVersion } from "../../training/trainFromDataset";
import { SageMakerRuntimeServer } from "../servers/sageMakerRuntimeServer";

const START = Date.UTC(2026, 0, 5);
const credentials = { accessKeyId: "AKIDLOOPBACK", secretAccessKey: "loopback" };
let dir: string;
let out: DirectoryObjectStore;
let version: string;
let server: SageMakerRuntimeServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cad-calibrate-"));
  const windows = new DirectoryObjectStore(join(dir, "windows"));
  await collectSimulatedWindows({ service: "checkout", tasks: 2, seed: 5, startMs: START, days: 1, incidents: [], featureSet: DEFAULT_FEATURE_SET, objects: windows });
  out = new DirectoryObjectStore(join(dir, "out"));
  ({ version } = await buildDataset({ input: windows, inputPrefix: "", output: out, outputPrefix: "", featureSet: DEFAULT_FEATURE_SET }));
  server = await SageMakerRuntimeServer.start();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const scorerFor = (endpointName: string) =>
  new SageMakerScorer({ client: new SageMakerRuntimeClient({ region: "eu-west-1", endpoint: server.endpoint, credentials, maxAttempts: 1 }), endpointName, retry: { maxAttempts: 1 } });

describe("calibrateThreshold: the endpoint's own threshold", () => {
  it("scores every train vector through the real SDK and stores mean + 3σ of the endpoint's scores", async () => {
    const progress: number[] = [];
    const t = await calibrateThreshold(out, "", version, scorerFor("cad-dev-rcf"), { endpoint: "cad-dev-rcf", batchSize: 1000, now: () => new Date("2026-01-10T00:00:00Z"), onProgress: (d) => progress.push(d) });
    // The loopback endpoint scores a row as the sum of its features: the threshold must be exactly that of those sums.
    const { train } = await readDatasetVersion(out, "", version);
    const sums = train.vectors.map((v) => v.reduce((a, b) => a + b, 0));
    expect(t.scoreStats).toEqual(fitThreshold(sums, 3));
    expect(t.expectedAnomalyRate).toBe(sums.filter((x) => x > t.scoreStats.threshold).length / sums.length);
    expect(progress).toEqual([1000, 2000, 3000, 4000, 5000, 5760]); // 2 tasks × (app + sidecar) × 1,440 steps
    expect(server.requests.every((r) => r.endpoint === "cad-dev-rcf" && r.contentType === "application/json")).toBe(true);
    const stored = await loadCalibratedThreshold(out, "", version);
    expect(stored).toEqual({ format: "cad-threshold/1", version, endpoint: "cad-dev-rcf", scoreStats: t.scoreStats, expectedAnomalyRate: t.expectedAnomalyRate, calibratedAt: "2026-01-10T00:00:00.000Z" });
  });

  it("writes nothing when the endpoint answers with fewer scores than rows", async () => {
    const fresh = new DirectoryObjectStore(join(dir, "out"));
    const key = calibratedThresholdKey("", version);
    const before = await fresh.get(key);
    server.script.push({ status: 200, body: { scores: [{ score: 1 }] } });
    await expect(calibrateThreshold(fresh, "", version, scorerFor("short"), { endpoint: "short", batchSize: 1000 })).rejects.toThrow(/1 score.*1000|1000.*1 score/);
    expect(await fresh.get(key)).toBe(before);
  });

  it("rejects a threshold.json of another version or format, or with a bad field, naming the file and field", () => {
    const good = JSON.stringify({ format: "cad-threshold/1", version: "ds-a", endpoint: "e", scoreStats: { count: 100, mean: 1, std: 0.1, sigmas: 3, threshold: 1.3, quantiles: { p50: 1, p90: 1.1, p99: 1.2, max: 1.4 } }, expectedAnomalyRate: 0.01, calibratedAt: "x" });
    expect(() => parseCalibratedThreshold(good, "t.json", "ds-b")).toThrow('t.json: calibrated for version "ds-a", expected "ds-b"');
    expect(() => parseCalibratedThreshold(good.replace("cad-threshold/1", "cad-threshold/0"), "t.json")).toThrow('t.json: format: expected "cad-threshold/1" (a threshold.json written by `cad dataset calibrate`), got "cad-threshold/0"');
    expect(() => parseCalibratedThreshold(good.replace('"threshold":1.3', '"threshold":"high"'), "t.json")).toThrow('t.json: scoreStats.threshold: expected a number, got "high"');
    expect(() => parseCalibratedThreshold(good.replace("0.01", "1.5"), "t.json")).toThrow("t.json: expectedAnomalyRate: expected a fraction in [0, 1], got 1.5");
    expect(() => parseCalibratedThreshold("{", "t.json")).toThrow(/t\.json: not valid JSON/);
  });

  it("a missing calibration names the key and the command that creates it", async () => {
    await expect(loadCalibratedThreshold(out, "", "ds-0000000000000000")).rejects.toThrow(/training\/ds-0000000000000000\/threshold\.json: not found; calibrate .*cad dataset calibrate/);
  });

  it("cad dataset calibrate runs end to end against the loopback endpoint", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["bin/cad.js", "dataset", "calibrate", "--input", join(dir, "out"), "--version", version, "--endpoint", "cad-cli", "--sagemaker-url", server.endpoint, "--region", "eu-west-1"],
      { env: { ...process.env, AWS_ACCESS_KEY_ID: "AKIDLOOPBACK", AWS_SECRET_ACCESS_KEY: "loopback" } },
    );
    expect(stdout).toMatch(new RegExp(`endpoint cad-cli on ${version}: 5760 scores, mean .* threshold .*\\nwrote .*training/${version}/threshold\\.json`));
    const stored = JSON.parse(readFileSync(join(dir, "out", "training", version, "threshold.json"), "utf8")) as { endpoint: string };
    expect(stored.endpoint).toBe("cad-cli");
  });
});
