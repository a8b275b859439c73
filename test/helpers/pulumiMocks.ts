/**
 * Runs the real Pulumi program (infra/index.ts) under `pulumi.runtime.setMocks` and records every resource it
 * registers: type, name, inputs (secrets unwrapped, their paths noted), the state the provider returned, and the
 * stack outputs.
 *
 * The program is loaded the way Pulumi's nodejs language host loads it: Node's own `require` with ts-node
 * (CommonJS, the repo's tsconfig.json), not through vitest's module graph, so the program runs as under `pulumi up`
 * (the functions' code is bundled while it runs: infra/lambdaBundle.ts).
 *
 * Like the language host, a run fails when the program throws or when one of its promises rejects unhandled (an
 * `apply` that throws, a failed registration): `runProgram` rejects with that error instead of hanging.
 *
 * The provider side is pluggable ({@link MockProvider}): by default a fresh account ({@link freshAccount}) answers
 * like AWS and Vault would for a new stack (see providerState.ts); test/helpers/fakeAwsAccount.ts keeps state across
 * runs to play a stack's lifecycle.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MOCK_ACCOUNT, MOCK_REGION, providerState, rcfImagePath } from "./providerState";

export { MOCK_ACCOUNT, MOCK_REGION } from "./providerState";

/** One registered resource (custom resources and components alike). */
export interface RecordedResource {
  /** Type token, e.g. `aws:s3/bucket:Bucket` or `cad:storage:Storage`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Inputs as the engine would receive them, secrets unwrapped. */
  readonly inputs: Record<string, unknown>;
  /** Dotted paths of inputs that were secret (e.g. `dataJson`). */
  readonly secretPaths: readonly string[];
  /** False for component resources. */
  readonly custom: boolean;
  /** The provider reference, for resources created with an explicit provider. */
  readonly provider?: string;
  /** The id the provider returned. */
  readonly id: string;
  /** The state the provider returned (inputs plus provider-computed fields such as `arn`, `url`, `bucket`). */
  readonly outputs: Record<string, unknown>;
}

/** The outcome of one run of the program under mocks. */
export interface ProgramRun {
  readonly resources: readonly RecordedResource[];
  /** Stack outputs (the program's exports), resolved. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Stack outputs that are secret. */
  readonly secretOutputs: readonly string[];
  /** Every invoke the program made (token and arguments). */
  readonly invokes: readonly { readonly token: string; readonly inputs: Record<string, unknown> }[];
}

/** The provider side of a run: what AWS/Vault answer to registrations and invokes. Throwing fails that step. */
export interface MockProvider {
  newResource(args: { readonly type: string; readonly name: string; readonly inputs: Record<string, unknown>; readonly custom: boolean }): { id: string; state: Record<string, unknown> };
  call(token: string, inputs: Record<string, unknown>): Record<string, unknown>;
}

export interface RunProgramOptions {
  /** Full config keys (`container-anomaly-detection:services`, `aws:region`) to raw string values. */
  readonly config: Readonly<Record<string, string>>;
  /** Keys of `config` that are secrets (as `pulumi config set --secret` marks them). */
  readonly secretKeys?: readonly string[];
  readonly stack?: string;
  /** Program entry; default infra/index.ts. */
  readonly program?: string;
  /**
   * Type-check the program like the language host does by default (slower). Default false: transpile only.
   * Ignored when ts-node is already registered in this process (e.g. by `node -r ts-node/register`).
   */
  readonly typeCheck?: boolean;
  /** Sink for the recorded resources; pass one to inspect what was registered before a failure. */
  readonly recorded?: RecordedResource[];
  /** The provider side; default {@link freshAccount} with `bucketKeys`. */
  readonly provider?: MockProvider;
  /** With the default provider: object keys already in the stack's bucket (e.g. a training set's files). */
  readonly bucketKeys?: readonly string[];
}

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const PROJECT_NAME = "container-anomaly-detection";
/** Registry path the default provider returns for the RCF image in the mock region (the real one, from the provider's table). */
export const MOCK_RCF_IMAGE = rcfImagePath(MOCK_REGION) as string;

