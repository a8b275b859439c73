import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import * as v from "valibot";
import { compileJavaDriver, firstLineOf, JAVA_RCF_JAR as JAR, javaRcfDir } from "../cli/javaRcfJar";

export { DEFAULT_JAVA_RCF_DIR, hasJavaRcf, javaRcfDir } from "../cli/javaRcfJar";
const DRIVER = join(__dirname, "java", "RcfBench.java");
/** The detector's settings come from the quality reference's driver (OpenSearch AD's), compiled beside it. */
const DETECTOR_SETTINGS = join(__dirname, "..", "cli", "quality", "java", "TrcfReplay.java");

const ForestAnswer = v.object({
  scoreUpdatePerSec: v.number(),
  scorePerSec: v.number(),
  updatePerSec: v.number(),
  bytes: v.number(),
  checksum: v.number(),
});
const DetectorAnswer = v.object({ pointsPerSec: v.number(), bytes: v.number(), checksum: v.number() });
const Ready = v.object({ ready: v.literal(true), java: v.string() });
const ErrorAnswer = v.object({ error: v.string() });

export type JavaForestResult = v.InferOutput<typeof ForestAnswer>;
export type JavaDetectorResult = v.InferOutput<typeof DetectorAnswer>;

/** Why the Java reference could not run (the bench then prints that instead of Java's figures). */
export interface JavaUnavailable {
  readonly available: false;
  readonly reason: string;
}

/**
 * The Java Random Cut Forest 4.3 (aws/random-cut-forest-by-aws) run beside ours: bench/java/RcfBench.java,
 * compiled against the reference jar on first use (cached in the temp folder by content), in one JVM kept for
 * the whole bench so its JIT warms up as ours does. Commands and answers are one line each (see the driver).
 */
export class JavaReference {
  readonly available = true;
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: LineQueue,
    /** The JVM's version (java.version). */
    readonly version: string,
  ) {}

  /** Compiles the driver if needed and starts the JVM; resolves to why not when Java or the jar is missing. */
  static async start(dir: string = javaRcfDir()): Promise<JavaReference | JavaUnavailable> {
    const jar = join(dir, JAR);
    if (!existsSync(jar)) return { available: false, reason: `no ${JAR} in ${dir} (set --java-rcf DIR or CAD_JAVA_RCF)` };
    let classes: string;
    try {
      classes = compileJavaDriver(DRIVER, jar, [DETECTOR_SETTINGS]);
    } catch (e) {
      return { available: false, reason: `could not compile ${DRIVER}: ${firstLineOf(e)}` };
    }
    const sep = process.platform === "win32" ? ";" : ":";
    const child = spawn("java", ["-cp", `${jar}${sep}${classes}`, "RcfBench"], { stdio: ["pipe", "pipe", "pipe"] });
    const stderr: string[] = [];
    child.stderr.on("data", (b: Buffer) => stderr.push(b.toString()));
    const spawned = await new Promise<Error | null>((res) => {
      child.once("spawn", () => res(null));
      child.once("error", (e) => res(e));
    });
    if (spawned) return { available: false, reason: `java did not start: ${spawned.message}` };
    const lines = new LineQueue(createInterface({ input: child.stdout }));
    const hello = await lines.next();
    const ready = v.safeParse(Ready, safeJson(hello ?? ""));
    if (!ready.success) {
      child.kill();
      return { available: false, reason: `the Java driver did not start: ${hello ?? (stderr.join("").trim().split("\n")[0] || "no output")}` };
    }
    return new JavaReference(child, lines, ready.output.java);
  }

  /** RandomCutForest score+update, score and update rates on `file`'s inputs (see the driver's `forest`). */
  async forest(file: string, c: { inputs: number; shingle: number; trees: number; sampleSize: number; warmup: number; seed: number }): Promise<JavaForestResult> {
    return this.ask(ForestAnswer, `forest ${file} ${c.inputs} ${c.shingle} ${c.trees} ${c.sampleSize} ${c.warmup} ${c.seed}`);
  }

  /** ThresholdedRandomCutForest with OpenSearch AD's single-stream settings, bounding-box cache fraction `cache`. */
  async detector(file: string, c: { inputs: number; warmup: number; seed: number; cache: number }): Promise<JavaDetectorResult> {
    return this.ask(DetectorAnswer, `detector ${file} ${c.inputs} ${c.warmup} ${c.seed} ${c.cache}`);
  }

  /** Ends the JVM. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((res) => this.child.once("exit", () => res()));
    this.child.stdin.end("quit\n");
    await exited;
  }

  private async ask<S extends v.GenericSchema>(schema: S, command: string): Promise<v.InferOutput<S>> {
    this.child.stdin.write(`${command}\n`);
    const line = await this.lines.next();
    if (line === null) throw new Error(`the Java driver exited while running "${command}"`);
    const json = safeJson(line);
    const err = v.safeParse(ErrorAnswer, json);
    if (err.success) throw new Error(`the Java driver failed on "${command}": ${err.output.error}`);
    const ok = v.safeParse(schema, json);
    if (!ok.success) throw new Error(`the Java driver answered "${line}" to "${command}": ${v.summarize(ok.issues)}`);
    return ok.output;
  }
}

/** Lines of a stream, awaited one at a time (null once it has ended). */
class LineQueue {
  private readonly queue: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private ended = false;

  constructor(lines: Interface) {
    lines.on("line", (l) => this.deliver(l));
    lines.on("close", () => {
      this.ended = true;
      this.deliver(null);
    });
  }

  next(): Promise<string | null> {
    const l = this.queue.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.ended) return Promise.resolve(null);
    return new Promise((res) => (this.waiting = res));
  }

  private deliver(line: string | null): void {
    const w = this.waiting;
    this.waiting = null;
    if (w) w(line);
    else if (line !== null) this.queue.push(line);
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}
