// Everything one catalog service needs in the cluster: identity (ServiceAccount), pods (stable and,
// when configured, canary Deployments), a Service, autoscaling (HPA + VPA), disruption budget,
// network policy from the call graph and a ServiceMonitor. Traffic routing and mesh identity rules
// live in TrafficRouting and MeshSecurity.
import { VerticalPodAutoscaler } from '@kubernetes-models/autoscaler/autoscaling.k8s.io/v1/VerticalPodAutoscaler';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { CLUSTER_CONTAINER_PORT, CLUSTER_SERVICE_PORT } from '../../catalog/services.ts';
import type { ServiceSpec } from '../../catalog/services.ts';
import type { CanaryConfig, Profile } from '../config/profiles.ts';
import {
  ISTIO_MERGED_METRICS_PATH,
  ISTIO_MERGED_METRICS_PORT,
  REQUEST_RATE_METRIC,
} from '../config/platform.ts';
import { SCALE_DOWN, SCALE_UP, VPA_BOUNDS } from '../config/scaling.ts';
import { appSelector, podLabels, scoreExceptions, serviceAccountName } from '../lib/labels.ts';
import { typedObject } from '../lib/typed.ts';
import { renderWorkloadPolicy } from './network-policy.ts';
import { serviceNetworkPolicy } from './peers.ts';
import { ServiceWorkload } from './service-workload.ts';

export interface MicroserviceProps {
  readonly spec: ServiceSpec;
  readonly profile: Profile;
  readonly databaseSecret: kplus.ISecret | undefined;
}

/** One Service over both tracks; Istio splits traffic between them by the `version` label. */
function serviceOf(scope: Construct, spec: ServiceSpec): kplus.Service {
  const service = new kplus.Service(scope, 'service', {
    metadata: { name: spec.name, labels: { app: spec.name, 'app.kubernetes.io/part-of': 'mmf-petstore' } },
    ports: [
      {
        name: 'http',
        port: CLUSTER_SERVICE_PORT,
        targetPort: CLUSTER_CONTAINER_PORT,
        protocol: kplus.Protocol.TCP,
      },
      {
        name: 'http-metrics',
        port: ISTIO_MERGED_METRICS_PORT,
        targetPort: ISTIO_MERGED_METRICS_PORT,
        protocol: kplus.Protocol.TCP,
      },
    ],
  });
  service.selectLabel('app', spec.name);
  return service;
}

/** The HPA of the stable track: request rate per pod, plus CPU/memory while the VPA only recommends. */
function horizontalAutoscaler(
  scope: Construct,
  spec: ServiceSpec,
  profile: Profile,
  stable: ServiceWorkload,
): void {
  const bounds = spec.scaling[profile.name];
  // CPU/memory targets only when the VPA merely recommends; with VPA Auto the two would fight.
  const metrics: kplus.Metric[] = [];
  if (spec.scaling.vpaMode === 'Off') {
    metrics.push(
      kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(spec.scaling.targetCpuPercent)),
    );
    metrics.push(
      kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(spec.scaling.targetMemoryPercent)),
    );
  }
  metrics.push(
    kplus.Metric.pods({
      name: REQUEST_RATE_METRIC,
      target: kplus.MetricTarget.averageValue(spec.scaling.requestsPerSecondPerPod),
    }),
  );
  new kplus.HorizontalPodAutoscaler(scope, 'hpa', {
    metadata: {
      name: spec.name,
      annotations: scoreExceptions(
        bounds.minReplicas < 2
          ? {
              'horizontalpodautoscaler-replicas': `${profile.name} profile: ${bounds.minReplicas} pod at rest to fit the laptop budget (the HPA adds pods under load); production keeps at least 2`,
            }
          : {},
      ),
    },
    target: stable,
    minReplicas: bounds.minReplicas,
    maxReplicas: bounds.maxReplicas,
    metrics,
    scaleUp: {
      stabilizationWindow: Duration.seconds(SCALE_UP.stabilizationSeconds),
      strategy: kplus.ScalingStrategy.MAX_CHANGE,
      policies: [
        {
          replicas: kplus.Replicas.percent(SCALE_UP.percent),
          duration: Duration.seconds(SCALE_UP.periodSeconds),
        },
        {
          replicas: kplus.Replicas.absolute(SCALE_UP.pods),
          duration: Duration.seconds(SCALE_UP.periodSeconds),
        },
      ],
    },
    scaleDown: {
      stabilizationWindow: Duration.seconds(SCALE_DOWN.stabilizationSeconds),
      strategy: kplus.ScalingStrategy.MIN_CHANGE,
      policies: [
        {
          replicas: kplus.Replicas.percent(SCALE_DOWN.percent),
          duration: Duration.seconds(SCALE_DOWN.periodSeconds),
        },
        {
          replicas: kplus.Replicas.absolute(SCALE_DOWN.pods),
          duration: Duration.seconds(SCALE_DOWN.periodSeconds),
        },
      ],
    },
  });
}

