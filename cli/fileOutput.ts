import * as fs from "node:fs";
import * as path from "node:path";

/** Writes `text` to `file` atomically (temp file + rename), creating folders: a failed run leaves no half file. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Reads a UTF-8 file, turning "not found" into an error that names the file and what it should be. */
export function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `${what} ${file} does not exist` : `cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Sub-folders of `dir` (sorted), or an error naming `dir`. */
export function listDirs(dir: string, what: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${what} ${dir} is not a folder`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export function listCsv(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".csv"))
    .map((e) => e.name)
    .sort();
}
