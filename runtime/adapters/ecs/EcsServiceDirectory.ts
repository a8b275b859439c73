import { DescribeServicesCommand, paginateListServices, type ECSClient, type Service } from "@aws-sdk/client-ecs";
import type { DiscoveredService, Log, ServiceDirectory } from "../../ports";
import { isRetryableAwsError } from "../retry/isRetryableAwsError";
import { checkRetryPolicy, retryWithBackoff, systemRetryEnvironment, type RetryEnvironment, type RetryPolicy } from "../retry/retryWithBackoff";
import { readServiceTags, type TaskBounds } from "./serviceTags";
import { errorDescription } from "../../errors/errorMessage";

/** DescribeServices takes at most 10 services per call. */
export const DESCRIBE_BATCH = 10;
/** ListServices returns at most 100 ARNs per page. */
const LIST_PAGE_SIZE = 100;
export const DEFAULT_DIRECTORY_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 8_000, deadlineMs: 30_000 };

export interface EcsServiceDirectoryOptions {
  /**
   * The ECS client. Build it with `maxAttempts: 1` so this directory alone owns retries and their deadline (the
   * SDK's own retries would multiply the attempts and ignore the deadline).
   */
  readonly ecs: ECSClient;
  /** Cluster names (or ARNs) whose services are listed, in order: a service name found in two clusters is kept in the first. */
  readonly clusters: readonly string[];
  /** Tags a service must carry, each with exactly this value, to be watched. Empty or absent: every service. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Bounds of a service without `cad:min-tasks` / `cad:max-tasks` tags. */
  readonly defaultBounds: TaskBounds;
  readonly log: Log;
  /** Retry of throttling, 5xx and network errors, per ListServices page or DescribeServices call. */
  readonly retry?: Partial<RetryPolicy>;
  /** Time and randomness; inject in tests so nothing sleeps. */
  readonly env?: RetryEnvironment;
}

/**
 * Every ACTIVE service of some ECS clusters that the tags let in: ListServices (paginated) per cluster, then
 * DescribeServices in batches of 10 with their tags. Throttling and server errors are retried with jittered
 * back-off (a retried ListServices resumes at the page that failed); if they persist, or a call fails otherwise,
 * `list()` rejects — never a partial list.
 *
 * A service tagged `cad:watch=false`, or missing one of the filter's tags, is left out (debug log). A service with
 * a malformed `cad:*` tag is left out too, with a warning naming the service, the tag, its value and what was
 * expected: watching it with bounds its owners did not write could scale it further than they meant.
 */
export class EcsServiceDirectory implements ServiceDirectory {
  private readonly policy: RetryPolicy;
  private readonly env: RetryEnvironment;

  constructor(private readonly options: EcsServiceDirectoryOptions) {
    if (options.clusters.length === 0) throw new Error("EcsServiceDirectory: at least one cluster is required");
    const { minTasks, maxTasks } = options.defaultBounds;
    if (!Number.isInteger(minTasks) || !Number.isInteger(maxTasks) || minTasks < 0 || maxTasks < 1 || minTasks > maxTasks) {
      throw new Error(`EcsServiceDirectory: defaultBounds must be integers with 0 <= minTasks <= maxTasks and maxTasks >= 1, got ${minTasks}..${maxTasks}`);
    }
    this.policy = { ...DEFAULT_DIRECTORY_RETRY, ...options.retry };
    checkRetryPolicy(this.policy);
    this.env = options.env ?? systemRetryEnvironment;
  }

  async list(): Promise<readonly DiscoveredService[]> {
    const found = new Map<string, DiscoveredService>();
    for (const cluster of this.options.clusters) {
      const arns = await this.listServiceArns(cluster);
      let excluded = 0;
      let invalid = 0;
      for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
        for (const svc of await this.describe(cluster, arns.slice(i, i + DESCRIBE_BATCH))) {
          const service = svc.serviceName;
          if (service === undefined || svc.status !== "ACTIVE") continue;
          const verdict = readServiceTags(svc.tags ?? [], this.options.tags ?? {}, this.options.defaultBounds);
          if (verdict.kind === "excluded") {
            excluded++;
            this.options.log.debug("service directory: service left out", { cluster, service, why: verdict.why });
          } else if (verdict.kind === "invalid") {
            invalid++;
            this.options.log.warn("service directory: service skipped, a tag value is malformed; fix the tag to watch it", {
              cluster,
              service,
              tag: verdict.tag,
              value: verdict.value,
              expected: verdict.expected,
            });
          } else {
            const first = found.get(service);
            if (first) {
              this.options.log.warn("service directory: service name found in two clusters; kept in the first (state and metrics are per service name)", { service, kept: first.cluster, skipped: cluster });
              continue;
            }
            found.set(service, { cluster, service, ...verdict.bounds });
          }
        }
      }
      this.options.log.info("service directory: cluster listed", { cluster, services: arns.length, excluded, invalid });
    }
    return [...found.values()];
  }

  /** Every service ARN of `cluster`, page by page; a retry resumes at the page that failed. */
  private async listServiceArns(cluster: string): Promise<string[]> {
    const arns: string[] = [];
    let token: string | undefined;
    await retryWithBackoff(
      `ECS ListServices of cluster "${cluster}"`,
      async () => {
        const pages = paginateListServices({ client: this.options.ecs, pageSize: LIST_PAGE_SIZE, ...(token === undefined ? {} : { startingToken: token }) }, { cluster });
        for await (const page of pages) {
          arns.push(...(page.serviceArns ?? []));
          token = page.nextToken;
        }
      },
      isRetryableAwsError,
      this.policy,
      this.env,
      ({ attempt, delayMs, error }) => this.options.log.warn("ECS ListServices failed, retrying", { cluster, attempt, delayMs, error: describeError(error) }),
    ).catch((error: unknown) => {
      throw new Error(`service directory: ECS ListServices of cluster "${cluster}" failed: ${describeError(error)}`, { cause: error });
    });
    return arns;
  }

  /** DescribeServices of at most 10 services, with their tags. A service ECS reports MISSING is left out with a warning. */
  private async describe(cluster: string, services: readonly string[]): Promise<Service[]> {
    const out = await retryWithBackoff(
      `ECS DescribeServices in cluster "${cluster}"`,
      () => this.options.ecs.send(new DescribeServicesCommand({ cluster, services: [...services], include: ["TAGS"] })),
      isRetryableAwsError,
      this.policy,
      this.env,
      ({ attempt, delayMs, error }) => this.options.log.warn("ECS DescribeServices failed, retrying", { cluster, attempt, delayMs, error: describeError(error) }),
    ).catch((error: unknown) => {
      throw new Error(`service directory: ECS DescribeServices in cluster "${cluster}" failed: ${describeError(error)}`, { cause: error });
    });
    for (const f of out.failures ?? []) {
      // A service deleted between ListServices and DescribeServices: it is simply gone.
      this.options.log.warn("service directory: ECS could not describe a listed service; left out this run", { cluster, service: f.arn, reason: f.reason, detail: f.detail });
    }
    return out.services ?? [];
  }
}

function describeError(error: unknown): string {
  return errorDescription(error);
}
