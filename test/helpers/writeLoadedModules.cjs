// A `node --require` preload for tests: when the process exits, writes the paths of every CommonJS module it
// loaded (the keys of require.cache) as a JSON array to the file named by CAD_LOADED_MODULES_FILE.
"use strict";
const { writeFileSync } = require("node:fs");

const file = process.env.CAD_LOADED_MODULES_FILE;
if (file) process.on("exit", () => writeFileSync(file, JSON.stringify(Object.keys(require.cache))));
