import type { FeatureSet } from "../../runtime/features/featureSet";

/** The container metrics the collector tests use (OpenTelemetry docker_stats names), 60-second steps. */
export const CONTAINER_FEATURE_SET: FeatureSet = {
  metrics: [
    { name: "container.cpu.utilization", role: "cpu" },
    { name: "container.memory.usage.total", role: "memory" },
    { name: "container.network.io.usage.rx_bytes", role: "network-rx" },
  ],
  stepSeconds: 60,
  maxFillSteps: 2,
  shingleSize: 4,
};
