import { createHash, randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { StateConflictError, type StateStore, type Versioned } from "../../ports";
import { checkStateKey } from "../stateKey";

export interface FileStateStoreOptions {
  /**
   * Directory holding one file per key, created on first save: `<key>` itself when it has an extension
   * (`.json`, `.bin`), `<key>.json` otherwise.
   */
  readonly dir: string;
  /** A lock file older than this is taken to be left by a crashed writer and removed, ms. Default 30 s. */
  readonly staleLockMs?: number;
  /** How long a save waits for another writer's lock before giving up with StateConflictError, ms. Default 2 s. */
  readonly lockWaitMs?: number;
}

/** Version of a stored content: the first 32 hex digits of its SHA-256. */
export function contentVersion(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex").slice(0, 32);
}

/**
 * StateStore on the local file system for the CLI and the demo. A save takes a per-key lock file (O_EXCL),
 * compares the stored content's hash with `expectedVersion`, writes a temporary file, fsyncs it and renames
 * it over the old one, so readers never see a half-written file and overlapping writers get StateConflictError
 * (also when another writer holds the lock for longer than `lockWaitMs`: reload and retry).
 */
export class FileStateStore implements StateStore {
  private readonly staleLockMs: number;
  private readonly lockWaitMs: number;

  constructor(private readonly options: FileStateStoreOptions) {
    if (!options.dir) throw new Error("FileStateStore: dir is required");
    this.staleLockMs = options.staleLockMs ?? 30_000;
    this.lockWaitMs = options.lockWaitMs ?? 2_000;
  }

  /** The file holding `key`. */
  fileOf(key: string): string {
    checkStateKey(key);
    return path.join(this.options.dir, /\.[A-Za-z0-9]+$/.test(key) ? key : `${key}.json`);
  }

  async load<T>(key: string): Promise<Versioned<T> | undefined> {
    const stored = await this.loadBytes(key);
    if (!stored) return undefined;
    try {
      return { value: JSON.parse(Buffer.from(stored.value).toString("utf8")) as T, version: stored.version };
    } catch (error) {
      throw new Error(`${this.fileOf(key)} is not valid JSON (${(error as Error).message}); fix or delete it`, { cause: error });
    }
  }

  async save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error(`state "${key}": value is not JSON-serialisable`);
    return this.saveBytes(key, Buffer.from(text, "utf8"), expectedVersion);
  }

  async loadBytes(key: string): Promise<Versioned<Uint8Array> | undefined> {
    const content = await readIfExists(this.fileOf(key));
    return content === undefined ? undefined : { value: new Uint8Array(content.buffer, content.byteOffset, content.byteLength), version: contentVersion(content) };
  }

  async saveBytes(key: string, bytes: Uint8Array, expectedVersion: string | undefined): Promise<string> {
    const file = this.fileOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    const handle = await this.acquire(lock, key);
    try {
      const current = await readIfExists(file);
      const currentVersion = current === undefined ? undefined : contentVersion(current);
      if (currentVersion !== expectedVersion) throw new StateConflictError(key);
      const tmp = `${file}.${randomUUID()}.tmp`;
      try {
        await fs.writeFile(tmp, bytes, { flag: "wx" });
        const h = await fs.open(tmp, "r");
        await h.sync().finally(() => h.close());
        await fs.rename(tmp, file);
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
      return contentVersion(bytes);
    } finally {
      await handle.close();
      await fs.rm(lock, { force: true });
    }
  }

  private async acquire(lock: string, key: string): Promise<fs.FileHandle> {
    const giveUpAt = Date.now() + this.lockWaitMs;
    for (;;) {
      try {
        return await fs.open(lock, "wx");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const stat = await fs.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > this.staleLockMs) {
        await fs.rm(lock, { force: true });
        continue;
      }
      if (Date.now() >= giveUpAt) throw new StateConflictError(key);
      // Another writer is between its compare and its rename (a few ms): wait for it.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
