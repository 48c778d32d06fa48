// What a request through the ingress gateway reaches: the synthesized ingress VirtualService is
// evaluated like Envoy does (first matching prefix, then the rewrite), and the destination's
// AuthorizationPolicy must admit the gateway for the rewritten path and method.
import { describe, expect, it } from 'vitest';
import { find, ofKind, PROFILE_NAMES, synthesized, type K8sObject } from '../test/charts/synth.ts';

interface HttpRoute {
  match?: { uri?: { prefix?: string }; headers?: unknown }[];
  rewrite?: { uri: string };
  route: { destination: { host: string } }[];
}
interface Rule {
  from: { source: { principals: string[] } }[];
  to?: { operation: { paths?: string[]; methods?: string[] } }[];
}

function resolve(
  objects: K8sObject[],
  method: string,
  path: string,
): { service: string; path: string; allowed: boolean } {
  const vs = find(objects, 'VirtualService', 'ingress').spec as { http: HttpRoute[] };
  // Requests without canary headers: skip the header-override routes.
  const route = vs.http.find((r) => {
    if (r.match?.some((m) => m.headers)) return false;
    const prefix = r.match?.[0]?.uri?.prefix;
    return prefix === undefined || path.startsWith(prefix);
  });
  if (!route) throw new Error(`no ingress route for ${path}`);
  const prefix = route.match?.[0]?.uri?.prefix;
  const forwarded = route.rewrite && prefix ? `${route.rewrite.uri}${path.slice(prefix.length)}` : path;
  const service = (route.route[0]?.destination.host ?? '').split('.')[0] as string;
  const policy = ofKind(objects, 'AuthorizationPolicy').find((p) => p.metadata.name === service);
  const rules = ((policy?.spec as { rules?: Rule[] }).rules ?? []).filter((r) =>
    r.from.some((f) => f.source.principals.some((p) => p.includes('istio-ingress'))),
  );
  const glob = (pattern: string): boolean =>
    pattern.endsWith('/*') ? forwarded.startsWith(pattern.slice(0, -1)) : forwarded === pattern;
  const allowed = rules.some(
    (r) =>
      !r.to ||
      r.to.some(
        (t) =>
          (!t.operation.paths || t.operation.paths.some(glob)) &&
          (!t.operation.methods || t.operation.methods.includes(method)),
      ),
  );
  return { service, path: forwarded, allowed };
}

describe.each(PROFILE_NAMES)('ingress routing (%s)', (profile) => {
  const { all } = synthesized(profile);

  it.each([
    ['GET', '/status'],
    ['GET', '/pets/golden-retriever-001'],
    ['POST', '/orders'],
    ['GET', '/orders/ORD-1A2B/payment'],
    ['POST', '/orders/ORD-1A2B/delivery'],
    ['GET', '/orders/ORD-1A2B/tracking'],
  ])('sends the storefront journey step %s %s to the storefront', (method, path) => {
    expect(resolve(all, method, path)).toEqual({ service: 'petstore', path, allowed: true });
  });

  it('gives the k6 Jobs store URLs that reach order and inventory on their own paths', () => {
    const job = ofKind(all, 'Job')[0] as K8sObject;
    const env = Object.fromEntries(
      (
        job.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }
      ).template.spec.containers[0]?.env.map((e) => [e.name, e.value]) ?? [],
    ) as Record<string, string>;
    const viaGateway = (url: string) => new URL(url).pathname.replace(/\/$/, '');
    expect(resolve(all, 'POST', `${viaGateway(env.ORDER_URL as string)}/orders`)).toEqual({
      service: 'order',
      path: '/orders',
      allowed: true,
    });
    expect(resolve(all, 'GET', `${viaGateway(env.ORDER_URL as string)}/orders/ORD-1`)).toEqual({
      service: 'order',
      path: '/orders/ORD-1',
      allowed: true,
    });
    expect(resolve(all, 'GET', `${viaGateway(env.INVENTORY_URL as string)}/stock/SUP-HAY-003`)).toEqual({
      service: 'inventory',
      path: '/stock/SUP-HAY-003',
      allowed: true,
    });
    expect(resolve(all, 'GET', `${viaGateway(env.PETSTORE_URL as string)}/pets`)).toMatchObject({
      service: 'petstore',
      allowed: true,
    });
  });

  it('does not let the gateway do more on the store services than the load scripts need', () => {
    expect(resolve(all, 'POST', '/api/inventory/reservations')).toMatchObject({
      service: 'inventory',
      allowed: false,
    });
    expect(resolve(all, 'POST', '/api/order/admin/faults')).toMatchObject({
      service: 'order',
      allowed: false,
    });
    expect(resolve(all, 'GET', '/api/payment/payments')).toMatchObject({ service: 'petstore' });
  });
});
