import { Random } from "../../runtime/model/random";
import { containerIdsOf, generatedValue, hash32, stepsIn, type GeneratedFleet } from "./containerMetricsGenerator";
import { jsonReply, startLoopbackServer, type LoopbackReply, type LoopbackRequest, type RunningServer, type TlsMaterial } from "./loopbackServer";

/**
 * A loopback Splunk management port (splunkd REST) implementing exactly what splunk-sdk 2.0.2 calls for a
 * search: login, server/info, v1 (`/services/search/jobs`, GET results) and v2 (`/services/search/v2/jobs`,
 * POST results) job creation, job status, results with count/offset paging, job control, and the 401 that
 * makes the SDK log in again. The v2 endpoints only exist when the configured version is ≥ 9.0.2, as on a
 * real splunkd.
 *
 * It understands just enough SPL to answer the searches our SplunkMetricSource builds (`| mstats` and
 * `search … | bin … | stats`): the `avg(<metric>) AS <alias>` aggregations, the `<field>="<service>"`
 * filter, the `BY` fields and `span=`. Values come from the seeded container-metrics generator, as strings
 * (Splunk returns every field as a string).
 */
export interface SplunkServerOptions {
  readonly fleet: GeneratedFleet;
  /** Reported by server/info; decides v1 or v2 search endpoints. Default "9.1.2". */
  readonly version?: string;
  readonly username?: string;
  readonly password?: string;
  /** Accepted `Authorization: Bearer <token>` tokens. */
  readonly tokens?: readonly string[];
  /** Field whose BY value is the container id. Default `container.id`. */
  readonly containerField?: string;
  /** Most rows one results request returns, whatever `count` asks (splunkd's maxresultrows). Default 50000. */
  readonly maxResultRows?: number;
  readonly faults?: SplunkFaults;
  readonly tls?: TlsMaterial;
}

/** Misbehaviour to inject. Row faults pick rows with a generator seeded from the fleet seed. */
export interface SplunkFaults {
  /** Every n-th result row gets "n/a" in one metric field. */
  readonly nonNumericEvery?: number;
  /** Every n-th result row lacks one metric field. */
  readonly missingMetricEvery?: number;
  /** Every n-th result row lacks `_time`. */
  readonly missingTimeEvery?: number;
  /** Every n-th result row lacks the container field. */
  readonly missingContainerEvery?: number;
  /** Every n-th result row is sent twice. */
  readonly duplicateEvery?: number;
  /** Rows come in a seeded random order instead of by time. */
  readonly shuffle?: boolean;
  /** Results requests answer `{messages:[{type:"FATAL",text}]}` without results. */
  readonly resultsError?: string;
  /** Job creation answers 400 with this message (an SPL syntax error, say). */
  readonly createError?: string;
  /** The job ends FAILED with this message. */
  readonly jobFails?: string;
  /** The job stays RUNNING forever. */
  readonly jobNeverFinishes?: boolean;
  /** Status polls answering RUNNING before DONE. Default 1. */
  readonly pollsBeforeDone?: number;
  /** Which endpoint answers an HTML page (a proxy's error page) instead of JSON; `create` is job creation. */
  readonly htmlOn?: "login" | "create" | "job" | "results";
  /** The first n authenticated requests answer 429 Too Many Requests. */
  readonly rateLimitFirst?: number;
  /** Retry-After of those 429s, seconds; omitted = no header. */
  readonly retryAfterSeconds?: number;
  /** Result rows carry other columns than the search's aliases (`avg(<metric>)`): a search that renames its output. */
  readonly otherColumns?: boolean;
  /** Every n-th result row gets a negative value in every metric field. */
  readonly negativeEvery?: number;
  /** The session key stops working after this many authenticated requests (then 401 → re-login). */
  readonly sessionExpiresAfter?: number;
  /** `resultCount` reported larger than the rows the results endpoint serves (a truncated result set). */
  readonly underServeRows?: number;
}

export interface RecordedSplunkRequest {
  readonly method: string;
  readonly path: string;
  /** Query and form parameters merged. */
  readonly params: Record<string, string>;
}

export interface SplunkServer extends RunningServer {
  readonly requests: RecordedSplunkRequest[];
  /** Search strings of the jobs created, in order. */
  readonly searches: string[];
}

interface Job {
  readonly sid: string;
  readonly rows: Record<string, string>[];
  polls: number;
  cancelled: boolean;
}