/** Pulumi's secret signature in serialised property values. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Returns `value` with secret wrappers removed; appends the path of each secret found to `secrets`. */
export function unwrapSecrets(value: unknown, path: string, secrets: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, secrets));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) {
    secrets.push(path);
    return unwrapSecrets(record.value, path, secrets);
  }
  const proto = Object.getPrototypeOf(record) as unknown;
  if (proto !== Object.prototype && proto !== null) return value; // assets, archives, resources: keep as they are
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v, path === "" ? k : `${path}.${k}`, secrets)]));
}

/** S3 `ListObjectsV2` with a delimiter over a set of keys: the keys directly under `prefix` and the sub-prefixes. */
export function listObjects(keys: readonly string[], prefix: string, delimiter: string | undefined): { keys: string[]; commonPrefixes: string[] } {
  const under = keys.filter((k) => k.startsWith(prefix)).sort();
  if (delimiter === undefined || delimiter === "") return { keys: under, commonPrefixes: [] };
  const direct = under.filter((k) => !k.slice(prefix.length).includes(delimiter));
  const prefixes = [...new Set(under.filter((k) => k.slice(prefix.length).includes(delimiter)).map((k) => k.slice(0, k.indexOf(delimiter, prefix.length) + 1)))];
  return { keys: direct, commonPrefixes: prefixes };
}

