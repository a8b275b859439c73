import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasJavaRcf } from "../../../cli/javaRcfJar";
import { runCli } from "../../../cli/main";
import { javaReferenceUnavailable, replayFiles, runJavaReferenceOnce } from "../../../cli/quality/javaTrcf";
import { captureOutput } from "../../helpers/captureOutput";
import { writeLabelledSet, writeNabSet } from "../../helpers/evaluationSets";

/**
 * `cad quality --java-reference`: OpenSearch's detector (the Java ThresholdedRandomCutForest) over the same sets,
 * scored by our functions. Needs the jar beside the repository (../shared/tools/java-rcf) and a JDK; a clone
 * elsewhere skips the runs and checks only the message that says why.
 */
const javaHere = hasJavaRcf();
const io = captureOutput();
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "cad-java-ref-"));
  writeNabSet(path.join(root, "datasets", "nab-dev"));
  writeLabelledSet(path.join(root, "datasets", "smd-dev"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("the Java reference (OpenSearch's detector)", () => {
  it("says why it cannot run where the jar is not, naming the folder and CAD_JAVA_RCF", () => {
    const nowhere = path.join(root, "no-jar-here");
    expect(javaReferenceUnavailable(nowhere)).toBe(`no randomcutforest-4.3.0.jar in ${nowhere} (set CAD_JAVA_RCF to the folder holding it)`);
  });

  it.skipIf(!javaHere)("on a NAB-layout set: one grade per data row in NAB's results layout, scored as ours (the spike found)", async () => {
    const set = { name: "nab-dev", kind: "nab" as const, data: path.join(root, "datasets", "nab-dev"), windows: path.join(root, "datasets", "nab-dev", "combined_windows.json") };
    const out = path.join(root, "run-nab");
    const log: string[] = [];
    const run = await runJavaReferenceOnce(set, 1, out, (l) => log.push(l), 100);
    if (run.kind !== "nab") throw new Error("expected a NAB run");
    expect(run).toMatchObject({ seed: 1, windows: 1, found: 1 });
    expect(run.standard).toBeGreaterThan(50);
    const [header, ...rows] = fs.readFileSync(path.join(out, "java-trcf", "cat", "java-trcf_spiky.csv"), "utf8").trim().split("\n");
    expect(header).toBe("timestamp,value,anomaly_score");
    expect(rows).toHaveLength(600);
    const grades = rows.map((r) => Number(r.split(",")[2]));
    expect(grades.every((g) => g >= 0 && g <= 1)).toBe(true);
    expect(grades[450]).toBeGreaterThan(0); // the spike at row 450
    expect(log).toEqual(["java-trcf: [1/2] cat/calm.csv", "java-trcf: [2/2] cat/spiky.csv"]);
    expect(fs.existsSync(path.join(out, "java-input"))).toBe(false); // its working files are removed
  });

  it.skipIf(!javaHere)("on a labelled set: a result line per test row after learning the train rows, scored with the baselines", async () => {
    const set = { name: "smd-dev", kind: "labelled" as const, data: path.join(root, "datasets", "smd-dev") };
    const out = path.join(root, "run-lab");
    const run = await runJavaReferenceOnce(set, 1, out, () => undefined, 100);
    if (run.kind !== "labelled") throw new Error("expected a labelled run");
    expect(run.onset.runs).toBe(2);
    expect(run.onset.runsFound).toBe(2); // rows 200-209 of each entity lie 40 deviations off
    const [header, ...rows] = fs.readFileSync(path.join(out, "a.csv"), "utf8").trim().split("\n");
    expect(header).toBe("score,anomaly_grade,alert_grade,label");
    expect(rows).toHaveLength(400);
    expect(rows.slice(200, 210).some((r) => Number(r.split(",")[2]) > 0)).toBe(true);
    expect(Object.keys(run.baselines)).toEqual(["threeSigma", "threeSigmaConsecutive", "isolationForest", "isolationForestP995"]);
  });

  it.skipIf(!javaHere)("gives the same grades with OpenSearch's bounding-box cache (0) as with the faster full cache it runs with (1)", async () => {
    const work = path.join(root, "cache");
    fs.mkdirSync(work, { recursive: true });
    const lines = fs.readFileSync(path.join(root, "datasets", "nab-dev", "cat", "spiky.csv"), "utf8").trim().split("\n").slice(1);
    const input = path.join(work, "in.csv");
    fs.writeFileSync(input, lines.map((l, i) => `${300 * i},${l.split(",")[1]}`).join("\n") + "\n");
    const outputs = [];
    for (const cache of [0, 1]) {
      const output = path.join(work, `out-${cache}.csv`);
      await replayFiles(1, [{ input, output }], work, () => undefined, cache);
      outputs.push(fs.readFileSync(output, "utf8"));
    }
    expect(outputs[0].split("\n")).toHaveLength(601);
    expect(outputs[1]).toBe(outputs[0]);
  });

  it.skipIf(!javaHere)("fails naming the driver's error when an input row is not numbers, and with a row of another width", async () => {
    const work = path.join(root, "bad");
    fs.mkdirSync(work, { recursive: true });
    const input = path.join(work, "in.csv");
    fs.writeFileSync(input, "0,1.5\n60,abc\n");
    await expect(replayFiles(1, [{ input, output: path.join(work, "out.csv") }], work, () => undefined)).rejects.toThrow(/--java-reference: the Java driver failed \(exit 1\): .*NumberFormatException.*abc/);
    fs.writeFileSync(input, "0,1.5\n60,2.5,3\n");
    await expect(replayFiles(1, [{ input, output: path.join(work, "out.csv") }], work, () => undefined)).rejects.toThrow(/in\.csv:2: 2 values, the first row had 1/);
  });

  it.skipIf(!javaHere)("cad quality --java-reference: its table, ours against it per set, and JSON lines marked as the reference", async () => {
    const args = ["quality", "--datasets", path.join(root, "datasets"), "--sets", "nab-dev,smd-dev", "--seeds", "1", "--out", path.join(root, "out")];
    expect(await runCli([...args, "--java-reference"])).toBe(0);
    expect(io.stdout).toContain('candidate "java-trcf", seeds 1');
    expect(io.stdout).toMatch(/ours against java-trcf \(OpenSearch AD's ThresholdedRandomCutForest.*\n.*shipped +java-trcf +difference\nnab-dev +\d\.\d{3} +\d\.\d{3} +[+−]\d\.\d{3}\nsmd-dev .* run F1 \d\.\d{3} against \d\.\d{3}\nall sets/);
    const records = io.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.candidate, r.kind])).toEqual([
      ["shipped", "nab"],
      ["shipped", "labelled"],
      ["shipped", "summary"],
      ["java-trcf", "nab"],
      ["java-trcf", "labelled"],
      ["java-trcf", "summary"],
    ]);
    expect(records[5]).toMatchObject({ reference: true, sets: ["nab-dev", "smd-dev"] });
    expect(io.stderr).toMatch(/cad quality: \[reference 2\/2\] java-trcf · smd-dev · seed 1: normalised \d\.\d{3} in \d+\.\d s/);
    expect(fs.existsSync(path.join(root, "out", "java-trcf", "nab-dev", "seed-1", "java-trcf", "cat", "java-trcf_calm.csv"))).toBe(true);
    // A candidate may not take the reference's name (their outputs would share a folder).
    fs.writeFileSync(path.join(root, "c.json"), JSON.stringify([{ name: "java-trcf", overrides: { zFactor: 4 } }]));
    expect(await runCli([...args, "--java-reference", "--candidates", path.join(root, "c.json")])).toBe(2);
    expect(io.stderr).toContain('--java-reference runs as "java-trcf": name the candidate otherwise');
  });

  it("cad quality --java-reference refuses to start without the jar, before anything runs (exit 2)", async () => {
    const before = process.env.CAD_JAVA_RCF;
    process.env.CAD_JAVA_RCF = path.join(root, "no-jar-here");
    try {
      expect(await runCli(["quality", "--datasets", path.join(root, "datasets"), "--sets", "nab-dev", "--seeds", "1", "--out", path.join(root, "out-none"), "--java-reference"])).toBe(2);
    } finally {
      if (before === undefined) delete process.env.CAD_JAVA_RCF;
      else process.env.CAD_JAVA_RCF = before;
    }
    expect(io.stderr).toContain(`--java-reference: no randomcutforest-4.3.0.jar in ${path.join(root, "no-jar-here")} (set CAD_JAVA_RCF`);
    expect(fs.existsSync(path.join(root, "out-none"))).toBe(false);
  });
});