/** Starts the server on 127.0.0.1 (HTTPS when `tls` is given). */
export async function startSplunkServer(options: SplunkServerOptions): Promise<SplunkServer> {
  const version = options.version ?? "9.1.2";
  const v2 = compareVersions(version, "9.0.2") >= 0;
  const faults = options.faults ?? {};
  const sessions = new Map<string, number>();
  const jobs = new Map<string, Job>();
  const requests: RecordedSplunkRequest[] = [];
  const searches: string[] = [];
  let nextId = 1;
  let rateLimited = 0;

  const messages = (status: number, type: string, text: string): LoopbackReply => jsonReply(status, { messages: [{ type, text }] });
  const html = (): LoopbackReply => ({ status: 200, headers: { "Content-Type": "text/html" }, body: "<html><body><h1>Splunk is restarting</h1></body></html>" });

  const authenticated = (req: LoopbackRequest): boolean => {
    const header = String(req.headers.authorization ?? "");
    const [scheme, key] = header.split(" ");
    if (scheme === "Bearer") return (options.tokens ?? []).includes(key);
    if (scheme !== "Splunk") return false;
    const uses = sessions.get(key);
    if (uses === undefined) return false;
    if (faults.sessionExpiresAfter !== undefined && uses >= faults.sessionExpiresAfter) {
      sessions.delete(key);
      return false;
    }
    sessions.set(key, uses + 1);
    return true;
  };

  const handle = (req: LoopbackRequest): LoopbackReply => {
    const form = new URLSearchParams(req.body);
    const params: Record<string, string> = Object.fromEntries([...req.query.entries(), ...form.entries()]);
    requests.push({ method: req.method, path: req.path, params });
    // Namespaced paths (/servicesNS/<owner>/<app>/…) behave like /services/….
    const path = req.path.replace(/^\/servicesNS\/[^/]+\/[^/]+\//, "/services/");

    if (path === "/services/auth/login" && req.method === "POST") {
      if (faults.htmlOn === "login") return html();
      if (params.username !== options.username || params.password !== options.password || options.username === undefined) {
        return jsonReply(401, { messages: [{ type: "WARN", code: "incorrect_username_or_password", text: "Login failed" }] });
      }
      const key = `session-${nextId++}-${hash32(params.username)}`;
      sessions.set(key, 0);
      return jsonReply(200, { sessionKey: key });
    }
    if (!authenticated(req)) return messages(401, "WARN", "call not properly authenticated");
    if (faults.rateLimitFirst !== undefined && rateLimited < faults.rateLimitFirst) {
      rateLimited++;
      return jsonReply(429, { messages: [{ type: "ERROR", text: "Too many requests" }] }, faults.retryAfterSeconds === undefined ? {} : { "Retry-After": String(faults.retryAfterSeconds) });
    }

    if (path === "/services/server/info" && req.method === "GET") {
      return jsonReply(200, { generator: { build: "loopback", version }, entry: [{ name: "server-info", content: { version, serverName: "loopback" } }] });
    }

    const m = /^\/services\/search\/(v2\/)?jobs(?:\/([^/]+))?(?:\/(results|control))?$/.exec(path);
    if (!m) return messages(404, "ERROR", `Not Found: ${req.method} ${req.path}`);
    const [, isV2, sid, action] = m;
    if (Boolean(isV2) && !v2) return messages(404, "ERROR", `Not Found: the v2 search API needs Splunk 9.0.2 or later (this is ${version})`);

    if (!sid) {
      if (req.method !== "POST") return messages(405, "ERROR", "listing jobs is not supported by the loopback server");
      if (faults.createError) return messages(400, "FATAL", faults.createError);
      if (faults.htmlOn === "create") return html();
      const search = params.search ?? "";
      searches.push(search);
      const id = `loopback.${nextId++}`;
      jobs.set(id, { sid: id, rows: rowsFor(search, params, options), polls: 0, cancelled: false });
      return jsonReply(201, { sid: id });
    }
    const job = jobs.get(decodeURIComponent(sid));
    if (!job) return messages(404, "ERROR", `Unknown sid "${sid}"`);

    if (action === "control") {
      if (req.method !== "POST") return messages(405, "ERROR", "control needs POST");
      job.cancelled = true;
      return messages(200, "INFO", `Search job ${params.action ?? "?"}ed.`);
    }
    if (action === "results") {
      // v1 reads results with GET, v2 with POST; the other method is a 405 on a real splunkd too.
      if (req.method !== (isV2 ? "POST" : "GET")) return messages(405, "ERROR", `${req.method} not allowed on ${req.path}`);
      if (faults.htmlOn === "results") return html();
      if (faults.resultsError) return messages(200, "FATAL", faults.resultsError);
      const served = job.rows.length - (faults.underServeRows ?? 0);
      const offset = Number(params.offset ?? 0);
      const asked = Number(params.count ?? 100);
      const cap = options.maxResultRows ?? 50_000;
      const count = Math.min(asked === 0 ? cap : asked, cap);
      const page = job.rows.slice(offset, Math.min(offset + count, served));
      if ((params.output_mode ?? "xml") === "json_rows") {
        const fields = [...new Set(page.flatMap((r) => Object.keys(r)))];
        return jsonReply(200, { fields, rows: page.map((r) => fields.map((f) => r[f] ?? null)), init_offset: offset });
      }
      if (params.output_mode !== "json") return messages(400, "ERROR", `output_mode "${params.output_mode ?? ""}" is not supported by the loopback server`);
      const fields = [...new Set(page.flatMap((r) => Object.keys(r)))].map((name) => ({ name }));
      return jsonReply(200, { preview: false, init_offset: offset, messages: [], fields, results: page });
    }
    if (req.method !== "GET") return messages(405, "ERROR", `${req.method} not allowed on ${req.path}`);
    if (faults.htmlOn === "job") return html();
    job.polls++;
    let state: string;
    if (job.cancelled) state = "FAILED";
    else if (faults.jobNeverFinishes || job.polls <= (faults.pollsBeforeDone ?? 1)) state = job.polls === 1 ? "QUEUED" : "RUNNING";
    else state = faults.jobFails ? "FAILED" : "DONE";
    const failed = state === "FAILED";
    const jobMessages = failed ? [{ type: "FATAL", text: job.cancelled ? "Search was cancelled." : (faults.jobFails ?? "") }] : [];
    return jsonReply(200, {
      entry: [
        {
          name: job.sid,
          content: {
            sid: job.sid,
            dispatchState: state,
            isDone: state === "DONE" || failed,
            isFailed: failed,
            resultCount: state === "DONE" ? job.rows.length : 0,
            messages: jobMessages,
          },
        },
      ],
    });
  };

  const server = await startLoopbackServer(handle, options.tls);
  return { ...server, requests, searches };
}

/** `-1`, `0` or `1` comparing dotted version strings numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((x) => parseInt(x, 10) || 0);
  const pb = b.split(".").map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const FIELD = String.raw`(?:"([^"]+)"|'([^']+)'|([\w.:-]+))`;

/**
 * Result rows for a search: one per (container, step) of the service named in the search, between the job's
 * earliest_time and latest_time (epoch seconds), with faults applied.
 */
function rowsFor(search: string, params: Record<string, string>, options: SplunkServerOptions): Record<string, string>[] {
  const fleet = options.fleet;
  const containerField = options.containerField ?? "container.id";
  const aggregations = [...search.matchAll(new RegExp(String.raw`avg\(${FIELD}\)\s+AS\s+${FIELD}`, "gi"))].map((a) => ({
    metric: a[1] ?? a[2] ?? a[3],
    alias: a[4] ?? a[5] ?? a[6],
  }));
  const byClause = /\bBY\s+(.*?)(?=\s+span=|\s*\||$)/i.exec(search)?.[1] ?? "";
  const byFields = [...byClause.matchAll(new RegExp(FIELD, "g"))].map((f) => f[1] ?? f[2] ?? f[3]).filter((f) => f !== "_time");
  const spanMatch = /span=(\d+)([smhd]?)/i.exec(search);
  const unit: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86400 };
  const stepMs = spanMatch ? Number(spanMatch[1]) * unit[spanMatch[2].toLowerCase()] * 1000 : 60_000;
  const service = fleet.services.find((s) => search.includes(`="${s}"`) || search.includes(`=${s} `));
  if (!service || aggregations.length === 0) return [];
  const from = Number(params.earliest_time) * 1000;
  const to = Number(params.latest_time) * 1000;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return [];

  const rows: Record<string, string>[] = [];
  for (const step of stepsIn(from, to, stepMs)) {
    for (const container of containerIdsOf(fleet, service)) {
      const row: Record<string, string> = { _time: splunkTime(step) };
      for (const f of byFields) row[f] = f === containerField ? container : `${f}-value`;
      for (const a of aggregations) row[options.faults?.otherColumns ? `avg(${a.metric})` : a.alias] = String(generatedValue(fleet, service, container, a.metric, step));
      rows.push(row);
    }
  }
  return applyRowFaults(rows, options.faults ?? {}, aggregations.map((a) => a.alias), containerField, fleet.seed);
}

