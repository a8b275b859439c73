/**
 * docs/deploy.md and the README's deploy block, executed: every command of every section, in order, by an operator
 * on one stack (test/helpers/deployScript.ts), against a fake account that fails where AWS fails (unique names,
 * create-before-delete replacements, training jobs that fail without data, endpoints that cannot switch mode in
 * place). Each numbered item of issue 16 that concerns the stack's lifecycle has its check here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../infra/config";
import { StackConfigSchema } from "../../infra/configSchema";
import { DEFAULT_FEATURE_SET } from "../../runtime/features/defaultFeatureSet";
import { COMMON_OUTPUTS, EMBEDDED_OUTPUTS, SAGEMAKER_OUTPUTS } from "../../infra/stackOutputs";
import { DeployScript, bashBlocks } from "../helpers/deployScript";
import { REPO_ROOT } from "../helpers/pulumiMocks";
import { devStackConfig } from "../helpers/stackConfig";

// Each step runs the whole Pulumi program under the mocks (30 s on a quiet 2-core machine, over 120 s with the
// machine four times oversubscribed): generous, so a loaded machine passes.
const SLOW = 600_000;

const deployDoc = readFileSync(join(REPO_ROOT, "docs", "deploy.md"), "utf8");
const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const section = (heading: string): string => {
  const found = bashBlocks(deployDoc).filter((b) => b.heading === heading);
  if (found.length !== 1) throw new Error(`docs/deploy.md: expected one bash block under "${heading}", found ${found.length}`);
  return found[0].script;
};
const TRAINING_JOB = "aws:sagemaker/trainingJob:TrainingJob";
const deployedEnv = (s: DeployScript, role: string): Record<string, string> =>
  (s.account.deployed("aws:lambda/function:Function").find((f) => f.name === `cad-dev-${role}-function`)?.inputs.environment as { variables: Record<string, string> }).variables;
const ruleState = (s: DeployScript): unknown => s.account.deployed("aws:cloudwatch/eventRule:EventRule").find((r) => r.name === "cad-dev-detect-schedule")?.inputs.state;

describe("docs/deploy.md, run in order on one stack", { timeout: SLOW }, () => {
  const s = new DeployScript();

  // Issue 16, item 1: the shipped dev stack trained on a prefix nobody had written, so a new stack's first up failed.
  it("First deploy: succeeds on its first up, with the embedded scorer and no training job", async () => {
    await s.run(section("First deploy"));
    expect(s.outputs).toMatchObject({ scorer: "embedded", detectorSchedule: "DISABLED" });
    expect(s.account.trainingJobs.size).toBe(0);
    expect(s.account.namesOf("aws:lambda/function:Function")).toEqual(["cad-dev-collect", "cad-dev-detect"]);
  });

  it("Give the detector a model: the bundle lands where the stack reads it, and the next up enables the detector", async () => {
    await s.run(section("Give the detector a model (embedded scorer)"));
    expect(s.account.bucketKeys.has("models/current/model-bundle.json")).toBe(true);
    expect(s.outputs.detectorSchedule).toBe("ENABLED");
  });

  it("Switch to the SageMaker scorer: trains on the set it built, serves it, enables the detector once calibrated", async () => {
    await s.run(section("Switch to the SageMaker scorer"));
    expect(s.outputs).toMatchObject({ scorer: "sagemaker", endpointName: "cad-dev-rcf", detectorSchedule: "ENABLED", trainingDataVersion: s.shell.VERSION });
    expect([...s.account.trainingJobs.values()]).toEqual(["Completed"]);
    expect(deployedEnv(s, "detect")).toMatchObject({ CAD_SCORER: "sagemaker", CAD_ENDPOINT_NAME: "cad-dev-rcf", CAD_TRAINING_DATA_VERSION: s.shell.VERSION });
  }, 180_000);

  it("Retrain: a new job, model and configuration are created before the old ones go; the endpoint is updated in place", async () => {
    const before = { job: s.outputs.trainingJobName, models: s.account.namesOf("aws:sagemaker/model:Model") };
    await s.run(section("Retrain"));
    expect(s.outputs.trainingJobName).not.toBe(before.job);
    expect(s.account.namesOf("aws:sagemaker/model:Model")).not.toEqual(before.models);
    expect(s.account.namesOf("aws:sagemaker/model:Model")).toHaveLength(1);
    expect(s.account.namesOf("aws:sagemaker/endpoint:Endpoint")).toEqual(["cad-dev-rcf"]);
    expect(s.account.steps).toContainEqual({ op: "update", type: "aws:sagemaker/endpoint:Endpoint", name: "cad-dev-rcf-endpoint" });
  }, 180_000);

  // Issue 16, item 2: inputs that force the job's replacement but were not in its name gave a duplicate name.
  it("a change that replaces the training job (run time, volume, a replaced role) trains under a new name", async () => {
    const jobs = () => s.account.deployed(TRAINING_JOB).map((j) => j.inputs.trainingJobName);
    let previous = jobs();
    await s.run("pulumi config set --path model.maxRuntimeSeconds 7200\npulumi up");
    expect(jobs()).not.toEqual(previous);
    previous = jobs();
    await s.run("pulumi config set --path model.trainingVolumeGb 20\npulumi up");
    expect(jobs()).not.toEqual(previous);
    previous = jobs();
    // `pulumi up --replace <role URN>` (or any change that replaces the role) gives the role a new ARN.
    await s.account.up({ config: { ...(s.config as Record<string, string>) }, secretKeys: [...s.secretKeys] }, ["cad-dev-rcf-role"]);
    expect(jobs()).not.toEqual(previous);
    expect(s.account.steps.filter((step) => step.type === TRAINING_JOB)).toEqual([{ op: "replace", type: TRAINING_JOB, name: "cad-dev-rcf-training" }]);
  }, 240_000);

  // Issue 16, item 3: the model's isolation flag depends on the mode, and the model kept its name across the switch.
  it("Switch to a serverless endpoint: the model is replaced under a fresh name, the endpoint under its serverless name", async () => {
    const instanceModel = s.account.namesOf("aws:sagemaker/model:Model");
    await s.run(section("Switch to a serverless endpoint"));
    expect(s.account.namesOf("aws:sagemaker/model:Model")).not.toEqual(instanceModel);
    expect(s.account.namesOf("aws:sagemaker/endpoint:Endpoint")).toEqual(["cad-dev-rcf-serverless"]);
    expect(s.outputs.endpointName).toBe("cad-dev-rcf-serverless");
    expect(deployedEnv(s, "detect").CAD_ENDPOINT_NAME).toBe("cad-dev-rcf-serverless");
  }, 180_000);

  // Issue 16, item 1: a failed job blocked every later up; the documented config change recovers.
  it("Recover from a failed training job: the failure leaves the detector as it was; the same up is refused; the documented change recovers", async () => {
    const served = deployedEnv(s, "detect").CAD_TRAINING_DATA_VERSION;
    s.account.failNextTrainingJob("CapacityError: Unable to provision requested ML compute capacity.");
    const retrain = 'BUCKET=$(pulumi stack output bucketName)\nVERSION=$(npx cad dataset build --bucket "$BUCKET" --feature-set feature-set.json | tail -1)\npulumi config set trainingDataVersion "$VERSION"';
    await s.run(retrain);
    await expect(s.run("pulumi up")).rejects.toThrow(/unexpected state 'Failed'.*CapacityError/);
    expect(deployedEnv(s, "detect").CAD_TRAINING_DATA_VERSION).toBe(served);
    expect(ruleState(s)).toBe("ENABLED");
    await expect(s.run("pulumi up")).rejects.toThrow(/ResourceInUse: Training job names must be unique/);
    await s.run(section("Recover from a failed training job"));
    expect(s.account.deployed(TRAINING_JOB).map((j) => s.account.trainingJobs.get(String(j.inputs.trainingJobName)))).toEqual(["Completed"]);
    expect(s.outputs.trainingDataVersion).toBe(s.shell.VERSION);
  }, 240_000);

  it("Tear down: destroy is stopped by the versioned bucket unless the stack allows emptying it; the documented commands succeed", async () => {
    expect(() => s.account.destroy()).toThrow(/BucketNotEmpty/);
    await s.run(section("Tear down"));
    expect(s.account.deployed("aws:s3/bucket:Bucket")).toEqual([]);
    expect(s.account.namesOf("aws:sagemaker/endpoint:Endpoint")).toEqual([]);
  });
});

describe("docs/deploy.md's `pulumi stack output` example", { timeout: SLOW }, () => {
  const block = deployDoc.slice(deployDoc.indexOf("Current stack outputs"), deployDoc.indexOf("What to watch after deploying"));
  const listed = (text: string) => [...text.matchAll(/^ {4}([A-Za-z]+) +\S/gm)].map((m) => m[1]).filter((n) => n !== "OUTPUT");
  const [embeddedPart, sageMakerPart] = block.split("With the SageMaker scorer");

  it("names exactly the outputs the program exports for each scorer", async () => {
    expect(listed(embeddedPart).sort()).toEqual([...COMMON_OUTPUTS, ...EMBEDDED_OUTPUTS].sort());
    expect(listed(sageMakerPart).sort()).toEqual([...SAGEMAKER_OUTPUTS].sort());
    expect(embeddedPart).toContain(`Current stack outputs (${COMMON_OUTPUTS.length + EMBEDDED_OUTPUTS.length})`);
    // …and the program exports exactly those (a run of the dev stack as shipped).
    const s = new DeployScript();
    await s.run('pulumi stack init dev\npulumi config set --secret splunkToken "$SPLUNK_TOKEN"\npulumi config set --secret dynatraceToken "$DYNATRACE_TOKEN"\npulumi up');
    expect(Object.keys(s.outputs).sort()).toEqual(listed(embeddedPart).sort());
  });
});

describe("docs/deploy.md's configuration table", { timeout: SLOW }, () => {
  const rows = new Map(
    [...deployDoc.matchAll(/^\| ((?:`[^`]+`(?:, )?)+) \| ([^|]+) \| (.+) \|$/gm)].flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((k) => [k[1], `${m[2]} ${m[3]}`] as const)),
  );
  type Schemaish = { type: string; entries?: Record<string, Schemaish>; wrapped?: Schemaish; item?: Schemaish; options?: Schemaish[]; pipe?: Schemaish[] };
  /** The field names of a (possibly wrapped) object schema. */
  const fieldsOf = (schema: Schemaish | undefined): string[] => {
    if (schema === undefined) return [];
    if (schema.entries !== undefined) return Object.keys(schema.entries);
    if (schema.pipe !== undefined) return schema.pipe.flatMap((p) => (p === schema ? [] : fieldsOf(p)));
    return [...fieldsOf(schema.wrapped), ...fieldsOf(schema.item), ...(schema.options ?? []).flatMap(fieldsOf)];
  };
  const top = (StackConfigSchema.pipe[1] as unknown as { entries: Record<string, Schemaish> }).entries;

  it("lists every key of the schema, and every field of the structured ones", () => {
    for (const [name, schema] of Object.entries(top)) {
      if (name === "aws:region") continue;
      const row = rows.get(name);
      expect(row, `docs/deploy.md has no row for ${name}`).toBeDefined();
      for (const field of new Set(fieldsOf(schema))) expect(row, `${name}.${field}`).toContain(field);
    }
    expect([...rows.keys()].filter((k) => !(k in top)).sort()).toEqual([]);
  });
});

