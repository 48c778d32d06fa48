// Who may talk to whom, derived from the catalog's call graph. NetworkPolicies (L3/L4) and Istio
// AuthorizationPolicies (identity) are both rendered from these functions, so they cannot drift.
import { callersOf, CLUSTER_CONTAINER_PORT, SERVICE_NAMES, SERVICES } from '../../catalog/services.ts';
import type { ServiceName } from '../../catalog/services.ts';
import {
  INGRESS_GATEWAY_CONTAINER_PORT,
  INGRESS_GATEWAY_SELECTOR,
  INGRESS_NAMESPACE,
  ISTIO_MERGED_METRICS_PORT,
  ISTIO_NAMESPACE,
  ISTIOD_XDS_PORT,
  JAEGER,
  MONITORING_NAMESPACE,
  POSTGRES,
} from '../config/platform.ts';
import { INGRESS_ROUTES } from '../config/ingress.ts';
import { DNS_RULE } from './network-policy.ts';
import type { PolicyRule, WorkloadPolicy } from './network-policy.ts';

/** Services reachable from outside the cluster through the ingress gateway. */
export const INGRESS_EXPOSED: readonly ServiceName[] = [...new Set(INGRESS_ROUTES.map((r) => r.service))];
/** Label of the k6 load pods (outside the mesh; they reach the storefront through the gateway). */
export const LOAD_APP = 'k6';

const tcp = (port: number) => ({ port, protocol: 'TCP' as const });

const MONITORING_RULE: PolicyRule = {
  peer: { kind: 'namespace', namespace: MONITORING_NAMESPACE },
  ports: [tcp(ISTIO_MERGED_METRICS_PORT)],
};
const ISTIOD_RULE: PolicyRule = {
  peer: { kind: 'namespace', namespace: ISTIO_NAMESPACE },
  ports: [tcp(ISTIOD_XDS_PORT)],
};
const TRACES_RULE: PolicyRule = {
  peer: { kind: 'app', app: JAEGER.name },
  ports: [tcp(JAEGER.otlpHttpPort)],
};
const GATEWAY_PEER = {
  kind: 'namespace',
  namespace: INGRESS_NAMESPACE,
  podLabels: { ...INGRESS_GATEWAY_SELECTOR },
} as const;

export function serviceNetworkPolicy(name: ServiceName): WorkloadPolicy {
  const spec = SERVICES[name];
  const ingress: PolicyRule[] = callersOf(name).map((caller) => ({
    peer: { kind: 'app', app: caller },
    ports: [tcp(CLUSTER_CONTAINER_PORT)],
  }));
  if (INGRESS_EXPOSED.includes(name))
    ingress.push({ peer: GATEWAY_PEER, ports: [tcp(CLUSTER_CONTAINER_PORT)] });
  ingress.push(MONITORING_RULE);
  const egress: PolicyRule[] = spec.calls.map((call) => ({
    peer: { kind: 'app', app: call.to },
    ports: [tcp(CLUSTER_CONTAINER_PORT)],
  }));
  if (spec.stateful) egress.push({ peer: { kind: 'app', app: POSTGRES.name }, ports: [tcp(POSTGRES.port)] });
  egress.push(TRACES_RULE, DNS_RULE, ISTIOD_RULE);
  return { name, podSelector: { app: name }, ingress, egress };
}

export const STATEFUL_SERVICES: readonly ServiceName[] = SERVICE_NAMES.filter((n) => SERVICES[n].stateful);

export function postgresNetworkPolicy(): WorkloadPolicy {
  return {
    name: POSTGRES.name,
    podSelector: { app: POSTGRES.name },
    ingress: [
      ...STATEFUL_SERVICES.map((app) => ({
        peer: { kind: 'app', app } as const,
        ports: [tcp(POSTGRES.port)],
      })),
    ],
    egress: [DNS_RULE, ISTIOD_RULE],
  };
}

export function jaegerNetworkPolicy(): WorkloadPolicy {
  return {
    name: JAEGER.name,
    podSelector: { app: JAEGER.name },
    ingress: [
      ...SERVICE_NAMES.map((app) => ({
        peer: { kind: 'app', app } as const,
        ports: [tcp(JAEGER.otlpHttpPort)],
      })),
      MONITORING_RULE,
    ],
    egress: [DNS_RULE, ISTIOD_RULE],
  };
}

export function loadNetworkPolicy(): WorkloadPolicy {
  return {
    name: LOAD_APP,
    podSelector: { app: LOAD_APP },
    ingress: [],
    egress: [{ peer: GATEWAY_PEER, ports: [tcp(INGRESS_GATEWAY_CONTAINER_PORT)] }, DNS_RULE],
  };
}

/** Istio principals (SPIFFE ids) allowed to call a service: its callers' service accounts. */
export function principal(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}
