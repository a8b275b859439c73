import type { FeatureSet } from "./featureSet";

/**
 * The default feature set: ECS container metrics as the OpenTelemetry awsecscontainermetrics receiver names
 * them, plus restarts, CPU throttling and the request latency seen at the load balancer per task.
 * Sources map their own names onto these (configuration), so the model always sees this order.
 */
export const DEFAULT_FEATURE_SET: FeatureSet = {
  metrics: [
    { name: "container.cpu.utilized", unit: "%", role: "cpu" },
    { name: "container.memory.utilized", unit: "MiB", role: "memory" },
    { name: "container.network.rate.rx", unit: "bytes/s", role: "network-rx" },
    { name: "container.network.rate.tx", unit: "bytes/s", role: "network-tx" },
    { name: "container.restarts", unit: "count", role: "restarts" },
    { name: "container.cpu.throttled", unit: "%", role: "throttling" },
    { name: "http.server.latency.p95", unit: "ms", role: "latency" },
  ],
  stepSeconds: 60,
  maxFillSteps: 3,
  // 1: temporal context comes from the detector's confirmation of alerts. With k > 1 one noisy row sits in
  // k consecutive vectors and confirms itself.
  shingleSize: 1,
};
