/**
 * An AWS account plus the Pulumi engine's bookkeeping, enough to play a stack's lifecycle — first `pulumi up`,
 * retrain, mode switch, a failed training, recovery, teardown — against the real program, and to fail where a
 * real deployment fails:
 *
 * - Each registration is a step decided like the engine decides it: create (not in the stack's state), same, update,
 *   or replace (an input the provider marks as forcing replacement changed, or `--replace`). A replacement is
 *   create-before-delete: the new resource is created while the old one still exists, and gets a fresh auto-name
 *   (Pulumi re-runs autonaming on replace); an explicit name stays the same and collides.
 * - Names AWS keeps unique are checked against what the account holds (SageMaker training jobs, models, endpoint
 *   configurations and endpoints; Lambda functions, log groups, roles, rules, aliases, buckets).
 * - SageMaker behaves like the provider and the service: creating a training job waits for it, and a job that fails
 *   (no objects under its S3 prefix, or a failure the test injects) fails the step without saving state while the
 *   job and its name stay in the account; CreateModel needs its artifact; an endpoint cannot be updated between
 *   instance and serverless configurations.
 * - A failed `up` keeps the steps that succeeded before it; a successful one deletes what was replaced or removed.
 *
 * It is the engine-and-provider side only: every resource comes from running infra/index.ts under Pulumi's mocks.
 */
import { MOCK_REGION, physicalName, providerState } from "./providerState";
import { answerInvoke, runProgram, type MockProvider, type ProgramRun, type RunProgramOptions } from "./pulumiMocks";

interface StackResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly id: string;
  readonly state: Record<string, unknown>;
  /** How many times this resource was replaced: its auto-name comes from it. */
  readonly generation: number;
}

/** What a step did; the test reads them to see what an update would do. */
export interface Step {
  readonly op: "create" | "update" | "replace" | "same" | "delete";
  readonly type: string;
  readonly name: string;
}

/** Inputs whose change makes the provider replace the resource ("*": every input but tags and timeouts). */
const REPLACE_ON: Readonly<Record<string, "*" | readonly string[]>> = {
  "aws:sagemaker/trainingJob:TrainingJob": "*",
  "aws:sagemaker/model:Model": "*",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": "*",
  "aws:sagemaker/endpoint:Endpoint": ["name"],
  "aws:lambda/function:Function": ["name"],
  "aws:lambda/permission:Permission": "*",
  "aws:cloudwatch/logGroup:LogGroup": ["name"],
  "aws:cloudwatch/eventRule:EventRule": ["name"],
  "aws:iam/role:Role": ["name", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "role"],
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix"],
  "aws:sqs/queue:Queue": ["name", "fifoQueue"],
  "aws:sns/topic:Topic": ["name", "fifoTopic"],
  "aws:sns/topicSubscription:TopicSubscription": ["topic", "protocol", "endpoint"],
  "aws:kms/alias:Alias": ["name"],
  "vault:kv/secretV2:SecretV2": ["mount", "name"],
  "vault:index/policy:Policy": ["name"],
  "vault:aws/authBackendRole:AuthBackendRole": ["backend", "role"],
};

/** Types whose physical names AWS refuses to create twice, and the error it gives. */
const UNIQUE: Readonly<Record<string, (name: string) => string>> = {
  "aws:sagemaker/trainingJob:TrainingJob": (n) => `ResourceInUse: Training job names must be unique within an AWS account and region, and a training job with this name already exists (${n})`,
  "aws:sagemaker/model:Model": (n) => `ValidationException: Cannot create already existing model "${n}".`,
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (n) => `ValidationException: Cannot create already existing endpoint configuration "${n}".`,
  "aws:sagemaker/endpoint:Endpoint": (n) => `ValidationException: Cannot create already existing endpoint "${n}".`,
  "aws:lambda/function:Function": (n) => `ResourceConflictException: Function already exist: ${n}`,
  "aws:cloudwatch/logGroup:LogGroup": (n) => `ResourceAlreadyExistsException: The specified log group already exists: ${n}`,
  "aws:iam/role:Role": (n) => `EntityAlreadyExists: Role with name ${n} already exists.`,
  "aws:cloudwatch/eventRule:EventRule": (n) => `ResourceAlreadyExistsException: Rule ${n} already exists.`,
  "aws:kms/alias:Alias": (n) => `AlreadyExistsException: An alias with the name ${n} already exists`,
  "aws:s3/bucket:Bucket": (n) => `BucketAlreadyOwnedByYou: ${n}`,
};

/** Comparable form of inputs: assets and archives (the functions' code) are left out. */
function comparable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const proto = Object.getPrototypeOf(v) as unknown;
    return proto === Object.prototype || proto === null ? v : undefined;
  });
}

function forcesReplacement(type: string, before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  const rule = REPLACE_ON[type];
  if (rule === undefined) return false;
  const strip = ({ tags: _t, tagsAll: _a, timeouts: _o, ...rest }: Record<string, unknown>) => rest;
  if (rule === "*") return comparable(strip(before)) !== comparable(strip(after));
  return rule.some((input) => comparable(before[input]) !== comparable(after[input]));
}

