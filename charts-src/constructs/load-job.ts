// One k6 run as a Kubernetes Job: outside the mesh (no sidecar, so the Job can complete), script
// from a ConfigMap, traffic through the ingress gateway like a real visitor's.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { thirdPartyImage } from '../config/images.ts';
import type { Profile } from '../config/profiles.ts';
import { clusterUrl, INGRESS_GATEWAY_RELEASE, INGRESS_NAMESPACE } from '../config/platform.ts';
import { ingressBaseUrl } from '../config/ingress.ts';
import { ARCHIVE_KEY, SCRIPT_KEY, SCRIPTS_MOUNT } from '../config/load.ts';
import { VERSIONS } from '../config/versions.ts';
import { containerResources, containerSecurity, ephemeralStorage, podSeccomp } from '../lib/hardening.ts';
import { podLabels } from '../lib/labels.ts';
import { LOAD_APP } from './peers.ts';

/** Uid of the k6 user in the grafana/k6 image. */
const K6_UID = 12345;

export type LoadScript =
  | { readonly kind: 'script'; readonly content: string }
  | { readonly kind: 'archive'; readonly content: Buffer };

export interface LoadJobProps {
  readonly profile: Profile;
  readonly scenario: string;
  readonly script: LoadScript;
  /** Job name k6-<name>; default the scenario. */
  readonly name?: string;
  /** Scenario settings (load/lib/*.ts read them from __ENV). */
  readonly env?: Readonly<Record<string, string>>;
  readonly activeDeadlineSeconds?: number;
}

export class LoadJob extends Construct {
  constructor(scope: Construct, id: string, props: LoadJobProps) {
    super(scope, id);
    const name = `k6-${props.name ?? props.scenario}`;
    const gateway = clusterUrl(INGRESS_GATEWAY_RELEASE, INGRESS_NAMESPACE);
    const script = new kplus.ConfigMap(this, 'script', {
      metadata: { name },
      ...(props.script.kind === 'script'
        ? { data: { [SCRIPT_KEY]: props.script.content } }
        : { binaryData: { [ARCHIVE_KEY]: props.script.content.toString('base64') } }),
    });
    const entry = `${SCRIPTS_MOUNT}/${props.script.kind === 'script' ? SCRIPT_KEY : ARCHIVE_KEY}`;
    const labels = {
      ...podLabels(LOAD_APP, VERSIONS.k6Image.split(':')[1] ?? 'unknown', 'load'),
      scenario: props.scenario,
      'sidecar.istio.io/inject': 'false',
    };
    const serviceAccount = new kplus.ServiceAccount(this, 'sa', {
      metadata: { name },
      automountToken: false,
    });
    const job = new kplus.Job(this, 'job', {
      metadata: { name, labels },
      podMetadata: { labels },
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      backoffLimit: 0,
      activeDeadline: Duration.seconds(props.activeDeadlineSeconds ?? 30 * 60),
      ttlAfterFinished: Duration.hours(1),
      securityContext: { ensureNonRoot: true, user: K6_UID, group: K6_UID, fsGroup: K6_UID },
    });
    const image = thirdPartyImage(props.profile, 'k6');
    const scripts = kplus.Volume.fromConfigMap(this, 'scripts', script);
    const tmpMiB = 64;
    const tmp = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(tmpMiB) });
    job.addContainer({
      name: 'k6',
      image: image.image,
      imagePullPolicy: image.pullPolicy,
      args: ['run', entry],
      // Every entry point the scripts use is reached through the gateway (config/ingress.ts).
      envVariables: {
        PETSTORE_URL: kplus.EnvValue.fromValue(ingressBaseUrl(gateway, 'petstore')),
        ORDER_URL: kplus.EnvValue.fromValue(ingressBaseUrl(gateway, 'order')),
        INVENTORY_URL: kplus.EnvValue.fromValue(ingressBaseUrl(gateway, 'inventory')),
        REPORT_DIR: kplus.EnvValue.fromValue('/tmp'),
        K6_NO_USAGE_REPORT: kplus.EnvValue.fromValue('true'),
        ...Object.fromEntries(
          Object.entries(props.env ?? {}).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)]),
        ),
      },
      resources: containerResources(props.profile.loadJob.resources),
      securityContext: containerSecurity(K6_UID),
      volumeMounts: [
        { path: SCRIPTS_MOUNT, volume: scripts, readOnly: true },
        { path: '/tmp', volume: tmp },
      ],
    });
    podSeccomp(job);
    ephemeralStorage(job, tmpMiB);
  }
}
