import type { FeatureSet } from "./featureSet";

/**
 * The default feature set: ECS container metrics as the OpenTelemetry awsecscontainermetrics receiver names
 * them, plus restarts, CPU throttling and the request latency seen at the load balancer per task.
 * Sources map their own names onto these (configuration), so the model always sees this order.
 */
export const DEFAULT_FEATURE_SET: FeatureSet = {
  metrics: [
    { name: "container.cpu.utilized", role: "cpu" },
    { name: "container.memory.utilized", role: "memory" },
    { name: "container.network.rate.rx", role: "network-rx" },
    { name: "container.network.rate.tx", role: "network-tx" },
    { name: "container.restarts", role: "restarts" },
    { name: "container.cpu.throttled", role: "throttling" },
    { name: "http.server.latency.p95", role: "latency" },
  ],
  stepSeconds: 60,
  maxFillSteps: 3,
  // 1: temporal context comes from the incident confirmation window. With k > 1 one noisy row sits in
  // k consecutive vectors and confirms itself (measured: 3× the false alerts on the demo at shingle 3).
  shingleSize: 1,
};