const isServerless = (config: Record<string, unknown>): boolean =>
  ((config.productionVariants ?? []) as { serverlessConfig?: unknown }[]).some((v) => v.serverlessConfig !== undefined);

export class FakeAwsAccount implements MockProvider {
  /** Object keys in the stack's bucket (collector windows, training sets, model artifacts). */
  readonly bucketKeys = new Set<string>();
  /** Training jobs ever created, by name, with how they ended: SageMaker keeps a failed job (and its name). */
  readonly trainingJobs = new Map<string, "Completed" | "Failed">();
  private stack = new Map<string, StackResource>();
  private readonly names = new Map<string, Set<string>>();
  private readonly endpointConfigModes = new Map<string, "instance" | "serverless">();
  private next = new Map<string, StackResource>();
  /** The number of the current (or last) `up`, and whether it failed: a step of another or a failed one is late. */
  private updates = 0;
  private failed = false;
  private replaced: StackResource[] = [];
  private forceReplace = new Set<string>();
  private failTraining: string | undefined;
  /** The steps of the last `up`. */
  steps: Step[] = [];

  constructor(readonly region: string = MOCK_REGION) {}

  /** Writes objects into the stack's bucket (what `cad dataset build --bucket` or the collector would do). */
  put(...keys: string[]): void {
    for (const key of keys) this.bucketKeys.add(key);
  }

  /** Makes the next training job fail with `reason` (a quota, bad data…), as SageMaker would report it. */
  failNextTrainingJob(reason: string): void {
    this.failTraining = reason;
  }

  /** The physical names the account holds for a resource type. */
  namesOf(type: string): string[] {
    return [...(this.names.get(type) ?? [])].sort();
  }

  /** The resources in the stack's state, by type. */
  deployed(type: string): { name: string; id: string; inputs: Record<string, unknown>; state: Record<string, unknown> }[] {
    return [...this.stack.values()].filter((r) => r.type === type);
  }

  /**
   * `pulumi up` (with `--replace` for the given logical names): rejects as the update would fail.
   *
   * The program registers resources concurrently (their code archives are read from disk), so when a step fails
   * others may still complete after the update has been reported failed. The engine saves such in-flight steps; so
   * does this: a registration that completes after its update failed is saved to the stack's state at once. Before,
   * it created its resource in the account but never reached the state, and a later `up` collided with it by name
   * (`Function already exist: cad-dev-collect`), depending on the machine's load.
   */
  async up(options: Omit<RunProgramOptions, "provider" | "bucketKeys">, replace: readonly string[] = []): Promise<ProgramRun> {
    this.next = new Map();
    this.replaced = [];
    this.steps = [];
    this.forceReplace = new Set(replace);
    const update = ++this.updates;
    const provider: MockProvider = {
      newResource: (args) => (update === this.updates && !this.failed ? this.newResource(args) : this.saveLateStep(args)),
      call: (token, inputs) => this.call(token, inputs),
    };
    this.failed = false;
    let run: ProgramRun;
    try {
      run = await runProgram({ ...options, provider });
    } catch (error) {
      // What succeeded is saved (steps completing later too, see saveLateStep); what was not reached stays as it was.
      this.failed = true;
      for (const [key, resource] of this.next) this.stack.set(key, resource);
      throw error;
    }
    const previous = this.stack;
    this.stack = this.next;
    for (const old of [...this.replaced, ...[...previous].filter(([key]) => !this.next.has(key)).map(([, r]) => r)]) {
      this.release(old);
      if (!this.replaced.includes(old)) this.steps.push({ op: "delete", type: old.type, name: old.name });
    }
    return run;
  }

  /** `pulumi destroy`: deletes everything in the stack; a versioned bucket with objects stops it unless forceDestroy. */
  destroy(): void {
    for (const r of [...this.stack.values()].reverse()) {
      if (r.type === "aws:s3/bucket:Bucket" && this.bucketKeys.size > 0 && r.inputs.forceDestroy !== true) {
        throw new Error(`deleting S3 Bucket (${String(r.id)}): BucketNotEmpty: The bucket you tried to delete is not empty. You must delete all versions in the bucket.`);
      }
      if (r.type === "aws:s3/bucket:Bucket") this.bucketKeys.clear();
      this.release(r);
      this.stack.delete(`${r.type}::${r.name}`);
    }
  }

  /** A step of an update that already failed (or ended), completing now: decided and saved straight to the state. */
  private saveLateStep(args: Parameters<MockProvider["newResource"]>[0]): ReturnType<MockProvider["newResource"]> {
    const current = { next: this.next, steps: this.steps, replaced: this.replaced };
    this.next = new Map();
    this.steps = [];
    this.replaced = [];
    try {
      const result = this.newResource(args);
      for (const [key, resource] of this.next) this.stack.set(key, resource);
      return result;
    } finally {
      ({ next: this.next, steps: this.steps, replaced: this.replaced } = current);
    }
  }

