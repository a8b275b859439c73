/**
 * Runs the real Pulumi program (infra/index.ts) under `pulumi.runtime.setMocks` and records every resource it
 * registers: type, name, inputs (secrets unwrapped, their paths noted), and the stack outputs.
 *
 * The program is loaded the way Pulumi's nodejs language host loads it: Node's own `require` with ts-node
 * (CommonJS, the repo's tsconfig.json), not through vitest's module graph. That matters: the CallbackFunctions'
 * closures are serialised while the program runs, and only natively required modules serialise as they do
 * under `pulumi up` (packages as `require("pkg")`, local modules by value).
 *
 * Used by the infra tests and by the CrossGuard policy tests (run the pack over `run.resources`).
 */
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";

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
  /** The state the mock returned (inputs plus provider-computed fields such as `arn`, `url`, `bucket`). */
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
}

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const PROJECT_NAME = "container-anomaly-detection";
export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "eu-west-1";
/** Registry path the mock returns for the RCF image (the real one is in an AWS-owned account). */
export const MOCK_RCF_IMAGE = "438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1";

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

function fakeArn(type: string, name: string): string {
  const [pkg, mod] = type.split(":");
  const service = (mod ?? "index").split("/")[0];
  return `arn:aws:${pkg === "aws" ? service : pkg}:${MOCK_REGION}:${MOCK_ACCOUNT}:${name}`;
}

/**
 * Provider-computed outputs the program reads, per resource type, shaped like AWS/Vault return them — including
 * the resource id, which for most AWS resources is its name (a bucket's id is the bucket name, a queue's its URL),
 * so that `bucket: bucket.id` references match the bucket as they would in a real stack.
 */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const physical = typeof inputs.name === "string" ? inputs.name : `${name}-0a1b2c3`;
  const state: Record<string, unknown> = { ...inputs, id: physical, name: physical, arn: fakeArn(type, physical) };
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return { ...state, bucket: physical, arn: `arn:aws:s3:::${physical}` };
    case "aws:kms/key:Key":
      return { ...state, id: `${name}-id`, keyId: `${name}-id`, arn: `arn:aws:kms:${MOCK_REGION}:${MOCK_ACCOUNT}:key/${name}-id` };
    case "aws:sqs/queue:Queue": {
      const url = `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT}/${physical}`;
      return { ...state, id: url, url, arn: `arn:aws:sqs:${MOCK_REGION}:${MOCK_ACCOUNT}:${physical}` };
    }
    case "aws:sns/topic:Topic": {
      const arn = `arn:aws:sns:${MOCK_REGION}:${MOCK_ACCOUNT}:${physical}`;
      return { ...state, id: arn, arn };
    }
    case "aws:iam/role:Role":
      return { ...state, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${physical}` };
    case "aws:lambda/function:Function":
      return { ...state, arn: `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT}:function:${physical}` };
    case "aws:sagemaker/endpoint:Endpoint":
      return { ...state, arn: `arn:aws:sagemaker:${MOCK_REGION}:${MOCK_ACCOUNT}:endpoint/${physical}` };
    case "aws:sagemaker/trainingJob:TrainingJob":
      return { ...state, id: String(inputs.trainingJobName) };
    case "vault:kv/secretV2:SecretV2": {
      const path = `${String(inputs.mount)}/data/${String(inputs.name)}`;
      return { ...state, id: path, path };
    }
    default:
      return state;
  }
}

function invokeResult(token: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/deployer`, userId: "AIDAEXAMPLE", id: MOCK_ACCOUNT };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:index/getRegion:getRegion":
      return { name: MOCK_REGION, region: MOCK_REGION, endpoint: `ec2.${MOCK_REGION}.amazonaws.com`, id: MOCK_REGION };
    case "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage":
      return { registryPath: MOCK_RCF_IMAGE, registryId: "438346466558", repositoryName: "randomcutforest", id: "randomcutforest" };
    default:
      // An unmocked invoke would silently yield undefined: fail loudly instead.
      throw new Error(`pulumiMocks: no mock for invoke ${token}`);
  }
}

const nativeRequire = createRequire(join(REPO_ROOT, "package.json"));

function registerTypeScript(typeCheck: boolean): void {
  const extensions = (nativeRequire as unknown as { extensions: Record<string, unknown> }).extensions;
  if (extensions[".ts"] !== undefined) return;
  const tsNode = nativeRequire("ts-node") as { register(options: Record<string, unknown>): unknown };
  // The options Pulumi's run.js passes (cmd/run/run.js): the repo's tsconfig.json decides module/target.
  tsNode.register({ compiler: "typescript", project: join(REPO_ROOT, "tsconfig.json"), transpileOnly: !typeCheck });
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

/** Runs the program once under mocks and returns what it registered. */
export async function runProgram(options: RunProgramOptions): Promise<ProgramRun> {
  const resources: RecordedResource[] = options.recorded ?? [];
  const invokes: { token: string; inputs: Record<string, unknown> }[] = [];
  pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const secretPaths: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Record<string, unknown>;
        const state = computedState(args.type, args.name, inputs);
        resources.push({
          type: args.type,
          name: args.name,
          inputs,
          secretPaths,
          custom: args.custom !== false,
          ...(args.provider === undefined || args.provider === "" ? {} : { provider: args.provider }),
          outputs: state,
        });
        return { id: String(state.id), state };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        invokes.push({ token: args.token, inputs: unwrapSecrets(args.inputs, "", []) as Record<string, unknown> });
        return invokeResult(args.token);
      },
    },
    PROJECT_NAME,
    options.stack ?? "dev",
    false,
  );

  registerTypeScript(options.typeCheck ?? false);
  forgetRepoModules();
  const settings = nativeRequire("@pulumi/pulumi/runtime/settings") as RpcSettings;
  const program = nativeRequire(options.program ?? join(REPO_ROOT, "infra", "index.ts")) as Record<string, unknown>;

  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [key, value] of Object.entries(program)) {
    const resolved = await resolveOutput(value);
    outputs[key] = resolved.value;
    if (resolved.secret) secretOutputs.push(key);
  }
  await settings.waitForRPCs();
  return { resources, outputs, secretOutputs, invokes };
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
