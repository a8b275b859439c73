/**
 * Each Lambda's code: its entry module (runtime/lambda/entries/<entry>.ts) and everything it imports, bundled by
 * esbuild into one CommonJS file, `index.js`, exporting `handler`. The AWS SDK v3 is left out (the nodejs24.x
 * runtime provides it); every other package the entry reaches (splunk-sdk, Powertools, valibot…) is inside the
 * bundle, and nothing it does not reach is. The bundle is built while the program runs (`pulumi preview` / `up`),
 * from the working tree, so what deploys is always the code beside the program.
 *
 * The same bundle is deterministic for the same sources (paths are taken from the repository root, not the
 * working directory), so an unchanged runtime leaves every function's code unchanged in a preview.
 */
import { builtinModules } from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { buildSync, type BuildResult, type Message } from "esbuild";

/** The functions' entry modules, by file name under runtime/lambda/entries/. */
export const LAMBDA_ENTRIES = ["collect", "collectWorker", "detect", "detectWorker", "plan", "feedback", "notify"] as const;
export type LambdaEntry = (typeof LAMBDA_ENTRIES)[number];

/** The module and export Lambda calls: `index.js`'s `handler`. */
export const BUNDLE_HANDLER = "index.handler";

/** JavaScript the bundle is written for: the functions' runtime (scheduledFunction.ts LAMBDA_RUNTIME, nodejs24.x). */
export const BUNDLE_TARGET = "node24";

const REPO_ROOT = join(__dirname, "..");

/** The bundled code of one entry and the packages it leaves for the runtime to provide. */
export interface LambdaBundle {
  readonly entry: LambdaEntry;
  /** The whole of index.js. */
  readonly code: string;
  /** Packages index.js still `require`s: only the AWS SDK's clients (Node's built-ins are not listed). */
  readonly external: readonly string[];
}

function describe(messages: readonly Message[]): string {
  return messages.map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join("\n");
}

/** Bundles one entry. Throws naming the entry and every error esbuild reported (a missing module, a syntax error). */
export function bundleLambda(entry: LambdaEntry): LambdaBundle {
  const entryPoint = join("runtime", "lambda", "entries", `${entry}.ts`);
  let result: BuildResult<{ metafile: true; write: false }>;
  try {
    result = buildSync({
      absWorkingDir: REPO_ROOT,
      entryPoints: [entryPoint],
      bundle: true,
      platform: "node",
      target: BUNDLE_TARGET,
      format: "cjs",
      // The runtime's SDK: bundling it would pin a copy of every client and its dependencies (megabytes).
      external: ["@aws-sdk/*"],
      // Class and function names stay as written: errors and logs name them.
      keepNames: true,
      // In place of tsconfig.json: class fields as tsc emits them, and no file-wide "use strict", which tsconfig's
      // `strict` would add and which breaks splunk-sdk (sloppy-mode CommonJS that reads `arguments.callee`).
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, alwaysStrict: false } },
      legalComments: "none",
      // splunkSdk.ts asks where splunk-sdk is installed to find its dotenv; in the bundle both are inside index.js.
      logOverride: { "require-resolve-not-external": "silent" },
      logLevel: "silent",
      metafile: true,
      write: false,
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    throw new Error(`Lambda bundle "${entry}" (${entryPoint}) failed to build:\n${errors ? describe(errors) : String(error)}`, { cause: error });
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`Lambda bundle "${entry}" (${entryPoint}): esbuild wrote no output`);
  const external = Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external && i.kind !== "require-resolve" && !i.path.startsWith("node:") && !builtinModules.includes(i.path))
    .map((i) => i.path);
  return { entry, code: output.text, external: [...new Set(external)].sort() };
}

const built = new Map<LambdaEntry, LambdaBundle>();

/** The entry's bundle, built once per program run. */
export function lambdaBundle(entry: LambdaEntry): LambdaBundle {
  let bundle = built.get(entry);
  if (bundle === undefined) {
    bundle = bundleLambda(entry);
    built.set(entry, bundle);
  }
  return bundle;
}

/** The function's code archive: `index.js` alone (handler {@link BUNDLE_HANDLER}). */
export function lambdaCode(entry: LambdaEntry): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(lambdaBundle(entry).code) });
}
