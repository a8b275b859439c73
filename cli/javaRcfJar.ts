import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "./repoRoot";

/**
 * Where the Java Random Cut Forest 4.3 reference jar is looked for (../shared/tools/java-rcf beside the repository,
 * unless CAD_JAVA_RCF says otherwise), and how a driver is compiled against it. `npm run bench` and `cad quality
 * --java-reference` run the reference beside ours, in the same run.
 */
export const DEFAULT_JAVA_RCF_DIR = resolve(REPO_ROOT, "..", "shared", "tools", "java-rcf");
export const JAVA_RCF_JAR = "randomcutforest-4.3.0.jar";

/** The folder looked in: CAD_JAVA_RCF, else {@link DEFAULT_JAVA_RCF_DIR}. */
export function javaRcfDir(): string {
  return process.env.CAD_JAVA_RCF ?? DEFAULT_JAVA_RCF_DIR;
}

/** Whether the reference jar is there (a clone away from ../shared has none). */
export function hasJavaRcf(dir: string = javaRcfDir()): boolean {
  return existsSync(join(dir, JAVA_RCF_JAR));
}

/**
 * Compiles the driver `source` (a .java file whose class is named after the file), with the classes it uses from
 * `alongside`, against `jar` into a temp folder named by the content of all of them, once; returns the folder (the
 * classpath entry beside the jar).
 */
export function compileJavaDriver(source: string, jar: string, alongside: readonly string[] = []): string {
  const className = source.replace(/^.*[\\/]/, "").replace(/\.java$/, "");
  const hash = createHash("sha256");
  for (const file of [source, ...alongside]) hash.update(readFileSync(file));
  const key = hash.update(`${jar}:${statSync(jar).size}:${statSync(jar).mtimeMs}`).digest("hex").slice(0, 16);
  const out = join(tmpdir(), `cad-java-${className}-${key}`);
  if (existsSync(join(out, `${className}.class`))) return out;
  mkdirSync(out, { recursive: true });
  execFileSync("javac", ["-nowarn", "-cp", jar, "-d", out, source, ...alongside], { stdio: ["ignore", "ignore", "pipe"] });
  return out;
}

/** The first line of a failed child process's stderr (or the error's message). */
export function firstLineOf(e: unknown): string {
  const err = e as { stderr?: Buffer | string; message?: string };
  const text = err.stderr?.toString().trim() || err.message || String(e);
  return text.split("\n")[0];
}
