// What the ingress gateway exposes. The storefront takes everything; the store API's entry points
// are exposed by path so the k6 Jobs (which run outside the mesh, without a sidecar, and so cannot
// speak mTLS to the services directly) reach order and inventory the way the load scripts expect.
// AuthorizationPolicies admit the gateway only for these paths and methods.
import type { ServiceName } from '../../catalog/services.ts';

export interface IngressRoute {
  readonly service: ServiceName;
  /** Path prefix routed to the service; '/' = everything not matched before. */
  readonly prefix: string;
  /** Methods the gateway may use on this service; undefined = any. */
  readonly methods?: readonly string[];
}

/** Order matters: first match wins, the catch-all storefront comes last. */
export const INGRESS_ROUTES: readonly IngressRoute[] = [
  { service: 'order', prefix: '/orders', methods: ['GET', 'POST'] },
  { service: 'inventory', prefix: '/stock', methods: ['GET'] },
  { service: 'petstore', prefix: '/' },
];

export function ingressRoutesOf(service: ServiceName): IngressRoute[] {
  return INGRESS_ROUTES.filter((r) => r.service === service);
}
