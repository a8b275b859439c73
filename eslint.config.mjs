// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Imports that only infra/ and policies/ may use. */
const pulumi = { group: ["@pulumi/*"], message: "runtime/ runs inside Lambdas and the CLI: it must never import Pulumi." };
/** Imports that only adapters at the edge may use: the pure core stays testable and portable. */
const edges = {
  group: ["@aws-sdk/*", "@aws-lambda-powertools/*", "splunk-sdk", "**/adapters/**", "**/handlers/**"],
  message: "runtime's pure core (model, features, detection, decisions) imports no AWS SDK, no adapter and no handler.",
};

/** splunk-sdk loads a .env from the working directory when imported: only its wrapper, which undoes that, may load it. */
const splunkSdk = {
  group: ["splunk-sdk"],
  allowTypeImports: true,
  message: "import splunk-sdk through runtime/adapters/splunk/splunkSdk.ts: the SDK reads ./.env into process.env, the wrapper undoes it.",
};

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "out/**", "coverage/**", "tmp/**", "wasm/**"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly", require: "readonly", module: "writable", __dirname: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "inline-type-imports" }],
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: ["cli/**/*.ts", "training/**/*.ts", "bench/**/*.ts", "figures/**/*.ts", "test/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [splunkSdk] }] },
  },
  {
    files: ["runtime/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [pulumi, splunkSdk] }],
    },
  },
  {
    files: ["runtime/model/**/*.ts", "runtime/features/**/*.ts", "runtime/detection/**/*.ts", "runtime/evaluation/**/*.ts", "runtime/errors/**/*.ts", "runtime/types.ts", "runtime/ports.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [pulumi, edges] }] },
  },
  {
    files: ["runtime/adapters/splunk/splunkSdk.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [pulumi] }] },
  },
  {
    // Plain CommonJS run by node itself: the CLI's launchers, and test preloads (`node --require`).
    files: ["bin/**/*.js", "test/**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
    languageOptions: { sourceType: "commonjs" },
  },
);
