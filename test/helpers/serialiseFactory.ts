/**
 * Child-process script: serialises a callback factory with Pulumi's closure serialiser, loaded the way the
 * language host loads the program (`node -r ts-node/register`, the repo's tsconfig.json), and writes the
 * generated module (what a CallbackFunction's `__index.js` holds) to the path given as first argument.
 */
import { writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { StateConflictError } from "../../runtime/ports";
import { VaultError } from "../../runtime/adapters/vault/VaultSecrets";
import { LruCache, PlainConflictError, reservedLookups, SerialisableConflictError } from "../fixtures/serialisation/runtimeIdioms";

/** What the serialised handler reports. */
export interface IdiomsReport {
  readonly cached: number | undefined;
  readonly evicted: number | undefined;
  readonly stats: { size: number; lookups: number };
  readonly capacity: number;
  readonly instances: number;
  readonly plain: { message: string; name: string; key: string; isInstance: boolean };
  readonly serialisable: { message: string; name: string; key: string; isInstance: boolean; hasStack: boolean };
  readonly lookups: { list: boolean; set: boolean | string };
  /** The runtime's own errors (all extend CadError). */
  readonly runtimeErrors: { message: string; name: string; key: string; isInstance: boolean; hasStack: boolean; cause?: string }[];
}

const factory = () => {
  const cache = new LruCache(2);
  return async (): Promise<IdiomsReport> => {
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("c", 3);
    const describe = (make: () => Error, type: abstract new (...args: never[]) => Error) => {
      try {
        throw make();
      } catch (e) {
        const error = e as Error & { key: string };
        const cause = error.cause instanceof Error ? { cause: error.cause.message } : {};
        return { message: String(error.message), name: error.name, key: error.key, isInstance: e instanceof type, hasStack: typeof error.stack === "string" && error.stack.length > 0, ...cause };
      }
    };
    return {
      cached: cache.get("c"),
      evicted: cache.get("a"),
      stats: cache.stats(),
      capacity: cache.capacity,
      instances: LruCache.instances,
      plain: describe(() => new PlainConflictError("k1"), PlainConflictError),
      serialisable: describe(() => new SerialisableConflictError("k2"), SerialisableConflictError),
      lookups: reservedLookups("message"),
      runtimeErrors: [
        describe(() => new StateConflictError("detector/checkout.json"), StateConflictError),
        describe(() => new VaultError("unreachable", "cad/splunk", "Vault is unreachable", undefined, new Error("ECONNREFUSED")), VaultError),
      ],
    };
  };
};

const [outFile] = process.argv.slice(2);
if (outFile === undefined) {
  console.error("usage: serialiseFactory.ts <outFile>");
  process.exit(2);
}
pulumi.runtime.serializeFunction(factory, { exportName: "handler", isFactoryFunction: true }).then(
  (serialised) => writeFileSync(outFile, serialised.text),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