function applyRowFaults(rows: Record<string, string>[], faults: SplunkFaults, aliases: string[], containerField: string, seed: number): Record<string, string>[] {
  const rnd = new Random(seed ^ 0x5eed);
  const every = (n: number | undefined, i: number): boolean => n !== undefined && n > 0 && (i + 1) % n === 0;
  let out: Record<string, string>[] = [];
  rows.forEach((original, i) => {
    const drop = new Set<string>();
    if (every(faults.missingMetricEvery, i)) drop.add(aliases[rnd.int(aliases.length)]);
    if (every(faults.missingTimeEvery, i)) drop.add("_time");
    if (every(faults.missingContainerEvery, i)) drop.add(containerField);
    const row = Object.fromEntries(Object.entries(original).filter(([k]) => !drop.has(k)));
    if (every(faults.nonNumericEvery, i)) row[aliases[rnd.int(aliases.length)]] = "n/a";
    if (every(faults.negativeEvery, i)) for (const a of aliases) if (row[a] !== undefined) row[a] = String(-Number(row[a]));
    out.push(row);
    if (every(faults.duplicateEvery, i)) out.push({ ...row });
  });
  if (faults.shuffle) {
    out = [...out];
    for (let i = out.length - 1; i > 0; i--) {
      const j = rnd.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
  }
  return out;
}

/** `_time` as splunkd's JSON output writes it: ISO-8601 with milliseconds and a numeric offset. */
function splunkTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}
