#!/usr/bin/env node
// Runs a TypeScript entry point with tsx's CommonJS loader (the same module format Pulumi's
// language host and the Lambda bundles use), so no build step is needed after `npm ci`.
"use strict";
const path = require("node:path");
require("tsx/cjs");
const entry = process.argv[2];
if (!entry) {
  process.stderr.write("usage: run-ts.js <file.ts> [args...]\n");
  process.exit(2);
}
process.argv.splice(1, 1); // argv[1] becomes the entry, so parsers see only the entry's own args
require(path.resolve(entry));
