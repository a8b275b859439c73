import { StateConflictError, type StateStore, type Versioned } from "../../runtime/ports";
import { checkStateKey } from "../../runtime/adapters/stateKey";

/**
 * Test double: a StateStore in memory, with the same compare-and-set contract as S3 (version = a counter). Values are stored
 * as JSON, so what a caller gets back is a copy it may mutate, and non-JSON values fail as they would in S3.
 */
export class InMemoryStateStore implements StateStore {
  private readonly items = new Map<string, { json: string; version: string }>();
  private counter = 0;

  async load<T>(key: string): Promise<Versioned<T> | undefined> {
    checkStateKey(key);
    const item = this.items.get(key);
    return item && { value: JSON.parse(item.json) as T, version: item.version };
  }

  async save<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string> {
    checkStateKey(key);
    if (this.items.get(key)?.version !== expectedVersion) throw new StateConflictError(key);
    const version = String(++this.counter);
    this.items.set(key, { json: JSON.stringify(value), version });
    return version;
  }

  /** Keys currently stored, sorted (for tests and the demo). */
  keys(): string[] {
    return [...this.items.keys()].sort();
  }
}
