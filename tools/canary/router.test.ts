// The local router over HTTP, in front of small upstreams that say who they are: the synthesized
// gateway VirtualService decides, overrides beat weights, weights hold over many requests, patches
// take effect at once, and the router's own failures are the statuses Envoy would answer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../charts-src/config/profiles.ts';
import { freePorts } from '../lib/ports.ts';
import { chartRouting } from './chart-routing.ts';
import { startRouter, type Router } from './router.ts';
import { routerWeights } from './router-weights.ts';
import { seededRandom } from './simulation.ts';
import { withCanaryWeight, type Destination, type VirtualService } from './virtual-service.ts';

const routing = chartRouting(PROFILES.kind, 'petstore');
const ingress = routing.virtualServices.find((v) => v.metadata.name === 'ingress') as VirtualService;

/** An upstream that answers who it is, the path and method it saw, and the body it got. */
async function upstream(name: string, delayMs = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(req.method === 'POST' ? 201 : 200, {
          'content-type': 'application/json',
          'x-served-by': name,
        });
        res.end(JSON.stringify({ name, path: req.url, method: req.method, body }));
      }, delayMs),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let servers: Server[] = [];
let router: Router;
const bases = { stable: '', canary: '', order: '', refused: '' };

beforeAll(async () => {
  const ups = await Promise.all([upstream('stable'), upstream('canary'), upstream('order')]);
  servers = ups.map((u) => u.server);
  [bases.stable, bases.canary, bases.order] = ups.map((u) => u.url) as [string, string, string];
  bases.refused = `http://127.0.0.1:${(await freePorts(1))[0]}`;
  const resolve = (d: Destination): string | undefined => {
    if (d.host.startsWith('petstore.')) return d.subset === 'canary' ? bases.canary : bases.stable;
    if (d.host.startsWith('order.')) return bases.order;
    if (d.host.startsWith('inventory.')) return bases.refused;
    return undefined;
  };
  // Seeded draws: the split below is reproducible (its statistics are tested over 100 000 draws in
  // virtual-service.test.ts); here the point is that the router applies the weights it holds.
  router = await startRouter({ virtualService: ingress, resolve, random: seededRandom(42) });
});

afterAll(async () => {
  await router.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function servedBy(path: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${router.url}${path}`, { headers });
  await res.arrayBuffer();
  return res.headers.get('x-served-by') ?? `status ${res.status}`;
}

/** Distance from the expected share allowed: 3.5 standard deviations of a binomial share. */
const tolerance = (weight: number, n: number): number =>
  350 * Math.sqrt(((weight / 100) * (1 - weight / 100)) / n);

async function canaryShare(n: number): Promise<number> {
  const served = [];
  for (let i = 0; i < n; i += 50) {
    served.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => servedBy('/pets')))));
  }
  return (100 * served.filter((s) => s === 'canary').length) / n;
}

describe('local router', () => {
  it('sends canary: true and user-group: beta to the canary, even at 0 %', async () => {
    router.apply(withCanaryWeight(ingress, routing.split, 0));
    for (let i = 0; i < 20; i++) {
      expect(await servedBy('/pets', { canary: 'true' })).toBe('canary');
      expect(await servedBy('/pets', { 'user-group': 'beta' })).toBe('canary');
      expect(await servedBy('/pets')).toBe('stable');
    }
  });

  it("splits by the weights over 1000 requests, and follows the promoter's patches at once", async () => {
    router.apply(ingress);
    const weights = routerWeights(router, routing.split);
    expect(await weights.read()).toBe(10);
    expect(Math.abs((await canaryShare(1000)) - 10)).toBeLessThan(tolerance(10, 1000));
    await weights.write(70);
    expect(Math.abs((await canaryShare(1000)) - 70)).toBeLessThan(tolerance(70, 1000));
    await weights.write(100);
    expect(await canaryShare(200)).toBe(100);
    expect(await servedBy('/api/order/orders')).toBe('order');
  });

  it('forwards method, body and the rewritten path, and passes the answer through', async () => {
    const res = await fetch(`${router.url}/api/order/orders?x=1`, { method: 'POST', body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ name: 'order', path: '/orders?x=1', method: 'POST', body: '{"a":1}' });
  });

  it('answers 503 when the upstream refuses connections (after the route retries), 404 with no route', async () => {
    const refused = await fetch(`${router.url}/api/inventory/stock`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'upstream_connect_failure' });
    const onlyOrders = { ...ingress, spec: { ...ingress.spec, http: ingress.spec.http.slice(0, 1) } };
    router.apply(onlyOrders);
    const none = await fetch(`${router.url}/pets`);
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: 'no_route' });
    router.apply(ingress);
  });

  it('answers 504 when the upstream is slower than the route timeout', async () => {
    const slow = await upstream('slow', 1000);
    servers.push(slow.server);
    const timed = {
      ...ingress,
      spec: { ...ingress.spec, http: [{ route: [{ destination: { host: 'slow' } }], timeout: '100ms' }] },
    };
    const r = await startRouter({ virtualService: timed, resolve: () => slow.url });
    try {
      const res = await fetch(`${r.url}/`);
      expect(res.status).toBe(504);
      expect(await res.json()).toMatchObject({ error: 'upstream_timeout' });
    } finally {
      await r.close();
    }
  });
});
