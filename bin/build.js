#!/usr/bin/env node
// `npm run build` (also run by `npm ci` through the `prepare` script): compiles the CLI (tsconfig.build.json) into
// a fresh dist/, then records which sources it came from and when, so bin/cad.js can tell a stale build.
"use strict";
const { spawnSync } = require("node:child_process");
const { readdirSync, rmSync, writeFileSync } = require("node:fs");
const { join, relative } = require("node:path");
const { ROOT, DIST, BUILD_INFO } = require("./distFreshness");

// Taken before compiling: a source saved while tsc runs counts as newer than the build.
const builtAt = Date.now();
rmSync(DIST, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** Repo-relative paths of the .ts files behind every emitted .js file. */
function sourcesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourcesUnder(path));
    else if (entry.name.endsWith(".js")) out.push(relative(DIST, path).replace(/\.js$/, ".ts"));
  }
  return out;
}
const sources = sourcesUnder(DIST).sort();
writeFileSync(BUILD_INFO, JSON.stringify({ builtAt, sources }) + "\n");
process.stdout.write(`compiled ${sources.length} files into dist/\n`);
