// The Secrets the bundle's pods read. None is ever synthesized (dist/ holds no credential): on kind,
// `make kind-up` and `make deploy` generate them with random values at deploy time and keep them
// across redeploys; in production the operator provides them (README, "Security"), and `make
// deploy` stops, saying how, when one is missing. tools/cluster/secrets.ts does both.
import { NAMESPACE } from '../../catalog/services.ts';
import { MONITORING_NAMESPACE, POSTGRES, POSTGRES_CREDENTIALS } from './platform.ts';

export interface ClusterSecret {
  readonly namespace: string;
  readonly name: string;
  /** Every key the consumers read: `random` is generated (kind), a string is a fixed, non-secret value. */
  readonly keys: Readonly<Record<string, 'random' | { readonly value: string }>>;
  /** What it is for, in the message that asks an operator to create it. */
  readonly purpose: string;
}

export const DATABASE_SECRET: ClusterSecret = {
  namespace: NAMESPACE,
  name: POSTGRES_CREDENTIALS.secret,
  keys: { [POSTGRES_CREDENTIALS.passwordKey]: 'random' },
  purpose: `the PostgreSQL password of user ${POSTGRES.user} (server and services read it as a file)`,
};

/** Keys the kube-prometheus-stack Grafana reads its admin login from (addon-values.ts). */
export const GRAFANA_ADMIN_KEYS = { userKey: 'admin-user', passwordKey: 'admin-password' } as const;
export const GRAFANA_ADMIN_SECRET: ClusterSecret = {
  namespace: MONITORING_NAMESPACE,
  name: 'grafana-admin',
  keys: { [GRAFANA_ADMIN_KEYS.userKey]: { value: 'admin' }, [GRAFANA_ADMIN_KEYS.passwordKey]: 'random' },
  purpose: 'the Grafana admin login of the kind cluster',
};

/** The Secrets each make target makes sure of before it installs what reads them. */
export const SECRETS_BY_STEP = {
  'kind-up': [GRAFANA_ADMIN_SECRET],
  deploy: [DATABASE_SECRET],
} as const satisfies Record<string, readonly ClusterSecret[]>;
export type SecretStep = keyof typeof SECRETS_BY_STEP;