/** Answers the invokes the program makes, as AWS would in `region` with `bucketKeys` in every bucket asked about. */
export function answerInvoke(token: string, inputs: Record<string, unknown>, region: string, bucketKeys: readonly string[]): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/deployer`, userId: "AIDAEXAMPLE", id: MOCK_ACCOUNT };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, endpoint: `ec2.${region}.amazonaws.com`, id: region };
    case "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage": {
      const path = rcfImagePath(region);
      // The data source's own error outside its table.
      if (path === undefined) throw new Error(`no registry ID available for region (${region}) and repository (${String(inputs.repositoryName)})`);
      return { registryPath: path, registryId: path.split(".")[0], repositoryName: "randomcutforest", id: path.split(".")[0] };
    }
    case "aws:s3/getObjects:getObjects": {
      const listed = listObjects(bucketKeys, String(inputs.prefix ?? ""), typeof inputs.delimiter === "string" ? inputs.delimiter : undefined);
      return { ...listed, bucket: inputs.bucket, owners: [], requestCharged: "", region, id: String(inputs.bucket) };
    }
    default:
      // An unmocked invoke would silently yield undefined: fail loudly instead.
      throw new Error(`pulumiMocks: no mock for invoke ${token}`);
  }
}

/** A brand-new account in `region`: every resource is created for the first time; buckets hold `bucketKeys`. */
export function freshAccount(region: string = MOCK_REGION, bucketKeys: readonly string[] = []): MockProvider {
  return {
    newResource: (args) => providerState(args.type, args.name, args.inputs, { region }),
    call: (token, inputs) => answerInvoke(token, inputs, region, bucketKeys),
  };
}

const nativeRequire = createRequire(join(REPO_ROOT, "package.json"));

interface NodeModule {
  _compile(code: string, filename: string): unknown;
}
type Extension = (module: NodeModule, filename: string) => unknown;

/**
 * Registers ts-node like Pulumi's run.js does (the repo's tsconfig.json decides module/target), and keeps each
 * file's compiled JavaScript for the next run of the program in this process: every run forgets the repo's modules
 * (so that config is read afresh), and re-transpiling them was most of a run's time.
 */
function registerTypeScript(typeCheck: boolean): void {
  const extensions = (nativeRequire as unknown as { extensions: Record<string, Extension | undefined> }).extensions;
  if (extensions[".ts"] !== undefined) return;
  const tsNode = nativeRequire("ts-node") as { register(options: Record<string, unknown>): unknown };
  tsNode.register({ compiler: "typescript", project: join(REPO_ROOT, "tsconfig.json"), transpileOnly: !typeCheck });
  const compileWithTsNode = Reflect.get(extensions, ".ts") as Extension; // set by register() above
  const compiled = new Map<string, { source: string; js: string }>();
  const moduleCompile = (nativeRequire("node:module") as { prototype: NodeModule }).prototype._compile;
  extensions[".ts"] = (module, filename) => {
    const source = readFileSync(filename, "utf8");
    const cached = compiled.get(filename);
    if (cached !== undefined && cached.source === source) return moduleCompile.call(module, cached.js, filename);
    // ts-node wraps module._compile: the wrapper hands ours the JavaScript it produced.
    module._compile = (js: string, name: string) => {
      compiled.set(filename, { source, js });
      return moduleCompile.call(module, js, name);
    };
    return compileWithTsNode(module, filename);
  };
}

/** Forget the repo's own modules so that the next program load reads its config afresh. */
function forgetRepoModules(): void {
  for (const file of Object.keys(nativeRequire.cache)) {
    if (file.startsWith(REPO_ROOT) && !file.includes(`${"/"}node_modules${"/"}`)) Reflect.deleteProperty(nativeRequire.cache, file);
  }
}

async function resolveOutput(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  if (!pulumi.Output.isInstance(value)) return { value, secret: false };
  const secret = await pulumi.isSecret(value);
  const resolved = await new Promise<unknown>((done) => value.apply((v) => done(v)));
  return { value: resolved, secret };
}

interface RpcSettings {
  waitForRPCs(): Promise<void>;
}

/**
 * Collects the process's unhandled rejections for the duration of a run, the way the language host turns them into
 * the failure of `pulumi up`; the listeners it displaces (the test runner's) are put back by `restore`.
 */
function captureUnhandledRejections(): { failures: unknown[]; firstFailure: Promise<void>; restore(): void } {
  const displaced = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const failures: unknown[] = [];
  let signal = (): void => undefined;
  const firstFailure = new Promise<void>((done) => (signal = done));
  const listener = (reason: unknown): void => {
    failures.push(reason);
    signal();
  };
  process.on("unhandledRejection", listener);
  return {
    failures,
    firstFailure,
    restore: () => {
      process.removeListener("unhandledRejection", listener);
      for (const l of displaced) process.on("unhandledRejection", l);
    },
  };
}

/** Lets Node report the rejections left unhandled by the microtasks run so far. */
const nextMacrotask = () => new Promise<void>((done) => setImmediate(done));

/** Runs the program once under mocks and returns what it registered; rejects as `pulumi up` would fail. */
export async function runProgram(options: RunProgramOptions): Promise<ProgramRun> {
  const resources: RecordedResource[] = options.recorded ?? [];
  const invokes: { token: string; inputs: Record<string, unknown> }[] = [];
  const region = options.config["aws:region"] ?? MOCK_REGION;
  const provider = options.provider ?? freshAccount(region, options.bucketKeys);
  pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const secretPaths: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Record<string, unknown>;
        const custom = args.custom !== false;
        const { id, state } = provider.newResource({ type: args.type, name: args.name, inputs, custom });
        resources.push({
          type: args.type,
          name: args.name,
          inputs,
          secretPaths,
          custom,
          ...(args.provider === undefined || args.provider === "" ? {} : { provider: args.provider }),
          id,
          outputs: state,
        });
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const inputs = unwrapSecrets(args.inputs, "", []) as Record<string, unknown>;
        invokes.push({ token: args.token, inputs });
        return provider.call(args.token, inputs);
      },
    },
    PROJECT_NAME,
    options.stack ?? "dev",
    false,
  );

  registerTypeScript(options.typeCheck ?? false);
  forgetRepoModules();
  const settings = nativeRequire("@pulumi/pulumi/runtime/settings") as RpcSettings;
  const rejections = captureUnhandledRejections();
  try {
    const program = nativeRequire(options.program ?? join(REPO_ROOT, "infra", "index.ts")) as Record<string, unknown>;
    // A failed step leaves the resources that depend on it waiting forever: stop at the first failure, as the
    // engine does, once Node has reported the rejections that came with it.
    await Promise.race([settings.waitForRPCs(), rejections.firstFailure]);
    await nextMacrotask();
    if (rejections.failures.length > 0) throw rejections.failures[0];
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(program)) {
      if (value === undefined) continue; // Pulumi leaves undefined exports out of the stack outputs
      const resolved = await resolveOutput(value);
      outputs[key] = resolved.value;
      if (resolved.secret) secretOutputs.push(key);
    }
    await settings.waitForRPCs();
    return { resources, outputs, secretOutputs, invokes };
  } finally {
    await nextMacrotask();
    rejections.restore();
  }
}

/** All recorded resources of one type. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The one recorded resource with this type and name; throws naming what exists otherwise. */
export function resource(run: ProgramRun, type: string, name: string): RecordedResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named "${name}"; recorded: ${ofType(run, type).map((r) => r.name).join(", ") || "none of that type"}`);
  return found;
}
