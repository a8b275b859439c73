import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { ObjectStore } from "../../ports";

/** Makes temporary names unique within the process (two puts of one key may overlap). */
let tmpCounter = 0;

/**
 * ObjectStore on a local directory: key `a/b/c.csv` is the file `<root>/a/b/c.csv`. Lets the collector's
 * windows and the training sets live on disk with exactly the keys they have in S3. Writes go to a temporary
 * file first and are renamed into place, so a reader never sees half an object.
 */
export class DirectoryObjectStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: string, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}-${++tmpCounter}.tmp`;
    await writeFile(tmp, body, "utf-8");
    await rename(tmp, path);
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.pathOf(key), "utf-8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new Error(`reading ${this.pathOf(key)} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async list(prefix: string): Promise<string[]> {
    // Walk only the deepest directory the prefix names, then filter by the full prefix (as S3 does).
    const slash = prefix.lastIndexOf("/");
    const base = slash >= 0 ? this.pathOf(prefix.slice(0, slash + 1)) : this.root;
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return;
        throw new Error(`listing ${dir} failed: ${(err as Error).message}`, { cause: err });
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.isFile() && !e.name.endsWith(".tmp")) {
          const key = relative(this.root, full).split(sep).join("/");
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(base);
    return keys.sort();
  }

  /** The file of `key`; refuses keys that would leave the root. */
  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep)) throw new Error(`object key "${key}" points outside ${this.root}`);
    return path;
  }
}
