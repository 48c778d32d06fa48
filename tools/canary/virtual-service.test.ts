// The VirtualService semantics the local router and the promoter rely on, on the objects the charts
// synthesize for the kind profile (the ones `make deploy` applies).
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../charts-src/config/profiles.ts';
import { chartRouting } from './chart-routing.ts';
import { seededRandom } from './simulation.ts';
import {
  canaryWeightOf,
  parseVirtualService,
  pickDestination,
  rewrittenPath,
  selectRoute,
  withCanaryWeight,
  type RequestInfo,
  type VirtualService,
} from './virtual-service.ts';

const routing = chartRouting(PROFILES.kind, 'petstore');
const byName = (name: string): VirtualService => {
  const vs = routing.virtualServices.find((v) => v.metadata.name === name);
  if (!vs) throw new Error(`no VirtualService ${name}`);
  return vs;
};
const mesh = byName('petstore');
const ingress = byName('ingress');
const req = (path: string, headers: Record<string, string> = {}, sourceLabels = {}): RequestInfo => ({
  method: 'GET',
  path,
  headers,
  sourceLabels,
});
const subsetFor = (vs: VirtualService, r: RequestInfo, random = () => 0.5) => {
  const choice = selectRoute(vs, r);
  return choice && pickDestination(choice.route, random);
};

/** Observed canary share (percent) over n weighted draws. */
function canaryShare(vs: VirtualService, n: number, seed: number): number {
  const random = seededRandom(seed);
  let canary = 0;
  for (let i = 0; i < n; i++) if (subsetFor(vs, req('/pets'), random)?.subset === 'canary') canary++;
  return (100 * canary) / n;
}

describe('the synthesized routing of petstore', () => {
  it('has the mesh and the gateway VirtualService, subsets by version, and the profile weight', () => {
    expect(routing.virtualServices.map((v) => v.metadata.name).sort()).toEqual(['ingress', 'petstore']);
    expect(routing.subsets).toEqual({
      stable: PROFILES.kind.stableVersion,
      canary: PROFILES.kind.canaries.petstore?.version,
    });
    for (const vs of routing.virtualServices) {
      expect(canaryWeightOf(vs, routing.split)).toBe(PROFILES.kind.canaries.petstore?.weight);
    }
  });
});

describe('route selection', () => {
  it('sends the override headers to the canary before any weight, whatever the draw', () => {
    for (const vs of [mesh, ingress]) {
      for (const draw of [0, 0.5, 0.999]) {
        expect(subsetFor(vs, req('/pets', { canary: 'true' }), () => draw)?.subset).toBe('canary');
        expect(subsetFor(vs, req('/pets', { 'user-group': 'beta' }), () => draw)?.subset).toBe('canary');
      }
      // Exact matches only: other values fall through to the weighted route.
      expect(selectRoute(vs, req('/pets', { canary: 'True' }))?.route.name).toBe('weighted');
      expect(selectRoute(vs, req('/pets', { 'user-group': 'beta-2' }))?.route.name).toBe('weighted');
      expect(subsetFor(withCanaryWeight(vs, routing.split, 0), req('/', { canary: 'true' }))?.subset).toBe(
        'canary',
      );
    }
  });

  it('routes the gateway paths first, with the prefix rewritten', () => {
    const order = selectRoute(ingress, req('/api/order/orders?limit=5', { canary: 'true' }));
    expect(order?.route.route[0]?.destination.host).toBe('order.petstore.svc.cluster.local');
    expect(order && rewrittenPath(order, '/api/order/orders?limit=5')).toBe('/orders?limit=5');
    const pets = selectRoute(ingress, req('/pets?category=dog'));
    expect(pets && rewrittenPath(pets, '/pets?category=dog')).toBe('/pets?category=dog');
  });

  it('matches sourceLabels against the calling workload only', () => {
    const order = chartRouting(PROFILES.kind, 'order').virtualServices.find(
      (v) => v.metadata.name === 'order',
    );
    if (!order) throw new Error('no order VirtualService');
    const fromPetstore = selectRoute(order, req('/orders', {}, { app: 'petstore' }));
    const fromOutside = selectRoute(order, req('/orders'));
    expect(fromPetstore?.matched?.sourceLabels).toEqual({ app: 'petstore' });
    expect(fromPetstore?.route.timeout).toBeDefined();
    expect(fromOutside?.matched).toBeUndefined();
  });
});

describe('weights', () => {
  it('are observed within half a point over 100 000 draws, at every step of a promotion', () => {
    for (const weight of [10, 30, 50]) {
      const vs = withCanaryWeight(mesh, routing.split, weight);
      expect(Math.abs(canaryShare(vs, 100_000, weight) - weight)).toBeLessThan(0.5);
    }
    expect(canaryShare(withCanaryWeight(mesh, routing.split, 100), 10_000, 1)).toBe(100);
    expect(canaryShare(withCanaryWeight(mesh, routing.split, 0), 10_000, 1)).toBe(0);
  });

  it('change only in the split routes when patched', () => {
    const patched = withCanaryWeight(ingress, routing.split, 30);
    expect(canaryWeightOf(patched, routing.split)).toBe(30);
    const changed = patched.spec.http.filter(
      (r, i) => JSON.stringify(r) !== JSON.stringify(ingress.spec.http[i]),
    );
    expect(changed.map((r) => r.route.map((d) => `${d.destination.subset}:${d.weight}`))).toEqual([
      ['stable:70', 'canary:30'],
    ]);
    expect(() => withCanaryWeight(ingress, routing.split, 101)).toThrow(/not 0..100/);
  });

  it('are refused when absent or inconsistent', () => {
    const order = chartRouting(PROFILES.kind, 'order').virtualServices[0];
    if (!order) throw new Error('no order VirtualService');
    expect(() => canaryWeightOf(order, routing.split)).toThrow(/splits no traffic/);
    const [first, ...rest] = withCanaryWeight(ingress, routing.split, 30).spec.http;
    const mixed = { ...ingress, spec: { ...ingress.spec, http: [...ingress.spec.http, first!, ...rest] } };
    expect(() => canaryWeightOf(mixed, routing.split)).toThrow(/disagree \(canary 10 vs 30 %\)/);
  });
});

describe('parseVirtualService', () => {
  it('refuses rules the router would not honour, naming them', () => {
    const withQuery = structuredClone(mesh) as { spec: { http: { match?: object[] }[] } };
    withQuery.spec.http[0]!.match = [{ queryParams: { a: { exact: 'b' } } }];
    expect(() => parseVirtualService(withQuery)).toThrow(
      /spec\.http\.0\.match\.0: Unrecognized key: "queryParams"/,
    );
    const mirrored = structuredClone(mesh) as { spec: { http: object[] } };
    mirrored.spec.http[2] = { ...mirrored.spec.http[2], mirror: { host: 'x' } };
    expect(() => parseVirtualService(mirrored)).toThrow(/mirror/);
  });
});
