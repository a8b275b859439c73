#!/usr/bin/env node
// The `cad` command: the local CLI of container-anomaly-detection (see `cad --help`).
// It runs the JavaScript compiled into dist/ by `npm run build` (which `npm ci` runs through the `prepare` script):
// compiling TypeScript on every start took seconds, even for --help.
"use strict";
const { distProblem } = require("./distFreshness");

const verbose = process.argv.includes("--verbose");
const problem = distProblem();
if (problem) {
  process.stderr.write(`cad: ${problem}: run \`npm run build\` (npm ci runs it too)\n`);
  process.exit(1);
}
// With --verbose, stack traces point into the TypeScript sources (dist/ carries source maps).
if (verbose) process.setSourceMapsEnabled(true);
// `cad … | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
const { runCli } = require("../dist/cli/main.js");
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
