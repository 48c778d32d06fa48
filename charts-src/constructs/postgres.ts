// The services' shared PostgreSQL: one StatefulSet pod on a PersistentVolumeClaim, a headless
// Service, and the Secret that holds both the server credentials and the services' DATABASE_URL.
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NAMESPACE } from '../../catalog/services.ts';
import type { Profile } from '../config/profiles.ts';
import { POSTGRES, POSTGRES_SECRET } from '../config/platform.ts';
import { VERSIONS } from '../config/versions.ts';
import {
  containerResources,
  containerSecurity,
  ephemeralStorage,
  sidecarAnnotations,
} from '../lib/hardening.ts';
import { podLabels, scoreExceptions } from '../lib/labels.ts';
import { DATABASE_URL_KEY } from './service-workload.ts';

/** kind gets a fixed development password; production takes it from the synth environment. */
export function databasePassword(profile: Profile, env: NodeJS.ProcessEnv = process.env): string {
  if (profile.name === 'kind') return 'petstore-dev-only';
  return env.PETSTORE_DB_PASSWORD ?? 'change-me-before-apply';
}

export interface PostgresProps {
  readonly profile: Profile;
}

export class Postgres extends Construct {
  readonly secret: kplus.Secret;
  readonly statefulSet: kplus.StatefulSet;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { profile } = props;
    const password = databasePassword(profile);
    const host = `${POSTGRES.name}.${NAMESPACE}.svc.cluster.local`;
    this.secret = new kplus.Secret(this, 'secret', {
      metadata: { name: POSTGRES_SECRET },
      stringData: {
        username: POSTGRES.user,
        password,
        [DATABASE_URL_KEY]: `postgres://${POSTGRES.user}:${password}@${host}:${POSTGRES.port}/${POSTGRES.database}`,
      },
    });

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
        annotations: scoreExceptions({
          'container-security-context-user-group-id':
            "uid/gid 999 is the official postgres image's postgres user, which owns its directories and has the passwd entry initdb needs; another uid is untested on a cluster",
        }),
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

    const data = kplus.Volume.fromPersistentVolumeClaim(this, 'data-volume', claim);
    const [runMiB, tmpMiB] = [16, 256];
    const run = kplus.Volume.fromEmptyDir(this, 'run', 'run', { sizeLimit: Size.mebibytes(runMiB) });
    const tmp = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(tmpMiB) });
    const isReady = ['pg_isready', '-U', POSTGRES.user, '-d', POSTGRES.database, '-h', '127.0.0.1'];
    this.statefulSet.addContainer({
      name: POSTGRES.name,
      image: VERSIONS.postgresImage,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'tcp-postgres', number: POSTGRES.port }],
      envVariables: {
        POSTGRES_DB: kplus.EnvValue.fromValue(POSTGRES.database),
        POSTGRES_USER: kplus.EnvValue.fromSecretValue({ secret: this.secret, key: 'username' }),
        POSTGRES_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: this.secret, key: 'password' }),
        // A subdirectory: the volume's root holds lost+found on many provisioners.
        PGDATA: kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
      },
      resources: containerResources(profile.postgres.resources),
      securityContext: containerSecurity(POSTGRES.uid),
      volumeMounts: [
        { path: '/var/lib/postgresql/data', volume: data },
        { path: '/var/run/postgresql', volume: run },
        { path: '/tmp', volume: tmp },
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
    ephemeralStorage(this.statefulSet, runMiB + tmpMiB);
  }
}
