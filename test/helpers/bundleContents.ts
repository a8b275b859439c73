/**
 * What a Lambda bundle (infra/lambdaBundle.ts, esbuild's CommonJS output) holds and what it leaves to the runtime,
 * read from the bundle's text: the tests' check that an archive is self-contained and lean.
 */
import { builtinModules } from "node:module";

/** Packages an esbuild bundle holds code of: its `// node_modules/<package>/<file>` markers (nested installs by their own name). */
export function bundledPackages(code: string): string[] {
  const names = [...code.matchAll(/^\/\/ (?:\S*\/)?node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm)].map((m) => m[1] as string);
  return [...new Set(names)].sort();
}

/** The modules a CommonJS file requires by literal name (`require("x")`), Node's built-ins left out. */
export function requiredModules(code: string): string[] {
  const names = [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1] as string);
  return [...new Set(names)].filter((n) => !n.startsWith("node:") && !builtinModules.includes(n)).sort();
}
