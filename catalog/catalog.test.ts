import { describe, expect, it } from 'vitest';
import { callersOf, METRICS, ML_MAX_PROCESSING_P95_MS, SERVICE_NAMES, SERVICES } from './index.ts';

describe('service catalog', () => {
  it('gives every service a distinct local port', () => {
    const ports = SERVICE_NAMES.map((n) => SERVICES[n].localPort);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('has an acyclic call graph that only names known services', () => {
    const visiting = new Set<string>();
    const visit = (name: (typeof SERVICE_NAMES)[number], path: string[]): void => {
      expect(path, `cycle through ${name}`).not.toContain(name);
      visiting.add(name);
      for (const call of SERVICES[name].calls) {
        expect(SERVICE_NAMES).toContain(call.to);
        visit(call.to, [...path, name]);
      }
    };
    for (const name of SERVICE_NAMES) visit(name, []);
  });

  it('derives callers from the call graph', () => {
    expect(callersOf('payment')).toEqual(['order']);
    expect(callersOf('order')).toEqual(['petstore']);
    expect(callersOf('petstore')).toEqual([]);
  });

  it('keeps scaling bounds ordered', () => {
    for (const name of SERVICE_NAMES) {
      const { kind, production } = SERVICES[name].scaling;
      expect(kind.minReplicas).toBeLessThanOrEqual(kind.maxReplicas);
      expect(production.minReplicas).toBeGreaterThanOrEqual(2);
    }
  });

  it('defines metric names once, in Prometheus form, without reserved labels', () => {
    const names = Object.values(METRICS).map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of Object.values(METRICS)) {
      expect(m.name).toMatch(/^mmf_[a-z_]+$/);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      for (const label of m.labels) {
        expect(['job', 'instance', 'namespace', 'pod', 'service', 'app', 'version']).not.toContain(label);
      }
    }
  });
});

describe('objectives', () => {
  it('puts a histogram bucket bound exactly on every latency objective', () => {
    const bounds = (key: 'httpServerDuration' | 'recommendationDuration') => METRICS[key].buckets ?? [];
    for (const name of SERVICE_NAMES) {
      expect(bounds('httpServerDuration'), name).toContain(SERVICES[name].slo.p95Ms / 1000);
    }
    expect(bounds('recommendationDuration')).toContain(ML_MAX_PROCESSING_P95_MS / 1000);
  });

  it('keeps objectives meaningful: availability and latency targets are shares below 100 %', () => {
    for (const name of SERVICE_NAMES) {
      const { availabilityPercent, latencyPercent } = SERVICES[name].slo;
      expect(availabilityPercent).toBeGreaterThan(90);
      expect(availabilityPercent).toBeLessThan(100);
      expect(latencyPercent).toBeGreaterThan(50);
      expect(latencyPercent).toBeLessThan(100);
    }
  });
});

describe('product catalog', () => {
  it('has unique SKUs with prices from $5 to $2000 and the five seed pets', async () => {
    const { PRODUCTS, PETS, SUPPLIES } = await import('./products.ts');
    const skus = PRODUCTS.map((p) => p.sku);
    expect(new Set(skus).size).toBe(skus.length);
    for (const p of PRODUCTS) {
      expect(p.price).toBeGreaterThanOrEqual(5);
      expect(p.price).toBeLessThanOrEqual(2000);
      expect(p.initialStock).toBeGreaterThan(0);
    }
    expect(SUPPLIES.length).toBeGreaterThanOrEqual(10);
    expect(PETS.slice(0, 5).map((p) => p.id)).toEqual([
      'golden-retriever-001',
      'persian-cat-002',
      'rabbit-fluffy-003',
      'bearded-dragon-004',
      'canary-sunny-005',
    ]);
  });
});