// Issue 16, item 8: the README said fill 3 / shingle 1, docs/deploy.md 2 / 4 (the config's own fallback then).
describe("feature-set defaults", { timeout: SLOW }, () => {
  it("are the same in the runtime, the README, docs/deploy.md and the dev stack", () => {
    const fromReadme = /the step \((\d+) s\),\s+how\s+many\s+missing\s+steps\s+may\s+be\s+filled\s+\((\d+)\)\s+and\s+the\s+shingle\s+size\s+\((\d+)\)/.exec(readme);
    expect(fromReadme?.slice(1).map(Number)).toEqual([DEFAULT_FEATURE_SET.stepSeconds, DEFAULT_FEATURE_SET.maxFillSteps, DEFAULT_FEATURE_SET.shingleSize]);
    expect(deployDoc).toContain(`\`stepSeconds\` (${DEFAULT_FEATURE_SET.stepSeconds}), \`maxFillSteps\` (${DEFAULT_FEATURE_SET.maxFillSteps}), \`shingleSize\` (${DEFAULT_FEATURE_SET.shingleSize})`);
    const dev = parseStackConfig(devStackConfig(), "dev").featureSet;
    expect([dev.stepSeconds, dev.maxFillSteps, dev.shingleSize]).toEqual([DEFAULT_FEATURE_SET.stepSeconds, DEFAULT_FEATURE_SET.maxFillSteps, DEFAULT_FEATURE_SET.shingleSize]);
  });
});

describe("the README's deploy block", { timeout: SLOW }, () => {
  const block = bashBlocks(readme).filter((b) => b.heading === "Deploy with Pulumi");

  it("runs against the mocks step by step and needs no key it does not tell the user to set", async () => {
    expect(block).toHaveLength(1);
    const s = new DeployScript();
    await s.run(block[0].script);
    expect(s.history.filter((c) => c.startsWith("pulumi up"))).toHaveLength(1);
    // The outputs the block's comment names are outputs of the stack it deploys.
    const comment = /pulumi stack output\s+#\s*(.*)$/m.exec(block[0].script)?.[1] ?? "";
    const named = comment.split(/,\s*/).map((n) => n.replace(/…$/, "").trim()).filter((n) => n !== "");
    expect(named.length).toBeGreaterThan(3);
    for (const name of named) expect(s.outputs, name).toHaveProperty(name);
  });
});
