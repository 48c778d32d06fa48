// Every synthesized object of both profiles validates against the Kubernetes OpenAPI schema or its
// CRD's schema (kubernetes-models). A kind without a registered model fails the test, so a new kind
// cannot slip in unvalidated.
import { VerticalPodAutoscaler } from '@kubernetes-models/autoscaler/autoscaling.k8s.io/v1/VerticalPodAutoscaler';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1/Gateway';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, synthesized } from '../test/charts/synth.ts';
import type { K8sObject } from '../test/charts/synth.ts';

interface Model {
  validate(): void;
}
type ModelClass = { new (data: never): Model; apiVersion: string; kind: string };

const MODELS: ModelClass[] = [
  Namespace,
  Service,
  ServiceAccount,
  ConfigMap,
  PersistentVolumeClaim,
  Deployment,
  StatefulSet,
  Job,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
  VerticalPodAutoscaler,
  ServiceMonitor,
  PrometheusRule,
  DestinationRule,
  VirtualService,
  Gateway,
  PeerAuthentication,
  AuthorizationPolicy,
] as unknown as ModelClass[];

const registry = new Map(MODELS.map((m) => [`${m.apiVersion}/${m.kind}`, m]));

export function validateObject(obj: K8sObject): void {
  const Model = registry.get(`${obj.apiVersion}/${obj.kind}`);
  if (!Model) throw new Error(`no schema model registered for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj as never).validate();
}

describe.each(PROFILE_NAMES)('profile %s', (profile) => {
  const { all } = synthesized(profile);

  it('synthesizes objects of every expected kind', () => {
    const kinds = new Set(all.map((o) => o.kind));
    for (const m of MODELS) expect(kinds, m.kind).toContain(m.kind);
    // Credentials are referenced by name, never synthesized (config/credentials.ts).
    expect(kinds).not.toContain('Secret');
  });

  it('validates every object against its Kubernetes or CRD schema', () => {
    const failures: string[] = [];
    for (const obj of all) {
      try {
        validateObject(obj);
      } catch (error) {
        failures.push(`${obj.kind}/${obj.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives every object a unique kind/namespace/name', () => {
    const keys = all.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(keys.length).toBe(new Set(keys).size);
  });
});

describe('the schema check itself', () => {
  it('rejects an object that breaks its schema', () => {
    const deployment = synthesized('kind').main.find((o) => o.kind === 'Deployment');
    if (!deployment) throw new Error('no Deployment');
    const broken = structuredClone(deployment);
    (broken.spec as Record<string, unknown>).replicas = 'two';
    expect(() => validateObject(broken)).toThrow();
    const vs = synthesized('kind').main.find((o) => o.kind === 'VirtualService');
    if (!vs) throw new Error('no VirtualService');
    const brokenVs = structuredClone(vs);
    (brokenVs.spec as Record<string, unknown>).http = [{ route: [{ destination: { host: 1 } }] }];
    expect(() => validateObject(brokenVs)).toThrow();
  });

  it('rejects a kind nobody registered', () => {
    expect(() =>
      validateObject({ apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'x' } }),
    ).toThrow(/no schema model/);
  });
});
