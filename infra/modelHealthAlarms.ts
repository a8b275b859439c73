import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceTarget } from "./config";

/** Namespace and dimensions under which the detector publishes its model-health gauges (EMF via Powertools). */
export const METRICS_NAMESPACE = "ContainerAnomalyDetection";
export const DETECTOR_SERVICE_DIMENSION = "detector";

export interface ModelHealthAlarmsArgs {
  readonly environment: string;
  readonly services: readonly ServiceTarget[];
  /** Alarm when the hourly average anomaly rate (a fraction) is above this… */
  readonly maxAnomalyRate: number;
  /** …for this many consecutive hours. */
  readonly hours: number;
  readonly alarmTopicArn: pulumi.Input<string>;
}

/**
 * One "stale model" alarm per watched service: the anomaly rate the detector publishes each run stays far above
 * what a fresh model shows (about 1–2 %) for hours — not one incident, a lasting shift of normal. Retrain.
 */
export class ModelHealthAlarms extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: ModelHealthAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cad:monitoring:ModelHealthAlarms", name, {}, opts);
    if (!(args.maxAnomalyRate > 0 && args.maxAnomalyRate <= 1)) throw new Error(`ModelHealthAlarms "${name}": maxAnomalyRate must be in (0, 1], got ${args.maxAnomalyRate}`);
    if (!Number.isInteger(args.hours) || args.hours < 1) throw new Error(`ModelHealthAlarms "${name}": hours must be a positive integer, got ${args.hours}`);
    this.alarms = args.services.map(
      (svc) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${svc.service}`,
          {
            alarmDescription:
              `The model looks stale for ${svc.cluster}/${svc.service}: more than ${(args.maxAnomalyRate * 100).toFixed(1)} % of scored vectors were anomalous ` +
              `on average for ${args.hours} h. Normal has moved: build a training set from a recent range and retrain (README, "Training and retraining").`,
            namespace: METRICS_NAMESPACE,
            metricName: "AnomalyRate",
            dimensions: { service: DETECTOR_SERVICE_DIMENSION, environment: args.environment, ecsService: svc.service },
            statistic: "Average",
            period: 3600,
            evaluationPeriods: args.hours,
            threshold: args.maxAnomalyRate,
            comparisonOperator: "GreaterThanThreshold",
            // No data (detector down, nothing scored) is the error alarm's business, not this one's.
            treatMissingData: "notBreaching",
            alarmActions: [args.alarmTopicArn],
            okActions: [args.alarmTopicArn],
          },
          { parent: this },
        ),
    );
    this.registerOutputs({ alarmNames: this.alarms.map((a) => a.name) });
  }
}
