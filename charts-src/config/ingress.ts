// What the ingress gateway exposes. The storefront takes everything, including its own /orders
// routes (checkout, payment, delivery, tracking). The store API's entry points are exposed under
// /api/<service>/ with that prefix stripped, so the k6 Jobs (which run outside the mesh, without a
// sidecar, and so cannot speak mTLS to the services directly) reach order and inventory the way the
// load scripts expect, without shadowing the storefront's paths. AuthorizationPolicies admit the
// gateway only for these paths and methods.
import type { ServiceName } from '../../catalog/services.ts';

export interface IngressRoute {
  readonly service: ServiceName;
  /** Path prefix matched at the gateway; '/' = everything not matched before. */
  readonly prefix: string;
  /** The gateway replaces the prefix with '/' before forwarding: the service sees its own paths. */
  readonly stripPrefix?: boolean;
  /** The service's own paths the gateway may ask for (after stripping); undefined = any. */
  readonly paths?: readonly string[];
  /** Methods the gateway may use on this service; undefined = any. */
  readonly methods?: readonly string[];
}

/** Order matters: first match wins, the catch-all storefront comes last. */
export const INGRESS_ROUTES: readonly IngressRoute[] = [
  {
    service: 'order',
    prefix: '/api/order/',
    stripPrefix: true,
    paths: ['/orders', '/orders/*'],
    methods: ['GET', 'POST'],
  },
  {
    service: 'inventory',
    prefix: '/api/inventory/',
    stripPrefix: true,
    paths: ['/stock', '/stock/*'],
    methods: ['GET'],
  },
  { service: 'petstore', prefix: '/' },
];

export function ingressRoutesOf(service: ServiceName): IngressRoute[] {
  return INGRESS_ROUTES.filter((r) => r.service === service);
}

/** Base URL under which a service's own paths are reached through the gateway. */
export function ingressBaseUrl(gateway: string, service: ServiceName): string {
  const route = ingressRoutesOf(service)[0];
  if (!route) throw new Error(`${service} is not exposed through the ingress gateway`);
  return route.stripPrefix ? `${gateway}${route.prefix.replace(/\/$/, '')}` : gateway;
}
