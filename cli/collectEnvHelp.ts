// What `cad collect --help` says about the environment: a module of its own, without the Splunk and Dynatrace
// clients (collectSources.ts), so the help loads none of them.

/** Default split dimension of Dynatrace's classic container metrics. */
export const DT_CONTAINER_DIMENSION = "dt.entity.container_group_instance";

/** The environment variables `cad collect` reads (documented in `cad collect --help`). */
export const COLLECT_ENV_HELP = `
Environment (credentials never go on the command line):
  SPLUNK_URL                 management port, e.g. https://splunk.example.com:8089
  SPLUNK_TOKEN               authentication token (Bearer), or
  SPLUNK_USERNAME / SPLUNK_PASSWORD
  SPLUNK_INDEX               metrics index (default otel_metrics)
  SPLUNK_SEARCH_KIND         mstats (metrics index, default) or events (event index: bin + stats)
  SPLUNK_SERVICE_FIELD       default aws.ecs.service.name
  SPLUNK_CONTAINER_FIELDS    comma-separated, default container.id
  SPLUNK_VERSION             with a token: skip the server/info lookup (e.g. 9.1)
  SPLUNK_CA_BUNDLE           PEM file of the CA(s) that signed splunkd's certificate
                             (certificates are always verified; only the --insecure flag turns that off)
  SPLUNK_POLL_INTERVAL_MS    job status poll interval (default 1000)
  SPLUNK_JOB_TIMEOUT_MS      cancel a search job not done after this long (default 300000)
  DT_URL                     https://<env>.live.dynatrace.com or https://<host>/e/<env>
  DT_API_TOKEN               token with the metrics.read scope
  DT_ENTITY_SELECTOR         default type(CONTAINER_GROUP_INSTANCE),tag("aws.ecs.service.name:{service}")
  DT_CONTAINER_DIMENSION     default ${DT_CONTAINER_DIMENSION}
  DT_METRIC_SELECTORS        JSON {"<metric>": "<selector>"} replacing the classic builtin:containers.* defaults

Settings come from the process environment and the flags only: a .env file is never read (splunk-sdk would load
one from the working directory; cad neutralises that and says so). Every run prints where each setting came from.
`;
