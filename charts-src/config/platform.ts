// Names and ports of the platform the bundle runs on (installed by `make kind-up`) and of the
// platform pieces the bundle itself deploys. Shared by charts, add-on values and tests.
import { NAMESPACE } from '../../catalog/services.ts';

export const MONITORING_NAMESPACE = 'monitoring';
export const ISTIO_NAMESPACE = 'istio-system';
export const INGRESS_NAMESPACE = 'istio-ingress';
/** Helm release name of the gateway chart; the chart names the gateway's Service and its
 * ServiceAccount (the mTLS principal) after the release, and labels its pods istio=ingressgateway. */
export const INGRESS_GATEWAY_RELEASE = 'istio-ingressgateway';
export const INGRESS_GATEWAY_SELECTOR = { istio: 'ingressgateway' } as const;
/** The istio/gateway chart binds port 80 in the pod (it sets ip_unprivileged_port_start=0). */
export const INGRESS_GATEWAY_CONTAINER_PORT = 80;

/** NodePorts that kind-config.yaml maps to the host (http://localhost:8080, :3000). */
export const NODE_PORTS = { ingressHttp: 30080, grafana: 30300 } as const;
export const HOST_PORTS = { ingressHttp: 8080, grafana: 3000 } as const;

export const ISTIOD_XDS_PORT = 15012;
/** Istio's merged Prometheus endpoint (app /metrics + Envoy stats), served by pilot-agent in
 * plaintext outside the mTLS listener, so Prometheus can scrape it under STRICT mTLS. */
export const ISTIO_MERGED_METRICS_PORT = 15020;
export const ISTIO_MERGED_METRICS_PATH = '/stats/prometheus';

export const POSTGRES = {
  name: 'postgres',
  port: 5432,
  database: 'petstore',
  user: 'petstore',
  /** Not the image's own postgres user (999): the official entrypoint runs initdb as any uid, faking
   * the passwd entry with nss_wrapper (docker-entrypoint.sh docker_init_database_dir). */
  uid: 10200,
} as const;
/** The PostgreSQL password lives in one Secret that is never synthesized: `make deploy` creates it
 * with a random password on kind (tools/cluster/db-secret.ts), the operator provides it in
 * production (README, "Security"). Pods read it as a file from a read-only secret volume. */
export const POSTGRES_CREDENTIALS = {
  secret: 'postgres-credentials',
  /** Its one key: the password of POSTGRES.user. */
  passwordKey: 'password',
  /** Directory of the secret volume in every pod that needs it: the file is <mountPath>/<passwordKey>. */
  mountPath: '/var/run/secrets/postgres',
} as const;
export const POSTGRES_PASSWORD_FILE = `${POSTGRES_CREDENTIALS.mountPath}/${POSTGRES_CREDENTIALS.passwordKey}`;
/** The services' DATABASE_URL: no password in it (PGPASSWORD_FILE supplies it, services/kit/config.ts). */
export const POSTGRES_URL = `postgres://${POSTGRES.user}@${POSTGRES.name}.${NAMESPACE}.svc.cluster.local:${POSTGRES.port}/${POSTGRES.database}`;
export const JAEGER = {
  name: 'jaeger',
  collectorService: 'jaeger-collector',
  queryService: 'jaeger-query',
  otlpHttpPort: 4318,
  uiPort: 16686,
  adminPort: 14269,
  uid: 10001,
} as const;

export function clusterUrl(service: string, namespace: string = NAMESPACE, port?: number): string {
  return `http://${service}.${namespace}.svc.cluster.local${port === undefined ? '' : `:${port}`}`;
}

/** Per-pod request rate served by prometheus-adapter from the kit's request histogram. */
export const REQUEST_RATE_METRIC = 'mmf_http_requests_per_second';

/** Uid and gid the service containers run as: the Dockerfile's USER (test/image checks both agree),
 * above 10000 so that it is nobody's on the node. */
export const SERVICE_UID = 10100;

/** The kube-prometheus-stack Grafana sidecar imports ConfigMaps with this label, into the folder the
 * annotation names (values: charts-src/platform/addon-values.ts). */
export const GRAFANA_DASHBOARD_LABEL = { name: 'grafana_dashboard', value: '1' } as const;
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';
export const GRAFANA_FOLDER = 'MMF Petstore';
