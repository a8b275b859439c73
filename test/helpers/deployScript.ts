/**
 * Runs the shell commands of the deploy documentation (README's deploy block, docs/deploy.md's sections) against
 * the mocks, one line at a time, as an operator would type them: `pulumi stack init`, `pulumi config set|rm|get`
 * (with `--path` and `--secret`, typed as the CLI types them), `pulumi preview` (with the policy pack and its config),
 * `pulumi up`, `pulumi stack output`, `pulumi destroy`, the `cad` commands that touch the stack's bucket, `aws s3 cp`,
 * shell variables and `$(…)`. A command it does not know fails the test: the documentation can only say what was run.
 *
 * `cad` commands are checked against the real CLI (their options must exist) and their effect on the bucket is
 * played on the fake account (a training set written, a threshold calibrated, a bundle uploaded).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../cli/main";
import { FakeAwsAccount } from "./fakeAwsAccount";
import { REPO_ROOT, freshAccount, runProgram, type ProgramRun } from "./pulumiMocks";
import { mandatoryViolations, runPolicyPack } from "./runPolicyPack";
import { PROJECT_NAMESPACE, projectDefaults, readStackFile, trainingSetKeys } from "./stackConfig";

/** Values the operator would have in the shell (the documentation writes `"$SPLUNK_TOKEN"`, `…`). */
const OPERATOR_ENV: Readonly<Record<string, string>> = {
  SPLUNK_TOKEN: "splunk-token-3f9a1c0e-do-not-leak",
  DYNATRACE_TOKEN: "dt0c01.DYNATRACE-SECRET-8b27e4-do-not-leak",
};

export class DeployScript {
  readonly account = new FakeAwsAccount();
  /** The stack's config as the CLI would pass it; undefined before `pulumi stack init`. */
  config: Record<string, string> | undefined;
  readonly secretKeys = new Set<string>();
  readonly shell: Record<string, string> = { ...OPERATOR_ENV };
  /** Stack outputs of the last successful `pulumi up`. */
  outputs: Record<string, unknown> = {};
  /** The last preview or update. */
  lastRun: ProgramRun | undefined;
  /** Every command run, in order. */
  readonly history: string[] = [];
  private readonly files = new Set<string>();
  private builds = 0;

  constructor(private readonly stackFileDir = REPO_ROOT) {}

  /** Runs each line of a script; a failing command rejects, naming the line. */
  async run(script: string): Promise<void> {
    for (const line of script.split("\n")) {
      const command = line.replace(/(^|\s)#.*$/, "").trim();
      if (command === "") continue;
      this.history.push(command);
      await this.exec(command);
    }
  }

  private expand(text: string): string {
    return text.replace(/\$\(([^()]*(?:\([^()]*\)[^()]*)*)\)|\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_m, sub: string | undefined, name: string | undefined) => {
      if (sub !== undefined) return this.capture(sub);
      const value = this.shell[name as string];
      if (value === undefined) throw new Error(`shell variable $${String(name)} is not set`);
      return value;
    });
  }

