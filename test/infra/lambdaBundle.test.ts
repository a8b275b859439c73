/**
 * infra/lambdaBundle.ts: every entry module bundles into one self-contained index.js (the AWS SDK left to the
 * runtime), the same bytes from any working directory, with splunk-sdk's dotenv still unable to read a `.env`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLE_HANDLER, LAMBDA_ENTRIES, bundleLambda, lambdaCode, type LambdaEntry } from "../../infra/lambdaBundle";
import { bundledPackages, requiredModules } from "../helpers/bundleContents";
import { REPO_ROOT } from "../helpers/pulumiMocks";
import { LANGUAGE_HOST_MS } from "../helpers/timeouts";

const work = mkdtempSync(join(tmpdir(), "cad-bundle-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("Lambda bundles", () => {
  it.each(LAMBDA_ENTRIES)("%s: one CommonJS file exporting the handler, requiring only AWS SDK clients", (entry) => {
    const bundle = bundleLambda(entry);
    expect(bundle.external.length).toBeGreaterThan(0);
    expect(bundle.external.every((m) => m.startsWith("@aws-sdk/client-"))).toBe(true);
    // What esbuild reports and what the file requires agree.
    expect(requiredModules(bundle.code)).toEqual(bundle.external);
    expect(bundle.code).toMatch(/__export\(\w+_exports, \{\s*handler: \(\) => handler\s*\}\)/);
    expect(bundledPackages(bundle.code).filter((p) => p.startsWith("@aws-sdk/") || p.startsWith("@pulumi/"))).toEqual([]);
  });

  it("only the functions that read metrics carry the Splunk SDK", () => {
    const withSplunk = LAMBDA_ENTRIES.filter((e) => bundledPackages(bundleLambda(e).code).includes("splunk-sdk"));
    expect(withSplunk).toEqual(["collect", "collectWorker", "detect", "detectWorker"]);
  });

  it("are the same bytes from any working directory (an unchanged runtime leaves the functions unchanged)", () => {
    const here = bundleLambda("plan").code;
    const cwd = process.cwd();
    try {
      process.chdir(work);
      expect(bundleLambda("plan").code).toBe(here);
    } finally {
      process.chdir(cwd);
    }
  });

  it("the archive is index.js alone, run as index.handler", async () => {
    const archive = lambdaCode("feedback");
    const assets = await archive.assets;
    expect(Object.keys(assets)).toEqual(["index.js"]);
    expect(await (assets["index.js"] as unknown as { text: Promise<string> }).text).toBe(bundleLambda("feedback").code);
    expect(BUNDLE_HANDLER).toBe("index.handler");
  });

  it("an entry that does not build fails naming it and esbuild's error", () => {
    expect(() => bundleLambda("missing" as LambdaEntry)).toThrow(/Lambda bundle "missing" \(runtime\/lambda\/entries\/missing\.ts\) failed to build:\n.*Could not resolve/);
  });

  it("inside the bundle, splunk-sdk still cannot apply a .env from the working directory", () => {
    const root = join(work, "dotenv");
    mkdirSync(join(root, "node_modules"), { recursive: true });
    writeFileSync(join(root, "index.js"), bundleLambda("collect").code);
    symlinkSync(join(REPO_ROOT, "node_modules", "@aws-sdk"), join(root, "node_modules", "@aws-sdk"), "dir");
    writeFileSync(join(root, ".env"), "CAD_DOTENV_PROBE=applied\nNODE_TLS_REJECT_UNAUTHORIZED=0\n");
    // Loading the module runs the SDK's dotenv, then the cold start, which fails on the empty environment.
    const script = `try { require("./index.js"); } catch (e) { process.stderr.write(String(e.message)); } process.stdout.write(JSON.stringify([process.env.CAD_DOTENV_PROBE ?? null, process.env.NODE_TLS_REJECT_UNAUTHORIZED ?? null]));`;
    const result = spawnSync(process.execPath, ["-e", script], { cwd: root, env: { PATH: process.env.PATH }, encoding: "utf8", timeout: LANGUAGE_HOST_MS });
    expect(result.stderr).toMatch(/environment variable CAD_/);
    expect(JSON.parse(result.stdout)).toEqual([null, null]);
  });
});
