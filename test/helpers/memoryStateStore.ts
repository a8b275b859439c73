import { StateConflictError, type StateStore, type Versioned } from "../../runtime/ports";

/** StateStore in memory with the same version semantics as the S3 one (a counter as the version). */
export class MemoryStateStore implements StateStore {
  private readonly data = new Map<string, { json: string; version: number }>();
  private counter = 0;

  async load<T>(key: string): Promise<Versioned<T> | undefined> {
    const entry = this.data.get(key);
    return entry ? { value: JSON.parse(entry.json) as T, version: String(entry.version) } : undefined;
  }

  async save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string> {
    const current = this.data.get(key);
    if ((current === undefined ? undefined : String(current.version)) !== expectedVersion) throw new StateConflictError(key);
    const version = ++this.counter;
    this.data.set(key, { json: JSON.stringify(value), version });
    return String(version);
  }
}