  /** Splits a command into words, honouring single and double quotes (expanding inside double quotes and bare words). */
  private words(command: string): string[] {
    const out: string[] = [];
    const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(command)) !== null) {
      if (m[1] !== undefined) out.push(m[1]);
      else if (m[2] !== undefined) out.push(this.expand(m[2]));
      else out.push(this.expand(m[3] as string));
    }
    return out;
  }

  /** `$(…)`: the command's standard output. */
  private capture(command: string): string {
    const [head, pipe] = command.split("|").map((p) => p.trim());
    const words = this.words(head);
    if (words[0] === "pulumi" && words[1] === "stack" && words[2] === "output") return this.output(words[3]);
    if (words[0] === "pulumi" && words[1] === "config" && words[2] === "get") return this.configGet(words[3]);
    if (words[0] === "npx" && words[1] === "cad" && words[2] === "dataset" && words[3] === "build") {
      const version = this.datasetBuild(words.slice(4));
      if (pipe !== "tail -1") throw new Error(`capture the version with "| tail -1", got "${pipe ?? ""}"`);
      return version;
    }
    throw new Error(`$(${command}): not a command the deploy documentation may use`);
  }

  private async exec(command: string): Promise<void> {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(command);
    if (assignment) {
      const value = assignment[2].trim();
      const quoted = /^"(.*)"$/.exec(value);
      this.shell[assignment[1]] = this.expand(quoted ? quoted[1] : value);
      return;
    }
    const [cmd, redirect] = command.split(/\s>\s/);
    const w = this.words(cmd);
    const is = (...prefix: string[]) => prefix.every((p, i) => w[i] === p);
    if (is("npm", "ci") || is("pulumi", "login")) return;
    if (is("export")) {
      const [name, value] = (w[1] ?? "").split("=");
      this.shell[name] = value === "…" ? "operator-vault-token" : value;
      return;
    }
    if (is("pulumi", "stack", "init")) return this.stackInit(w[3]);
    if (is("pulumi", "stack", "rm")) {
      if (this.account.deployed("aws:s3/bucket:Bucket").length > 0) throw new Error("pulumi stack rm: the stack still has resources");
      this.config = undefined;
      return;
    }
    if (is("pulumi", "config", "set")) return this.configSet(w.slice(3));
    if (is("pulumi", "config", "rm")) return this.configRm(w.slice(3));
    if (is("pulumi", "config", "get")) {
      const value = this.configGet(w[3]);
      if (redirect !== undefined) this.files.add(redirect.trim());
      if (value === "") throw new Error(`pulumi config get ${w[3]}: no value`);
      return;
    }
    if (is("pulumi", "preview")) return this.preview(w.slice(2));
    if (is("pulumi", "up")) return this.up(w.slice(2));
    if (is("pulumi", "stack", "output")) {
      if (w[3] !== undefined) this.output(w[3]);
      return;
    }
    if (is("pulumi", "destroy")) return this.account.destroy();
    if (is("npx", "cad")) return this.cad(w.slice(2));
    if (is("aws", "s3", "cp")) return this.s3Copy(w[3], w[4]);
    throw new Error(`"${command}": not a command the deploy documentation may use`);
  }

  private requireStack(): Record<string, string> {
    if (this.config === undefined) throw new Error("no stack: run pulumi stack init first");
    return this.config;
  }

  private stackInit(stack: string | undefined): void {
    const file = join(this.stackFileDir, `Pulumi.${stack ?? ""}.yaml`);
    this.config = { ...projectDefaults(), ...readStackFile(file) };
  }

  private fullKey(key: string): string {
    return key.includes(":") ? key : `${PROJECT_NAMESPACE}:${key}`;
  }

  /** `pulumi config set [--secret] [--path] <key> <value>`: path values typed as the CLI types them. */
  private configSet(args: string[]): void {
    const config = this.requireStack();
    const secret = args.includes("--secret");
    const path = args.includes("--path");
    const [key, value] = args.filter((a) => !a.startsWith("--"));
    if (key === undefined || value === undefined) throw new Error(`pulumi config set: key and value needed, got ${args.join(" ")}`);
    if (!path) {
      config[this.fullKey(key)] = value;
      if (secret) this.secretKeys.add(this.fullKey(key));
      return;
    }
    const typed: unknown = value === "true" ? true : value === "false" ? false : /^-?\d+$/.test(value) ? Number(value) : value;
    this.editPath(key, (parent, last) => {
      (parent as Record<string, unknown>)[last] = typed;
    });
  }

  private configRm(args: string[]): void {
    const config = this.requireStack();
    const [key] = args.filter((a) => !a.startsWith("--"));
    if (!args.includes("--path")) {
      Reflect.deleteProperty(config, this.fullKey(key));
      return;
    }
    this.editPath(key, (parent, last) => {
      if (!(last in (parent as object))) throw new Error(`pulumi config rm --path ${key}: not set`);
      Reflect.deleteProperty(parent as object, last);
    });
  }

  /** Applies `edit` to the object holding the last segment of a `top.a[0].b` path. */
  private editPath(path: string, edit: (parent: unknown, last: string) => void): void {
    const config = this.requireStack();
    const segments = path.replace(/\[(\d+)\]/g, ".$1").split(".");
    const top = this.fullKey(segments[0]);
    const root = config[top] === undefined ? {} : (JSON.parse(config[top]) as unknown);
    let node = root as Record<string, unknown>;
    for (const segment of segments.slice(1, -1)) {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
    }
    edit(node, segments[segments.length - 1]);
    config[top] = JSON.stringify(root);
  }

  private configGet(key: string | undefined): string {
    return this.requireStack()[this.fullKey(key ?? "")] ?? "";
  }

  private output(name: string | undefined): string {
    const value = this.outputs[name ?? ""];
    if (value === undefined) throw new Error(`pulumi stack output ${String(name)}: current stack does not have output property '${String(name)}'`);
    return String(value);
  }

  private options() {
    return { config: { ...this.requireStack() }, secretKeys: [...this.secretKeys] };
  }

  /** Runs the CrossGuard pack as `--policy-pack policies [--policy-pack-config <file>]` would; mandatory violations fail. */
  private async checkPolicies(args: string[], run: ProgramRun): Promise<void> {
    if (!args.includes("--policy-pack")) return;
    const at = args.indexOf("--policy-pack-config");
    const config = at < 0 ? undefined : (JSON.parse(readFileSync(join(REPO_ROOT, args[at + 1]), "utf8")) as Record<string, never>);
    const blocking = mandatoryViolations(await runPolicyPack(run.resources, config === undefined ? {} : { config }));
    if (blocking.length > 0) throw new Error(`policy pack: ${blocking.map((v) => `${v.policyName} ${v.resourceName ?? ""}: ${v.message}`).join("\n")}`);
  }

  /** A preview changes nothing: the program runs against what the account would answer, and the pack checks it. */
  private async preview(args: string[]): Promise<void> {
    const run = await runProgram({ ...this.options(), provider: freshAccount(this.account.region, [...this.account.bucketKeys]) });
    this.lastRun = run;
    await this.checkPolicies(args, run);
  }

  private async up(args: string[]): Promise<void> {
    const run = await this.account.up(this.options());
    this.lastRun = run;
    this.outputs = { ...run.outputs };
    await this.checkPolicies(args, run);
  }

  /** The option names a `cad` subcommand accepts. */
  private cadOptions(path: string[]): string[] {
    let command: Command = buildProgram();
    for (const name of path) {
      const next = command.commands.find((c) => c.name() === name);
      if (next === undefined) throw new Error(`cad ${path.join(" ")}: no such command`);
      command = next;
    }
    return command.options.map((o) => o.long ?? "");
  }

  private checkCadFlags(path: string[], args: string[]): Record<string, string> {
    const known = this.cadOptions(path);
    const given: Record<string, string> = {};
    for (let i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) continue;
      if (!known.includes(args[i])) throw new Error(`cad ${path.join(" ")}: no option ${args[i]} (known: ${known.join(", ")})`);
      given[args[i]] = args[i + 1] ?? "";
    }
    return given;
  }

  /** `cad dataset build --bucket B …`: writes a training set into the stack's bucket; returns its version. */
  private datasetBuild(args: string[]): string {
    const flags = this.checkCadFlags(["dataset", "build"], args);
    if (flags["--bucket"] !== this.outputs.bucketName) throw new Error(`cad dataset build --bucket ${flags["--bucket"]}: not the stack's bucket`);
    if (flags["--feature-set"] !== undefined && !this.files.has(flags["--feature-set"])) throw new Error(`cad dataset build --feature-set ${flags["--feature-set"]}: no such file`);
    this.builds += 1;
    const version = `ds-${(0xe06f221f45d66a4cn + BigInt(this.builds - 1)).toString(16).padStart(16, "0")}`;
    this.account.put(...trainingSetKeys(version));
    return version;
  }

  private cad(args: string[]): void {
    const [first, second] = args;
    if (first === "dataset" && second === "calibrate") {
      const flags = this.checkCadFlags(["dataset", "calibrate"], args.slice(2));
      if (flags["--endpoint"] !== this.outputs.endpointName) throw new Error(`cad dataset calibrate --endpoint ${flags["--endpoint"]}: not the stack's endpoint`);
      if (!this.account.bucketKeys.has(`training/${flags["--version"]}/manifest.json`)) throw new Error(`cad dataset calibrate: no training set ${flags["--version"]}`);
      this.account.put(`training/${flags["--version"]}/threshold.json`);
      return;
    }
    if (first === "collect" || first === "train") {
      const flags = this.checkCadFlags([first], args.slice(1));
      if (first === "train" && !this.files.has(flags["--input"])) throw new Error(`cad train --input ${flags["--input"]}: no such file`);
      this.files.add(flags["--out"]);
      return;
    }
    throw new Error(`cad ${args.join(" ")}: not a command the deploy documentation may use`);
  }

  private s3Copy(file: string | undefined, uri: string | undefined): void {
    if (file === undefined || !this.files.has(file)) throw new Error(`aws s3 cp ${String(file)}: no such file`);
    const bucket = String(this.outputs.bucketName);
    if (uri === undefined || !uri.startsWith(`s3://${bucket}/`)) throw new Error(`aws s3 cp: ${String(uri)} is not in the stack's bucket`);
    this.account.put(uri.slice(`s3://${bucket}/`.length));
  }
}

/** The fenced ```bash blocks of a Markdown text, by the `###` (or `##`) heading they sit under. */
export function bashBlocks(markdown: string): { heading: string; script: string }[] {
  const blocks: { heading: string; script: string }[] = [];
  let heading = "";
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{2,3} (.*)$/.exec(lines[i]);
    if (h) heading = h[1].trim();
    if (lines[i].trim() === "```bash") {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i].trim() !== "```"; i++) body.push(lines[i]);
      blocks.push({ heading, script: body.join("\n") });
    }
  }
  return blocks;
}