/** The VPA of the stable track, within the profile's bounds. */
function verticalAutoscaler(
  scope: Construct,
  spec: ServiceSpec,
  profile: Profile,
  stable: ServiceWorkload,
): void {
  const vpaBounds = VPA_BOUNDS[profile.name];
  typedObject(
    scope,
    'vpa',
    new VerticalPodAutoscaler({
      metadata: { name: spec.name },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: stable.name },
        updatePolicy: { updateMode: spec.scaling.vpaMode },
        resourcePolicy: {
          containerPolicies: [
            {
              containerName: spec.name,
              minAllowed: { ...vpaBounds.minAllowed },
              maxAllowed: { ...vpaBounds.maxAllowed },
              controlledResources: ['cpu', 'memory'],
              controlledValues: 'RequestsAndLimits',
            },
          ],
        },
      },
    }),
  );
}

/** Disruption budget, network policy from the call graph, and the ServiceMonitor. */
function guardsAndMonitoring(scope: Construct, spec: ServiceSpec): void {
  // maxUnavailable 1 always lets a node drain proceed (one pod at a time), whatever the count.
  typedObject(
    scope,
    'pdb',
    new PodDisruptionBudget({
      metadata: { name: spec.name },
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: appSelector(spec.name) },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    }),
  );

  renderWorkloadPolicy(scope, 'netpol', serviceNetworkPolicy(spec.name));

  typedObject(
    scope,
    'monitor',
    new ServiceMonitor({
      metadata: { name: spec.name, labels: { app: spec.name } },
      spec: {
        selector: { matchLabels: { app: spec.name } },
        endpoints: [{ port: 'http-metrics', path: ISTIO_MERGED_METRICS_PATH, interval: '15s' }],
      },
    }),
  );
}

export class Microservice extends Construct {
  readonly spec: ServiceSpec;
  readonly stable: ServiceWorkload;
  readonly canary: ServiceWorkload | undefined;
  readonly canaryConfig: CanaryConfig | undefined;
  readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const { spec, profile } = props;
    this.spec = spec;

    const serviceAccount = new kplus.ServiceAccount(this, 'sa', {
      metadata: { name: serviceAccountName(spec.name), labels: podLabels(spec.name, profile.stableVersion) },
      automountToken: false,
    });

    this.stable = new ServiceWorkload(this, 'stable', {
      ...props,
      track: 'stable',
      version: profile.stableVersion,
      serviceAccount,
      replicas: undefined, // the HPA owns the stable replica count
    });
    this.canaryConfig = profile.canaries[spec.name];
    this.canary = this.canaryConfig
      ? new ServiceWorkload(this, 'canary', {
          ...props,
          track: 'canary',
          version: this.canaryConfig.version,
          serviceAccount,
          // A canary takes a slice of traffic; one pod on a laptop, two (drainable) in production.
          replicas: profile.name === 'production' ? 2 : 1,
        })
      : undefined;

    this.service = serviceOf(this, spec);
    horizontalAutoscaler(this, spec, profile, this.stable);
    verticalAutoscaler(this, spec, profile, this.stable);
    guardsAndMonitoring(this, spec);
  }
}
