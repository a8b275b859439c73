import { containerIdsOf, generatedValue, stepsIn, type GeneratedFleet } from "./containerMetricsGenerator";
import { jsonReply, startLoopbackServer, type LoopbackReply, type LoopbackRequest, type RunningServer } from "./loopbackServer";

/**
 * A loopback Dynatrace environment answering `GET /api/v2/metrics/query` (also under `/e/<env>/` as on
 * Managed) the way Metrics API v2 does: `Authorization: Api-Token …`, metricSelector / entitySelector /
 * resolution / from / to, one series per container in `result[0].data` with slot-END timestamps,
 * `nextPageKey` paging (a follow-up request must carry nextPageKey and nothing else), and 429 with
 * Retry-After when overloaded.
 *
 * The service is the fleet service named in the selectors (`"checkout"` or `:checkout"`); the split
 * dimension is the one named in `splitBy("…")`. Values come from the seeded generator, keyed by metric key.
 */
export interface DynatraceServerOptions {
  readonly fleet: GeneratedFleet;
  readonly tokens: readonly string[];
  /** Series per page before a nextPageKey is returned. Default 100. */
  readonly seriesPerPage?: number;
  /** Dimension value reported for a container id. Default: the id itself. */
  readonly entityIdFor?: (containerId: string) => string;
  /**
   * Generator metric name for a Dynatrace metric key (default: the key itself). Mapping
   * `builtin:containers.cpu.usagePercent` to `container.cpu.utilization` makes this server report the same
   * numbers as a loopback Splunk with the same fleet, as two sources watching one container would.
   */
  readonly generatorMetricFor?: (metricKey: string) => string;
  readonly faults?: DynatraceFaults;
}

export interface DynatraceFaults {
  /** Every n-th data point is null (no data in that slot). */
  readonly nullEvery?: number;
  /** Replies lack the `result` array. */
  readonly missingResult?: boolean;
  /** The first n requests get 429 Too Many Requests. */
  readonly rateLimitFirst?: number;
  /** Retry-After of those 429s, seconds; omitted = no header. */
  readonly retryAfterSeconds?: number;
  /** Replies are cut off half-way (what a dropped connection behind a proxy looks like). */
  readonly truncateBody?: boolean;
  /** Reported (and used) resolution, overriding the requested one (Dynatrace coarsens long ranges). */
  readonly forceResolution?: string;
  /** Every reply carries the same nextPageKey `loop`, which serves the same page again (a paging bug or a caching proxy). */
  readonly repeatPageKey?: boolean;
  /** Every reply carries a fresh nextPageKey: the pages never end. */
  readonly endlessPages?: boolean;
  /** Every n-th data point is negated (a broken exporter: negative memory, negative bytes/s). */
  readonly negativeEvery?: number;
}

export interface RecordedDynatraceRequest {
  readonly path: string;
  readonly params: Record<string, string>;
  readonly authorization: string;
  readonly status: number;
}

export interface DynatraceServer extends RunningServer {
  readonly requests: RecordedDynatraceRequest[];
}

const RESOLUTIONS: Record<string, number> = { "1m": 60_000, "5m": 300_000, "10m": 600_000, "1h": 3_600_000 };

