import { StateConflictError, type StateStore, type Versioned } from "../../ports";
import { checkStateKey } from "../stateKey";

/**
 * StateStore in process memory with the same conditional-write contract as the S3 store (versions are a
 * counter). Values are deep-copied through JSON on the way in and out, as a real store would, and keys are
 * checked like the file and S3 stores check them, so a key that works here works there.
 */
export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, { json: string; version: number }>();

  async load<T>(key: string): Promise<Versioned<T> | undefined> {
    checkStateKey(key);
    const item = this.items.get(key);
    return item ? { value: JSON.parse(item.json) as T, version: String(item.version) } : undefined;
  }

  async save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string> {
    checkStateKey(key);
    const item = this.items.get(key);
    const current = item ? String(item.version) : undefined;
    if (current !== expectedVersion) throw new StateConflictError(key);
    const version = (item?.version ?? 0) + 1;
    this.items.set(key, { json: JSON.stringify(value), version });
    return String(version);
  }

  /** Keys stored so far (for tests and reports). */
  keys(): string[] {
    return [...this.items.keys()];
  }
}
