// Trace backend: Jaeger all-in-one with in-memory storage, receiving OTLP over HTTP from every
// service (OTEL_EXPORTER_OTLP_ENDPOINT) and serving its UI on jaeger-query:16686 (port-forward).
// In-memory storage means one replica: a second pod would hold half of every trace.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { thirdPartyImage } from '../config/images.ts';
import type { Profile } from '../config/profiles.ts';
import { JAEGER } from '../config/platform.ts';
import { VERSIONS } from '../config/versions.ts';
import {
  containerResources,
  containerSecurity,
  ephemeralStorage,
  podSeccomp,
  sidecarAnnotations,
} from '../lib/hardening.ts';
import { podLabels, scoreExceptions } from '../lib/labels.ts';

/** The Jaeger container: OTLP in, UI and admin out, in-memory storage bounded by the profile. */
function addJaegerContainer(scope: Construct, deployment: kplus.Deployment, profile: Profile): void {
  const image = thirdPartyImage(profile, 'jaeger');
  const tmpMiB = 64;
  const tmp = kplus.Volume.fromEmptyDir(scope, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(tmpMiB) });
  deployment.addContainer({
    name: JAEGER.name,
    image: image.image,
    imagePullPolicy: image.pullPolicy,
    ports: [
      { name: 'http-otlp', number: JAEGER.otlpHttpPort },
      { name: 'http-ui', number: JAEGER.uiPort },
      { name: 'http-admin', number: JAEGER.adminPort },
    ],
    envVariables: {
      COLLECTOR_OTLP_ENABLED: kplus.EnvValue.fromValue('true'),
      SPAN_STORAGE_TYPE: kplus.EnvValue.fromValue('memory'),
      MEMORY_MAX_TRACES: kplus.EnvValue.fromValue(String(profile.traceBackend.maxTraces)),
    },
    resources: containerResources(profile.traceBackend.resources),
    securityContext: containerSecurity(JAEGER.uid),
    volumeMounts: [{ path: '/tmp', volume: tmp }],
    // Ready: the health endpoint reports the collector and query up. Alive: the admin server still
    // answers; a busy or starting Jaeger that is not ready is left alone rather than restarted.
    readiness: kplus.Probe.fromHttpGet('/', {
      port: JAEGER.adminPort,
      periodSeconds: Duration.seconds(10),
      failureThreshold: 3,
    }),
    liveness: kplus.Probe.fromTcpSocket({
      port: JAEGER.adminPort,
      periodSeconds: Duration.seconds(10),
      failureThreshold: 6,
    }),
    startup: kplus.Probe.fromHttpGet('/', {
      port: JAEGER.adminPort,
      periodSeconds: Duration.seconds(2),
      failureThreshold: 30,
    }),
  });
  podSeccomp(deployment);
  ephemeralStorage(deployment, tmpMiB);
}

/** The collector Service (OTLP from every service) and the query Service (the UI). */
function addServices(scope: Construct): void {
  const collector = new kplus.Service(scope, 'collector', {
    metadata: { name: JAEGER.collectorService, labels: { app: JAEGER.name } },
    ports: [{ name: 'http-otlp', port: JAEGER.otlpHttpPort, targetPort: JAEGER.otlpHttpPort }],
  });
  collector.selectLabel('app', JAEGER.name);
  const query = new kplus.Service(scope, 'query', {
    metadata: { name: JAEGER.queryService, labels: { app: JAEGER.name } },
    ports: [{ name: 'http-ui', port: JAEGER.uiPort, targetPort: JAEGER.uiPort }],
  });
  query.selectLabel('app', JAEGER.name);
}

export class TraceBackend extends Construct {
  readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: { readonly profile: Profile }) {
    super(scope, id);
    const labels = podLabels(JAEGER.name, VERSIONS.jaegerImage.split(':')[1] ?? 'unknown', 'tracing');
    const serviceAccount = new kplus.ServiceAccount(this, 'sa', {
      metadata: { name: JAEGER.name },
      automountToken: false,
    });
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: {
        name: JAEGER.name,
        labels,
        annotations: scoreExceptions({
          'deployment-strategy':
            'in-memory trace store: it is replaced (Recreate), two pods side by side would each hold half of the traces',
          'deployment-replicas':
            'in-memory trace store: a second replica would hold half of every trace, not add availability',
        }),
      },
      replicas: 1,
      select: false,
      podMetadata: {
        labels,
        annotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(JAEGER.adminPort),
          'prometheus.io/path': '/metrics',
          ...sidecarAnnotations(props.profile.sidecar),
        },
      },
      serviceAccount,
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: JAEGER.uid, group: JAEGER.uid, fsGroup: JAEGER.uid },
      // In-memory state: replace the pod instead of running two side by side.
      strategy: kplus.DeploymentStrategy.recreate(),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: { app: JAEGER.name } }));
    addJaegerContainer(this, this.deployment, props.profile);
    addServices(this);
  }
}