export async function startDynatraceServer(options: DynatraceServerOptions): Promise<DynatraceServer> {
  const faults = options.faults ?? {};
  const requests: RecordedDynatraceRequest[] = [];
  const pages = new Map<string, { body: Record<string, unknown>; series: unknown[]; offset: number }>();
  let served = 0;
  let nextKey = 1;

  const error = (code: number, message: string, headers: Record<string, string> = {}): LoopbackReply => jsonReply(code, { error: { code, message } }, headers);

  const answer = (req: LoopbackRequest): LoopbackReply => {
    if (req.method !== "GET" || !/^(\/e\/[^/]+)?\/api\/v2\/metrics\/query$/.test(req.path)) return error(404, `Not found: ${req.method} ${req.path}`);
    const auth = String(req.headers.authorization ?? "");
    if (!auth) return error(401, "Missing authorization parameter.");
    const [scheme, token] = auth.split(" ");
    if (scheme !== "Api-Token" || !options.tokens.includes(token)) return error(401, "Token Authentication failed");
    served++;
    if (faults.rateLimitFirst !== undefined && served <= faults.rateLimitFirst) {
      return error(429, "Too Many Requests", faults.retryAfterSeconds === undefined ? {} : { "Retry-After": String(faults.retryAfterSeconds) });
    }

    const params = Object.fromEntries(req.query.entries());
    let page: { body: Record<string, unknown>; series: unknown[]; offset: number };
    if (params.nextPageKey !== undefined) {
      if (Object.keys(params).length > 1) return error(400, "Constraints violated.: nextPageKey must be the only query parameter");
      const stored = pages.get(params.nextPageKey);
      if (!stored) return error(400, `Invalid nextPageKey "${params.nextPageKey}"`);
      page = stored;
    } else {
      const built = query(params, options);
      if (typeof built === "string") return error(400, built);
      page = { ...built, offset: 0 };
    }
    const size = options.seriesPerPage ?? 100;
    const slice = page.series.slice(page.offset, page.offset + size);
    let nextPageKey: string | null = null;
    if (faults.repeatPageKey) {
      nextPageKey = "loop";
      pages.set(nextPageKey, page);
    } else if (faults.endlessPages) {
      nextPageKey = `endless-${nextKey++}`;
      pages.set(nextPageKey, page);
    } else if (page.offset + size < page.series.length) {
      nextPageKey = `page-${nextKey++}`;
      pages.set(nextPageKey, { ...page, offset: page.offset + size });
    }
    const { result: head, ...rest } = page.body;
    const body = { ...rest, totalCount: page.series.length, nextPageKey };
    const full = faults.missingResult ? body : { ...body, result: [{ ...(head as Record<string, unknown>[])[0], data: slice }] };
    const reply = jsonReply(200, full);
    return faults.truncateBody ? { ...reply, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) } : reply;
  };

  const server = await startLoopbackServer((req) => {
    const reply = answer(req);
    requests.push({ path: req.path, params: Object.fromEntries(req.query.entries()), authorization: String(req.headers.authorization ?? ""), status: reply.status });
    return reply;
  });
  return { ...server, requests };
}

function query(params: Record<string, string>, options: DynatraceServerOptions): { body: Record<string, unknown>; series: unknown[] } | string {
  const selector = params.metricSelector;
  if (!selector) return "Constraints violated.: metricSelector must not be empty";
  const resolution = options.faults?.forceResolution ?? params.resolution ?? "1m";
  const resMs = RESOLUTIONS[resolution];
  if (resMs === undefined) return `Invalid resolution "${resolution}"`;
  const from = parseTime(params.from);
  const to = parseTime(params.to);
  if (from === undefined || to === undefined || from >= to) return `Invalid timeframe from=${params.from} to=${params.to}`;
  const rawKey = selector.replace(/:(filter|splitBy|avg|max|min|sum|count|value|fold|sort|limit|names|parents|default)\b.*$/, "");
  const metricKey = options.generatorMetricFor ? options.generatorMetricFor(rawKey) : rawKey;
  const dimension = /splitBy\("([^"]+)"\)/.exec(selector)?.[1] ?? "dt.entity.container_group_instance";
  const text = `${selector} ${params.entitySelector ?? ""}`;
  // The service appears in a filter (`"checkout"`) or a tag (`"aws.ecs.service.name:checkout"`).
  const service = options.fleet.services.find((s) => text.includes(`"${s}"`) || text.includes(`:${s}"`));
  const every = options.faults?.nullEvery;
  const negative = options.faults?.negativeEvery;
  const series = !service
    ? []
    : containerIdsOf(options.fleet, service).map((container) => {
        const starts = stepsIn(from, to, resMs);
        const entity = options.entityIdFor ? options.entityIdFor(container) : container;
        return {
          dimensions: [entity],
          dimensionMap: { [dimension]: entity },
          timestamps: starts.map((s) => s + resMs),
          values: starts.map((s, i) => (every && (i + 1) % every === 0 ? null : (negative && (i + 1) % negative === 0 ? -1 : 1) * generatedValue(options.fleet, service, container, metricKey, s))),
        };
      });
  return {
    body: { resolution, result: [{ metricId: selector, dataPointCountRatio: 0.0001, dimensionCountRatio: 0.001 }] },
    series,
  };
}

/** Epoch ms or ISO-8601, as the API accepts (relative `now-2h` is not needed by our client). */
function parseTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
