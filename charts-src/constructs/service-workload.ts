// One Deployment of one service at one version: the hardened pod the kit's runtime contract needs
// (env, probes on /healthz and /readyz, preStop drain). Stable and canary tracks both use it.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { CLUSTER_CONTAINER_PORT, NAMESPACE } from '../../catalog/services.ts';
import type { ServiceName, ServiceSpec } from '../../catalog/services.ts';
import { serviceImage } from '../config/images.ts';
import type { Profile } from '../config/profiles.ts';
import { clusterUrl, JAEGER, POSTGRES_PASSWORD_FILE, POSTGRES_URL, SERVICE_UID } from '../config/platform.ts';
import {
  containerResources,
  containerSecurity,
  ephemeralStorage,
  podSeccomp,
  sidecarAnnotations,
  spreadOverNodes,
} from '../lib/hardening.ts';
import { deploymentName, podLabels, scoreExceptions } from '../lib/labels.ts';
import { databaseCredentialsMounts } from './postgres.ts';

export type Track = 'stable' | 'canary';

/** Seconds the preStop hook waits so endpoints and Envoy stop sending before SIGTERM. */
export const PRE_STOP_SLEEP_SECONDS = 5;
/** The kit's drain budget after SIGTERM (SHUTDOWN_TIMEOUT_MS). */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export function downstreamEnvName(name: ServiceName): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_URL`;
}

export interface ServiceWorkloadProps {
  readonly spec: ServiceSpec;
  readonly profile: Profile;
  readonly track: Track;
  readonly version: string;
  readonly serviceAccount: kplus.IServiceAccount;
  readonly databaseSecret: kplus.ISecret | undefined;
  /** Fixed replica count; undefined leaves replicas to the HPA. */
  readonly replicas: number | undefined;
}

export function serviceEnv(props: ServiceWorkloadProps): Record<string, kplus.EnvValue> {
  const { spec, profile, version } = props;
  const v = kplus.EnvValue.fromValue;
  const env: Record<string, kplus.EnvValue> = {
    HOST: v('0.0.0.0'),
    PORT: v(String(CLUSTER_CONTAINER_PORT)),
    SERVICE_VERSION: v(version),
    LOG_LEVEL: v('info'),
    OTEL_EXPORTER_OTLP_ENDPOINT: v(clusterUrl(JAEGER.collectorService, NAMESPACE, JAEGER.otlpHttpPort)),
    OTEL_TRACES_SAMPLER_ARG: v(String(profile.tracesSampleRatio)),
    SHUTDOWN_TIMEOUT_MS: v(String(SHUTDOWN_TIMEOUT_MS)),
    FAULTS_ENABLED: v(String(profile.faultsEnabled)),
    FAULT_HEADERS_ENABLED: v(String(profile.faultsEnabled)),
    ADMIN_ENABLED: v(String(profile.faultsEnabled)),
  };
  for (const call of spec.calls) env[downstreamEnvName(call.to)] = v(clusterUrl(call.to));
  if (spec.stateful) {
    if (!props.databaseSecret) throw new Error(`${spec.name} is stateful but has no database Secret`);
    // The URL names no password; the kit reads it from the mounted Secret (services/kit/config.ts).
    env.DATABASE_URL = v(POSTGRES_URL);
    env.PGPASSWORD_FILE = v(POSTGRES_PASSWORD_FILE);
  }
  return env;
}

export class ServiceWorkload extends kplus.Deployment {
  readonly podLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: ServiceWorkloadProps) {
    const { spec, profile, track, version } = props;
    const labels = podLabels(spec.name, version);
    super(scope, id, {
      metadata: {
        name: deploymentName(spec.name, track),
        labels,
        annotations: scoreExceptions(
          props.replicas === 1
            ? {
                'deployment-replicas': `${profile.name} profile: one ${track} pod, to fit the laptop budget; production runs two`,
              }
            : {},
        ),
      },
      replicas: props.replicas,
      select: false,
      podMetadata: {
        labels,
        annotations: {
          // Istio merges these into its plaintext :15020/stats/prometheus endpoint.
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(CLUSTER_CONTAINER_PORT),
          'prometheus.io/path': '/metrics',
          // Let the app finish its drain before Envoy stops (Istio holds the proxy until then).
          'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}',
          ...sidecarAnnotations(profile.sidecar),
        },
      },
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: false,
      terminationGracePeriod: Duration.seconds(PRE_STOP_SLEEP_SECONDS + SHUTDOWN_TIMEOUT_MS / 1000 + 15),
      securityContext: { ensureNonRoot: true, user: SERVICE_UID, group: SERVICE_UID, fsGroup: SERVICE_UID },
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
    });
    this.podLabels = labels;
    this.select(kplus.LabelSelector.of({ labels: { app: spec.name, version } }));

    const tmpMiB = 64;
    const tmp = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(tmpMiB) });
    const image = serviceImage(profile, version);
    this.addContainer({
      name: spec.name,
      image: image.image,
      imagePullPolicy: image.pullPolicy,
      command: ['node', `build/services/${spec.name}/main.js`],
      ports: [{ name: 'http', number: CLUSTER_CONTAINER_PORT, protocol: kplus.Protocol.TCP }],
      envVariables: serviceEnv(props),
      resources: containerResources(spec.resources[profile.name]),
      securityContext: containerSecurity(SERVICE_UID),
      volumeMounts: [{ path: '/tmp', volume: tmp }, ...databaseCredentialsMounts(this, props.databaseSecret)],
      startup: kplus.Probe.fromHttpGet('/healthz', {
        port: CLUSTER_CONTAINER_PORT,
        periodSeconds: Duration.seconds(2),
        failureThreshold: 30,
        timeoutSeconds: Duration.seconds(2),
      }),
      readiness: kplus.Probe.fromHttpGet('/readyz', {
        port: CLUSTER_CONTAINER_PORT,
        periodSeconds: Duration.seconds(5),
        failureThreshold: 2,
        timeoutSeconds: Duration.seconds(2),
      }),
      liveness: kplus.Probe.fromHttpGet('/healthz', {
        port: CLUSTER_CONTAINER_PORT,
        periodSeconds: Duration.seconds(10),
        failureThreshold: 3,
        timeoutSeconds: Duration.seconds(2),
      }),
      lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', String(PRE_STOP_SLEEP_SECONDS)]) },
    });
    podSeccomp(this);
    ephemeralStorage(this, tmpMiB);
    spreadOverNodes(this, {
      labels: { app: spec.name, version },
      whenUnsatisfiable: profile.spreadWhenUnsatisfiable,
    });
  }
}
