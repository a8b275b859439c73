/**
 * Starts the policy pack exactly as `pulumi preview --policy-pack policies` does (the nodejs analyzer
 * runs @pulumi/pulumi's run-policy-pack with ts-node in the pack directory) and connects to its gRPC
 * Analyzer service on 127.0.0.1 as the engine would. Proves index.ts, PulumiPolicy.yaml's neighbours
 * (package.json, tsconfig.json) and the policies work under the real analyzer server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { PROGRAM_MS } from "./timeouts";

const REPO = path.resolve(__dirname, "../..");
const PACK_DIR = path.join(REPO, "policies");
const RUN_POLICY_PACK = path.join(REPO, "node_modules/@pulumi/pulumi/cmd/run-policy-pack");

/** A diagnostic as the engine receives it. */
export interface Diagnostic {
  readonly policyName: string;
  readonly enforcementLevel: "advisory" | "mandatory" | "disabled" | "remediate";
  readonly message: string;
  readonly urn: string;
}

/** A resource sent to the analyzer; `dependencies` maps input properties to URNs (analyzeStack only). */
export interface AnalyzedResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly propertyDependencies?: Record<string, string[]>;
}

const LEVELS = { [analyzer.EnforcementLevel.ADVISORY]: "advisory", [analyzer.EnforcementLevel.MANDATORY]: "mandatory", [analyzer.EnforcementLevel.DISABLED]: "disabled", [analyzer.EnforcementLevel.REMEDIATE]: "remediate" } as const;

export function urnFor(type: string, name: string): string {
  return `urn:pulumi:dev::container-anomaly-detection::${type}::${name}`;
}

function options(): analyzer.AnalyzerResourceOptions {
  const timeouts = new analyzer.AnalyzerResourceOptions.CustomTimeouts();
  return new analyzer.AnalyzerResourceOptions().setProtect(false).setCustomtimeouts(timeouts);
}

function toDiagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()],
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

function unary<Req, Res>(call: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => call(request, (err, res) => (err ? reject(err) : resolve(res))));
}

/** A running pack and a client speaking the Analyzer protocol to it. */
export class PolicyPackServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: AnalyzerClient,
  ) {}

  /** Spawns the pack and waits (up to `timeoutMs`) for it to print its port. */
  static async start(timeoutMs = PROGRAM_MS): Promise<PolicyPackServer> {
    const child = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:0", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`policy pack did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      child.stdout?.once("data", (chunk: Buffer) => {
        clearTimeout(timer);
        const port = Number(chunk.toString().trim());
        if (Number.isInteger(port) && port > 0) resolve(port);
        else reject(new Error(`policy pack printed ${JSON.stringify(chunk.toString())} instead of a port: ${stderr}`));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`policy pack exited with ${code}: ${stderr}`));
      });
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PolicyPackServer(child, client);
  }

  async info(): Promise<analyzer.AnalyzerInfo> {
    return unary((r, cb) => this.client.getAnalyzerInfo(r, cb), new Empty());
  }

  /** The per-resource call the engine makes for every resource during preview. */
  async analyze(resource: AnalyzedResource): Promise<Diagnostic[]> {
    const request = new analyzer.AnalyzeRequest()
      .setType(resource.type)
      .setName(resource.name)
      .setUrn(urnFor(resource.type, resource.name))
      .setProperties(Struct.fromJavaScript(resource.props as Record<string, never>))
      .setOptions(options());
    return toDiagnostics(await unary((r, cb) => this.client.analyze(r, cb), request));
  }

  /** The whole-stack call the engine makes at the end of a preview or update. */
  async analyzeStack(resources: readonly AnalyzedResource[]): Promise<Diagnostic[]> {
    const request = new analyzer.AnalyzeStackRequest();
    for (const r of resources) {
      const resource = new analyzer.AnalyzerResource()
        .setType(r.type)
        .setName(r.name)
        .setUrn(urnFor(r.type, r.name))
        .setProperties(Struct.fromJavaScript(r.props as Record<string, never>))
        .setOptions(options());
      for (const [property, urns] of Object.entries(r.propertyDependencies ?? {})) {
        resource.getPropertydependenciesMap().set(property, new analyzer.AnalyzerPropertyDependencies().setUrnsList(urns));
        resource.setDependenciesList([...resource.getDependenciesList(), ...urns]);
      }
      request.addResources(resource);
    }
    return toDiagnostics(await unary((r, cb) => this.client.analyzeStack(r, cb), request));
  }

  /** What `--policy-pack-config` does: set a policy's enforcement level (and config) for this run. */
  async configure(policyName: string, level: analyzer.EnforcementLevel, properties: Record<string, unknown> = {}): Promise<void> {
    const request = new analyzer.ConfigureAnalyzerRequest();
    request.getPolicyconfigMap().set(policyName, new analyzer.PolicyConfig().setEnforcementlevel(level).setProperties(Struct.fromJavaScript(properties as Record<string, never>)));
    await unary((r, cb) => this.client.configure(r, cb), request);
  }

  /** Closes the client and stops the pack process this helper started. */
  stop(): void {
    this.client.close();
    this.child.kill();
  }
}
