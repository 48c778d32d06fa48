// The services' shared PostgreSQL: one StatefulSet pod on a PersistentVolumeClaim and a headless
// Service. Its password comes from a Secret this bundle references by name and never synthesizes
// (platform.ts POSTGRES_CREDENTIALS), read from a mounted file (POSTGRES_PASSWORD_FILE).
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { thirdPartyImage } from '../config/images.ts';
import type { Profile } from '../config/profiles.ts';
import { POSTGRES, POSTGRES_CREDENTIALS, POSTGRES_PASSWORD_FILE } from '../config/platform.ts';
import { VERSIONS } from '../config/versions.ts';
import {
  containerResources,
  containerSecurity,
  ephemeralStorage,
  podSeccomp,
  sidecarAnnotations,
} from '../lib/hardening.ts';
import { podLabels } from '../lib/labels.ts';

/** The read-only secret volume holding only the password file, mounted where POSTGRES_PASSWORD_FILE
 * points, for a pod that needs the database (none when `secret` is undefined). */
export function databaseCredentialsMounts(
  scope: Construct,
  secret: kplus.ISecret | undefined,
): kplus.VolumeMount[] {
  if (!secret) return [];
  const volume = kplus.Volume.fromSecret(scope, 'postgres-credentials', secret, {
    name: 'postgres-credentials',
    // Readable by the pod's fsGroup (the kubelet sets the group), by nobody else.
    defaultMode: 0o440,
    items: { [POSTGRES_CREDENTIALS.passwordKey]: { path: POSTGRES_CREDENTIALS.passwordKey } },
  });
  return [{ path: POSTGRES_CREDENTIALS.mountPath, volume, readOnly: true }];
}

export interface PostgresProps {
  readonly profile: Profile;
}

/** The postgres container: data on the claim, run and tmp dirs, password file, pg_isready probes. */
function addPostgresContainer(
  scope: Construct,
  statefulSet: kplus.StatefulSet,
  profile: Profile,
  claim: kplus.PersistentVolumeClaim,
  secret: kplus.ISecret,
): void {
  const data = kplus.Volume.fromPersistentVolumeClaim(scope, 'data-volume', claim);
  const [runMiB, tmpMiB] = [16, 256];
  const run = kplus.Volume.fromEmptyDir(scope, 'run', 'run', { sizeLimit: Size.mebibytes(runMiB) });
  const tmp = kplus.Volume.fromEmptyDir(scope, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(tmpMiB) });
  const image = thirdPartyImage(profile, 'postgres');
  const isReady = ['pg_isready', '-U', POSTGRES.user, '-d', POSTGRES.database, '-h', '127.0.0.1'];
  statefulSet.addContainer({
    name: POSTGRES.name,
    image: image.image,
    imagePullPolicy: image.pullPolicy,
    ports: [{ name: 'tcp-postgres', number: POSTGRES.port }],
    envVariables: {
      POSTGRES_DB: kplus.EnvValue.fromValue(POSTGRES.database),
      POSTGRES_USER: kplus.EnvValue.fromValue(POSTGRES.user),
      // The image's entrypoint reads *_FILE variables (docker-entrypoint.sh file_env).
      POSTGRES_PASSWORD_FILE: kplus.EnvValue.fromValue(POSTGRES_PASSWORD_FILE),
      // A subdirectory: the volume's root holds lost+found on many provisioners.
      PGDATA: kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
    },
    resources: containerResources(profile.postgres.resources),
    securityContext: containerSecurity(POSTGRES.uid),
    volumeMounts: [
      { path: '/var/lib/postgresql/data', volume: data },
      { path: '/var/run/postgresql', volume: run },
      { path: '/tmp', volume: tmp },
      ...databaseCredentialsMounts(scope, secret),
    ],
    startup: kplus.Probe.fromCommand(isReady, { periodSeconds: Duration.seconds(2), failureThreshold: 60 }),
    readiness: kplus.Probe.fromCommand(isReady, { periodSeconds: Duration.seconds(5) }),
    // Alive while the server answers at all: pg_isready exits 1 when it rejects connections (start-up,
    // crash recovery, shutdown) and 2 only when nothing answers. A long recovery is not a reason to
    // restart it, so only 2 fails the liveness probe; readiness needs 0.
    liveness: kplus.Probe.fromCommand(['sh', '-c', `${isReady.join(' ')} -q; [ $? -ne 2 ]`], {
      periodSeconds: Duration.seconds(10),
      failureThreshold: 6,
    }),
  });
  podSeccomp(statefulSet);
  ephemeralStorage(statefulSet, runMiB + tmpMiB);
}

export class Postgres extends Construct {
  readonly secret: kplus.ISecret;
  readonly statefulSet: kplus.StatefulSet;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { profile } = props;
    this.secret = kplus.Secret.fromSecretName(this, 'secret', POSTGRES_CREDENTIALS.secret);

    const labels = podLabels(POSTGRES.name, VERSIONS.postgresImage.split(':')[1] ?? 'unknown', 'database');
    const service = new kplus.Service(this, 'service', {
      metadata: { name: POSTGRES.name, labels: { app: POSTGRES.name } },
      clusterIP: 'None',
      ports: [
        {
          name: 'tcp-postgres',
          port: POSTGRES.port,
          targetPort: POSTGRES.port,
          protocol: kplus.Protocol.TCP,
        },
      ],
    });
    service.selectLabel('app', POSTGRES.name);

    const claim = new kplus.PersistentVolumeClaim(this, 'data', {
      metadata: { name: `${POSTGRES.name}-data` },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: Size.gibibytes(Number(profile.postgres.storage.replace('Gi', ''))),
    });

    const serviceAccount = new kplus.ServiceAccount(this, 'sa', {
      metadata: { name: POSTGRES.name },
      automountToken: false,
    });

    this.statefulSet = new kplus.StatefulSet(this, 'statefulset', {
      metadata: {
        name: POSTGRES.name,
        labels,
      },
      service,
      replicas: 1,
      select: false,
      podMetadata: { labels, annotations: sidecarAnnotations(profile.sidecar) },
      serviceAccount,
      automountServiceAccountToken: false,
      terminationGracePeriod: Duration.seconds(60),
      securityContext: {
        ensureNonRoot: true,
        user: POSTGRES.uid,
        group: POSTGRES.uid,
        fsGroup: POSTGRES.uid,
      },
    });
    this.statefulSet.select(kplus.LabelSelector.of({ labels: { app: POSTGRES.name } }));

    addPostgresContainer(this, this.statefulSet, profile, claim, this.secret);
  }
}
