import { describe, expect, test } from 'vitest';
import { FIELD_MANAGERS } from '../../catalog/index.ts';
import { type KubeObject, describeWeights, planRouting, promoterOwnsRouting } from './routing-ownership.ts';

const http = [
  {
    name: 'weighted',
    route: [
      { destination: { subset: 'stable' }, weight: 70 },
      { destination: { subset: 'canary' }, weight: 30 },
    ],
  },
];
const vs = (name: string, managers: string[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: {
    name,
    namespace: 'petstore',
    managedFields: managers.map((manager) => ({
      manager,
      operation: 'Apply',
      fieldsV1:
        manager === FIELD_MANAGERS.promoter
          ? { 'f:spec': { 'f:http': {} } }
          : { 'f:spec': { 'f:hosts': {} } },
    })),
  },
  spec: { hosts: [name], http },
});

describe('VirtualService routing ownership', () => {
  test('the promoter owns routing only when its manager holds spec.http', () => {
    expect(promoterOwnsRouting(vs('a', [FIELD_MANAGERS.deploy, FIELD_MANAGERS.promoter]))).toBe(true);
    expect(promoterOwnsRouting(vs('a', [FIELD_MANAGERS.deploy]))).toBe(false);
    const elsewhere = vs('a', []);
    elsewhere.metadata!.managedFields = [
      { manager: FIELD_MANAGERS.promoter, fieldsV1: { 'f:metadata': {} } },
    ];
    expect(promoterOwnsRouting(elsewhere)).toBe(false);
  });

  test('deploy leaves out spec.http of promoter-owned VirtualServices and nothing else', () => {
    const synthesized: KubeObject[] = [
      { ...vs('order', []), spec: { hosts: ['order'], http: [] } },
      { ...vs('petstore', []), spec: { hosts: ['petstore'], http: [] } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'petstore', namespace: 'petstore' },
        spec: { http: 1 },
      },
    ];
    const live = [
      vs('petstore', [FIELD_MANAGERS.deploy, FIELD_MANAGERS.promoter]),
      vs('order', [FIELD_MANAGERS.deploy]),
    ];
    const plan = planRouting(synthesized, live);
    expect(plan.objects.map((o) => o.spec)).toEqual([
      { hosts: ['order'], http: [] },
      { hosts: ['petstore'] },
      { http: 1 },
    ]);
    expect(plan.kept).toEqual([{ name: 'petstore/petstore', weights: 'weighted: stable=70 canary=30' }]);
  });

  test('nothing live (first deploy, or RESET_ROUTES=1): everything is applied as synthesized', () => {
    const synthesized = [vs('petstore', [])];
    expect(planRouting(synthesized, [])).toEqual({ objects: synthesized, kept: [] });
    expect(describeWeights(vs('x', []))).toBe('weighted: stable=70 canary=30');
  });
});
