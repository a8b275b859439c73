/**
 * Guards the settings that let runtime classes survive Pulumi's closure serialisation (how CallbackFunctions
 * embed the runtime in a Lambda). Measured here: with TypeScript's ES2022 default `useDefineForClassFields: true`,
 * field initialisers (`private readonly cache = new Map()`) are emitted in the class body and the serialiser drops
 * them (`this.cache` is undefined in the Lambda); `#private` fields do not even parse there. tsconfig.json
 * therefore sets `useDefineForClassFields: false` (initialisers move into the constructor) and runtime code uses
 * TypeScript `private`, never `#`. Error subclasses lose their message unless they set it explicitly, and a
 * module-level Set or Map arrives as a plain object (lint bans both in runtime/).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdiomsReport } from "../helpers/serialiseFactory";
import { REPO_ROOT } from "../helpers/pulumiMocks";
import { LANGUAGE_HOST_MS } from "../helpers/timeouts";

const work = mkdtempSync(join(tmpdir(), "cad-closure-"));
let report: IdiomsReport;
let generated: string;

beforeAll(async () => {
  const outFile = join(work, "__index.js");
  const result = spawnSync(process.execPath, ["-r", "ts-node/register", join("test", "helpers", "serialiseFactory.ts"), outFile], {
    cwd: REPO_ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(REPO_ROOT, "tsconfig.json"), TS_NODE_TRANSPILE_ONLY: "true" },
    encoding: "utf8",
    timeout: LANGUAGE_HOST_MS,
  });
  if (result.status !== 0) throw new Error(`serialiseFactory failed (${String(result.status)}):\n${result.stderr}`);
  generated = readFileSync(outFile, "utf8");
  const mod = createRequire(outFile)(outFile) as { handler: () => Promise<IdiomsReport> };
  report = await mod.handler();
}, LANGUAGE_HOST_MS);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("runtime classes inside a serialised Lambda", () => {
  it("keep their field initialisers, parameter properties and statics", () => {
    expect(report).toMatchObject({ cached: 3, evicted: undefined, stats: { size: 2, lookups: 2 }, capacity: 2, instances: 1 });
    expect(generated).toContain("this.entries = new Map()");
  });

  it("an Error subclass written the usual way keeps its class and fields but loses its message", () => {
    expect(report.plain).toMatchObject({ name: "PlainConflictError", key: "k1", isInstance: true });
    expect(report.plain.message).not.toContain("k1");
  });

  it("an Error subclass that sets message and stack itself survives intact", () => {
    expect(report.serialisable).toEqual({
      message: 'state "k2" was changed by another writer',
      name: "SerialisableConflictError",
      key: "k2",
      isInstance: true,
      hasStack: true,
    });
  });

  it("the runtime's own errors (CadError subclasses) keep message, name, stack and cause", () => {
    expect(report.runtimeErrors).toEqual([
      { message: 'state "detector/checkout.json" was changed by another writer; reload and retry', name: "StateConflictError", key: "detector/checkout.json", isInstance: true, hasStack: true },
      { message: "Vault is unreachable", name: "VaultError", key: undefined, isInstance: true, hasStack: true, cause: "ECONNREFUSED" },
    ]);
  });

  it("a module-level Set arrives as a plain object; an array works", () => {
    expect(report.lookups.list).toBe(true);
    expect(report.lookups.set).toMatch(/incompatible receiver/);
  });
});
