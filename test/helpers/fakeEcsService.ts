import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
  type RegisterScalableTargetCommandInput,
} from "@aws-sdk/client-application-auto-scaling";
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Deployment, type UpdateServiceCommandInput } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";

/** One ECS service (and optionally its scalable target) as AWS would answer about it. */
export interface FakeServiceState {
  cluster: string;
  service: string;
  desiredCount: number;
  runningCount: number;
  deployments: Deployment[];
  /** Undefined when the service has no Application Auto Scaling target. */
  target?: { min: number; max: number };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Mocks ECS and Application Auto Scaling so they answer from, and update, `state` — like the real services for
 * the four calls the scaler makes. Every call yields to the event loop, so overlapping callers interleave.
 */
export function fakeEcsService(state: FakeServiceState) {
  const ecs = mockClient(ECSClient);
  const aas = mockClient(ApplicationAutoScalingClient);
  ecs.on(DescribeServicesCommand).callsFake(async (input: { cluster?: string; services?: string[] }) => {
    await tick();
    if (input.cluster !== state.cluster || input.services?.[0] !== state.service) {
      return { services: [], failures: [{ arn: `arn:aws:ecs:eu-west-1:1:service/${input.cluster}/${input.services?.[0]}`, reason: "MISSING" }] };
    }
    return {
      services: [
        { serviceName: state.service, status: "ACTIVE", desiredCount: state.desiredCount, runningCount: state.runningCount, pendingCount: 0, deployments: state.deployments },
      ],
      failures: [],
    };
  });
  ecs.on(UpdateServiceCommand).callsFake(async (input: UpdateServiceCommandInput) => {
    await tick();
    state.desiredCount = input.desiredCount ?? state.desiredCount;
    return { service: { serviceName: state.service, desiredCount: state.desiredCount } };
  });
  aas.on(DescribeScalableTargetsCommand).callsFake(async () => {
    await tick();
    if (!state.target) return { ScalableTargets: [] };
    return {
      ScalableTargets: [
        {
          ServiceNamespace: "ecs",
          ResourceId: `service/${state.cluster}/${state.service}`,
          ScalableDimension: "ecs:service:DesiredCount",
          MinCapacity: state.target.min,
          MaxCapacity: state.target.max,
          RoleARN: "arn:aws:iam::1:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
          CreationTime: new Date(0),
        },
      ],
    };
  });
  aas.on(RegisterScalableTargetCommand).callsFake(async (input: RegisterScalableTargetCommandInput) => {
    await tick();
    if (!state.target) throw Object.assign(new Error("No scalable target registered"), { name: "ValidationException" });
    const min = input.MinCapacity ?? state.target.min;
    const max = input.MaxCapacity ?? state.target.max;
    if (min > max) throw Object.assign(new Error(`Minimum capacity ${min} cannot be greater than maximum capacity ${max}`), { name: "ValidationException" });
    state.target = { min, max };
    // Target tracking keeps desired within [min, max].
    state.desiredCount = Math.min(max, Math.max(min, state.desiredCount));
    return { ScalableTargetARN: "arn:aws:application-autoscaling:eu-west-1:1:scalable-target/abc" };
  });
  return { ecs, aas, ecsClient: new ECSClient({ region: "eu-west-1" }), aasClient: new ApplicationAutoScalingClient({ region: "eu-west-1" }) };
}

/** A steady deployment (nothing rolling out). */
export const steady: Deployment[] = [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED", desiredCount: 2, runningCount: 2 }];