  newResource(args: { readonly type: string; readonly name: string; readonly inputs: Record<string, unknown>; readonly custom: boolean }): { id: string; state: Record<string, unknown> } {
    const key = `${args.type}::${args.name}`;
    const prior = this.stack.get(key);
    const op: Step["op"] =
      prior === undefined ? "create" : this.forceReplace.has(args.name) || forcesReplacement(args.type, prior.inputs, args.inputs) ? "replace" : comparable(prior.inputs) === comparable(args.inputs) ? "same" : "update";
    const generation = prior === undefined ? 0 : op === "replace" ? prior.generation + 1 : prior.generation;
    const { id, state } = providerState(args.type, args.name, args.inputs, { region: this.region, generation });
    if (op === "create" || op === "replace") this.create(args.type, args.name, args.inputs, generation);
    if (op === "update" && args.type === "aws:sagemaker/endpoint:Endpoint") this.updateEndpoint(prior as StackResource, args.inputs);
    if (op === "replace") this.replaced.push(prior as StackResource);
    this.steps.push({ op, type: args.type, name: args.name });
    this.next.set(key, { type: args.type, name: args.name, inputs: args.inputs, id, state, generation });
    return { id, state };
  }

  call(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    return answerInvoke(token, inputs, this.region, [...this.bucketKeys]);
  }

  private create(type: string, name: string, inputs: Record<string, unknown>, generation: number): void {
    const physical = type === "aws:sagemaker/trainingJob:TrainingJob" ? String(inputs.trainingJobName) : physicalName(type, name, inputs, generation);
    const unique = UNIQUE[type];
    if (unique !== undefined && physical !== undefined) {
      const taken = this.names.get(type) ?? new Set<string>();
      if (taken.has(physical)) throw new Error(`creating ${type.split(":").pop() ?? type} (${physical}): ${unique(physical)}`);
      taken.add(physical);
      this.names.set(type, taken);
    }
    if (type === "aws:sagemaker/trainingJob:TrainingJob") this.train(String(physical), inputs);
    if (type === "aws:sagemaker/model:Model") {
      const url = String((inputs.primaryContainer as { modelDataUrl?: string } | undefined)?.modelDataUrl ?? "");
      const key = url.replace(/^s3:\/\/[^/]+\//, "");
      if (!this.bucketKeys.has(key)) throw new Error(`creating SageMaker AI Model (${String(physical)}): ValidationException: Could not find model data at ${url}.`);
    }
    if (type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration") this.endpointConfigModes.set(String(physical), isServerless(inputs) ? "serverless" : "instance");
  }

  /** CreateTrainingJob, then the provider's wait: Completed writes the artifact, Failed fails the step. */
  private train(job: string, inputs: Record<string, unknown>): void {
    const channel = (inputs.inputDataConfigs as { dataSource: { s3DataSource: { s3Uri: string } } }[])[0];
    const uri = channel.dataSource.s3DataSource.s3Uri;
    const prefix = uri.replace(/^s3:\/\/[^/]+\//, "");
    const reason = [...this.bucketKeys].some((k) => k.startsWith(prefix)) ? this.failTraining : `ClientError: No S3 objects found under S3 URL "${uri}" given in input data source.`;
    this.failTraining = undefined;
    if (reason !== undefined) {
      this.trainingJobs.set(job, "Failed");
      throw new Error(`waiting for SageMaker AI Training Job (${job}) create: unexpected state 'Failed', wanted target 'Completed, Stopped'. last error: ${reason}`);
    }
    this.trainingJobs.set(job, "Completed");
    const output = String((inputs.outputDataConfig as { s3OutputPath: string }).s3OutputPath).replace(/^s3:\/\/[^/]+\//, "");
    this.put(`${output}${job}/output/model.tar.gz`);
  }

  /** UpdateEndpoint: SageMaker does not move an endpoint between instance and serverless configurations. */
  private updateEndpoint(prior: StackResource, inputs: Record<string, unknown>): void {
    const from = this.endpointConfigModes.get(String(prior.inputs.endpointConfigName));
    const to = this.endpointConfigModes.get(String(inputs.endpointConfigName));
    if (from !== undefined && to !== undefined && from !== to) {
      throw new Error(`updating SageMaker AI Endpoint (${String(prior.id)}): ValidationException: Updating an endpoint from ${from} to ${to} inference is not supported.`);
    }
  }

  private release(r: StackResource): void {
    const physical = r.type === "aws:sagemaker/trainingJob:TrainingJob" ? String(r.inputs.trainingJobName) : physicalName(r.type, r.name, r.inputs, r.generation);
    // The provider deletes a replaced or destroyed training job (DeleteTrainingJob); its artifact stays in the bucket.
    if (r.type === "aws:sagemaker/trainingJob:TrainingJob") this.trainingJobs.delete(String(physical));
    if (physical !== undefined) this.names.get(r.type)?.delete(physical);
  }
}
