#!/usr/bin/env node
// The `cad` command: the local CLI of container-anomaly-detection (see `cad --help`).
// tsx's CommonJS loader runs the TypeScript sources directly, so `npx cad` works right after `npm ci`.
"use strict";
require("tsx/cjs");
// The AWS SDK warns on every run under Node 20 that releases after January 2027 will need Node 22: noise for a
// CLI user (the lock file pins the SDK we test). --verbose keeps it.
if (!process.argv.includes("--verbose")) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// `cad … | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
const { runCli } = require("../cli/main.ts");
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
