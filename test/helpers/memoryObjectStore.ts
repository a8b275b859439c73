import type { ObjectStore } from "../../runtime/ports";

/** ObjectStore in memory: keys sorted on list, bodies kept as written (content types recorded for checks). */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: string; contentType: string }>();

  async put(key: string, body: string, contentType: string): Promise<void> {
    this.objects.set(key, { body, contentType });
  }

  async get(key: string): Promise<string | undefined> {
    return this.objects.get(key)?.body;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** Body of `key`, failing the test when it is missing. */
  text(key: string): string {
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object "${key}"; have: ${[...this.objects.keys()].join(", ")}`);
    return o.body;
  }
}
