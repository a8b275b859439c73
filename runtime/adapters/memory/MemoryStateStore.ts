import { StateConflictError, type StateStore, type Versioned } from "../../ports";
import { checkStateKey } from "../stateKey";

/**
 * StateStore in process memory with the same conditional-write contract as the S3 store (versions are a
 * counter). Values are copied on the way in and out (JSON through its text), as a real store would, and keys
 * are checked like the file and S3 stores check them, so a key that works here works there.
 */
export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, { bytes: Uint8Array; version: number }>();

  async load<T>(key: string): Promise<Versioned<T> | undefined> {
    const stored = await this.loadBytes(key);
    return stored ? { value: JSON.parse(Buffer.from(stored.value).toString("utf8")) as T, version: stored.version } : undefined;
  }

  async save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error(`state "${key}": value is not JSON-serialisable`);
    return this.saveBytes(key, Buffer.from(text, "utf8"), expectedVersion);
  }

  async loadBytes(key: string): Promise<Versioned<Uint8Array> | undefined> {
    checkStateKey(key);
    const item = this.items.get(key);
    return item ? { value: item.bytes.slice(), version: String(item.version) } : undefined;
  }

  async saveBytes(key: string, bytes: Uint8Array, expectedVersion: string | undefined): Promise<string> {
    checkStateKey(key);
    const item = this.items.get(key);
    const current = item ? String(item.version) : undefined;
    if (current !== expectedVersion) throw new StateConflictError(key);
    const version = (item?.version ?? 0) + 1;
    this.items.set(key, { bytes: bytes.slice(), version });
    return String(version);
  }

  /** Keys stored so far (for tests and reports). */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Bytes stored under `key` (for tests and reports: state sizes). */
  sizeOf(key: string): number | undefined {
    return this.items.get(key)?.bytes.byteLength;
  }
}
