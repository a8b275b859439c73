/**
 * The one place that loads splunk-sdk. Its entry point calls `require("dotenv").config()`, which reads a `.env`
 * from the current directory into process.env: any `.env` lying in the directory `cad` runs from could supply
 * credentials, switch TLS verification off (NODE_TLS_REJECT_UNAUTHORIZED=0) or change what is collected, without
 * anyone having set it. While the SDK loads, its dotenv's `config` is replaced by one that only notes the names
 * the file defines (never their values) and sets nothing; the names are kept in `IGNORED_DOTENV_VARIABLES` so
 * the CLI can say the file was ignored. Settings come from the real environment and flags only.
 *
 * Lint allows importing "splunk-sdk" (as a value) only here.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the type of the module, without loading it
type SplunkSdk = typeof import("splunk-sdk");

interface Dotenv {
  config: (options?: unknown) => unknown;
  parse: (source: string) => Record<string, string>;
}

const ignored: string[] = [];

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK must load while its dotenv is neutralised */
/** The dotenv module object the SDK itself will require. */
function sdkDotenv(): Dotenv {
  let sdkDirectory: string;
  try {
    sdkDirectory = dirname(require.resolve("splunk-sdk"));
  } catch {
    // In a Lambda bundle (infra/lambdaBundle.ts) there is no package to resolve: the SDK and its dotenv are inside
    // index.js, and `require("dotenv")` here is the bundler's one copy of the module, the one the SDK requires.
    return require("dotenv") as Dotenv;
  }
  // Installed: the dotenv the SDK resolves (its dependency, wherever npm placed it), the same cached module object.
  return require(require.resolve("dotenv", { paths: [sdkDirectory] })) as Dotenv;
}

function loadWithoutDotenv(): SplunkSdk {
  const dotenv = sdkDotenv();
  const original = dotenv.config;
  dotenv.config = () => {
    try {
      ignored.push(...Object.keys(dotenv.parse(readFileSync(resolve(process.cwd(), ".env"), "utf8"))));
    } catch {
      // no .env (the usual case) or an unreadable one: nothing to ignore
    }
    return { parsed: {} };
  };
  try {
    return require("splunk-sdk") as SplunkSdk;
  } finally {
    dotenv.config = original;
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

export const splunkSdk: SplunkSdk = loadWithoutDotenv();

/** Names defined by a `.env` in the working directory when the SDK loaded, which were not applied (empty normally). */
export const IGNORED_DOTENV_VARIABLES: readonly string[] = ignored;
