import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalMixture, serviceMetrics, writeStream } from "../../bench/benchData";
import { hasJavaRcf, javaRcfDir, JavaReference, type JavaUnavailable } from "../../bench/javaReference";

const javaHere = hasJavaRcf();

describe("JavaReference", () => {
  let dir: string;
  let java: JavaReference | JavaUnavailable;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "java-ref-"));
    java = await JavaReference.start(javaRcfDir());
  }, 60_000);

  afterAll(async () => {
    if (java.available) await java.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("says why when the jar is not there, instead of a number", async () => {
    const r = await JavaReference.start(dir);
    expect(r.available).toBe(false);
    expect((r as JavaUnavailable).reason).toContain(`no randomcutforest-4.3.0.jar in ${dir}`);
  });

  // Java 17 is on every machine of this project and the jar beside the repository (../shared/tools/java-rcf, or
  // CAD_JAVA_RCF); a clone elsewhere has no jar, and these report as skipped rather than pretend.
  it.skipIf(!javaHere)("runs the reference forest on the bench's data file and answers rates, heap bytes and a checksum", async () => {
    if (!java.available) throw new Error(`the jar is here but the Java reference did not start: ${java.reason}`);
    expect(java.version).toMatch(/^\d+/);
    const file = join(dir, "f.bin");
    writeStream(normalMixture(2, 600, 1), file);
    const c = { inputs: 2, shingle: 3, trees: 5, sampleSize: 32, warmup: 100, seed: 1 };
    const a = await java.forest(file, c);
    for (const k of ["scoreUpdatePerSec", "scorePerSec", "updatePerSec", "bytes"] as const) expect(a[k]).toBeGreaterThan(0);
    // Same data, seed and protocol: the same scores.
    expect((await java.forest(file, c)).checksum).toBe(a.checksum);
  }, 60_000);

  it.skipIf(!javaHere)("runs ThresholdedRandomCutForest with and without the box cache: same output, both timed", async () => {
    if (!java.available) throw new Error(`the jar is here but the Java reference did not start: ${java.reason}`);
    const file = join(dir, "d.bin");
    writeStream(serviceMetrics(2, 120, 2), file);
    const plain = await java.detector(file, { inputs: 2, warmup: 20, seed: 3, cache: 0 });
    const cached = await java.detector(file, { inputs: 2, warmup: 20, seed: 3, cache: 1 });
    expect(plain.pointsPerSec).toBeGreaterThan(0);
    expect(cached.checksum).toBe(plain.checksum);
  }, 60_000);

  it.skipIf(!javaHere)("turns a driver error into an error naming the command", async () => {
    if (!java.available) throw new Error(`the jar is here but the Java reference did not start: ${java.reason}`);
    await expect(java.forest(join(dir, "missing.bin"), { inputs: 2, shingle: 1, trees: 5, sampleSize: 32, warmup: 1, seed: 1 })).rejects.toThrow(/the Java driver failed on "forest .*missing\.bin.*NoSuchFile/);
  }, 60_000);
});
