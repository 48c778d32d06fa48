import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../catalog/services.ts';
import { PROFILES } from './config/profiles.ts';
import { VERSIONS } from './config/versions.ts';
import {
  checkAuthorizationPolicies,
  checkAutoscalers,
  checkBudget,
  checkContainers,
  checkDrainable,
  checkNetworkPolicies,
  checkPodSecurity,
  checkProductionAvailability,
  checkServiceContract,
  checkServiceSelectors,
  checkTrafficRouting,
  template,
  totalRequests,
} from '../test/charts/invariants.ts';
import { find, ofKind, PROFILE_NAMES, synthesized, synthProfile } from '../test/charts/synth.ts';
import type { K8sObject } from '../test/charts/synth.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A deep copy of a profile's objects, to break on purpose. */
function copyOf(profile: 'kind' | 'production'): K8sObject[] {
  return structuredClone(synthesized(profile).all);
}

const spec = (o: K8sObject) => o.spec as Json;

describe.each(PROFILE_NAMES)('profile %s invariants', (profile) => {
  const { main, load, all } = synthesized(profile);

  it('Service selectors match pod labels and target declared ports', () => {
    expect(checkServiceSelectors(all)).toEqual([]);
  });
  it('every HPA targets an existing Deployment that sets no replicas', () => {
    expect(checkAutoscalers(all)).toEqual([]);
    expect(ofKind(all, 'HorizontalPodAutoscaler')).toHaveLength(SERVICE_NAMES.length);
  });
  it('VirtualService weights sum to 100 and subsets exist and match pods', () => {
    expect(checkTrafficRouting(all)).toEqual([]);
  });
  it('NetworkPolicies allow exactly the call graph plus monitoring and ingress', () => {
    expect(checkNetworkPolicies(all)).toEqual([]);
  });
  it('AuthorizationPolicies allow exactly the callers and mTLS is STRICT', () => {
    expect(checkAuthorizationPolicies(all)).toEqual([]);
  });
  it('every container has probes, resources, non-root, read-only root fs, no capabilities', () => {
    expect(checkContainers(all)).toEqual([]);
  });
  it('the namespace enforces Pod Security restricted (pinned) and every pod sets seccomp and non-root', () => {
    expect(VERSIONS.kubernetesMinor).toBe('v1.34');
    expect(checkPodSecurity(all, VERSIONS.kubernetesMinor)).toEqual([]);
  });
  it('ports, URLs, versions, database and trace endpoint agree with the catalog and contract', () => {
    expect(checkServiceContract(all)).toEqual([]);
  });
  it('PDBs allow a node drain', () => {
    expect(checkDrainable(all)).toEqual([]);
  });
  it('fits the profile request budget', () => {
    expect(checkBudget(PROFILES[profile], main, load)).toEqual([]);
  });
});

describe('profile specifics', () => {
  it('kind fits 4 CPU / 6 GiB even with every HPA at its maximum', () => {
    const { main, load } = synthesized('kind');
    const { atMin, atMax } = totalRequests(main, load);
    expect(atMax.cpuMillis).toBeLessThanOrEqual(4000);
    expect(atMax.memoryMiB).toBeLessThanOrEqual(6144);
    // Sanity: the count includes sidecars, postgres, jaeger, the canary and a load Job.
    expect(atMin.cpuMillis).toBeGreaterThan(1000);
  });

  it('production runs at least 2 pods per service track and keeps drains possible', () => {
    expect(checkProductionAvailability(synthesized('production').all)).toEqual([]);
    expect(checkProductionAvailability(synthesized('kind').all).length).toBeGreaterThan(0);
  });

  it('production disables faults; kind enables them', () => {
    const faults = (p: 'kind' | 'production') =>
      ofKind(synthesized(p).main, 'Deployment')
        .flatMap((d) => template(d).spec.containers)
        .flatMap((c) => c.env ?? [])
        .filter((e) => e.name === 'FAULTS_ENABLED')
        .map((e) => e.value);
    expect(new Set(faults('production'))).toEqual(new Set(['false']));
    expect(new Set(faults('kind'))).toEqual(new Set(['true']));
  });

  it('petstore runs stable and canary pods with the version as SERVICE_VERSION and image tag', () => {
    const { main } = synthesized('kind');
    const stable = template(find(main, 'Deployment', 'petstore'));
    const canary = template(find(main, 'Deployment', 'petstore-canary'));
    expect(stable.metadata.labels?.version).toBe(PROFILES.kind.stableVersion);
    expect(canary.metadata.labels?.version).toBe(PROFILES.kind.canaries.petstore?.version);
    expect(canary.spec.containers[0]?.image).toBe(`mmf-petstore:${PROFILES.kind.canaries.petstore?.version}`);
  });

  it('any service can get a canary from the profile', () => {
    const profile = { ...PROFILES.kind, canaries: { order: { version: '0.3.0', weight: 30 } } };
    const { all } = synthProfile(profile);
    expect(all.some((o) => o.kind === 'Deployment' && o.metadata.name === 'order-canary')).toBe(true);
    expect(all.some((o) => o.kind === 'Deployment' && o.metadata.name === 'petstore-canary')).toBe(false);
    expect(checkTrafficRouting(all)).toEqual([]);
    const vs = find(all, 'VirtualService', 'order');
    const weighted = (spec(vs).http as Json[]).filter((r) => r.name === 'weighted');
    for (const r of weighted) expect(r.route.map((d: Json) => d.weight)).toEqual([70, 30]);
    const overrides = (spec(vs).http as Json[]).filter((r) => r.name !== 'weighted');
    expect(overrides.map((r) => Object.keys(r.match[0].headers)[0])).toContain('user-group');
  });

  it('routes carry each caller edge timeout and retries from the catalog', () => {
    const vs = find(synthesized('kind').main, 'VirtualService', 'payment');
    const fromOrder = (spec(vs).http as Json[]).find((r) => r.match?.[0]?.sourceLabels?.app === 'order');
    // catalog: order -> payment 5000 ms per attempt, 2 retries
    expect(fromOrder?.retries).toMatchObject({ attempts: 2, perTryTimeout: '5s' });
    expect(fromOrder?.timeout).toBe('15s');
  });

  it('load Jobs run outside the mesh from a ConfigMap script and are not part of the deploy set', () => {
    const { main, load } = synthesized('kind');
    expect(ofKind(main, 'Job')).toEqual([]);
    const jobs = ofKind(load, 'Job');
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    for (const job of jobs) {
      const t = template(job);
      expect(t.metadata.labels?.['sidecar.istio.io/inject']).toBe('false');
      const volumes = (t.spec.volumes ?? []) as Json[];
      const cm = volumes.find((v) => v.configMap)?.configMap.name as string;
      const data = find(load, 'ConfigMap', cm);
      expect({ ...(data.data as Json), ...(data.binaryData as Json) }).toHaveProperty([
        (t.spec.containers[0]?.args as string[]).at(-1)?.split('/').at(-1) as string,
      ]);
    }
  });
});

describe('each invariant check fails when its invariant breaks', () => {
  it('service selector', () => {
    const objs = copyOf('kind');
    spec(find(objs, 'Service', 'order')).selector = { app: 'orders' };
    expect(checkServiceSelectors(objs)).toContain('Service/order selects no pods');
  });

  it('HPA target with replicas', () => {
    const objs = copyOf('kind');
    spec(find(objs, 'Deployment', 'inventory')).replicas = 3;
    expect(checkAutoscalers(objs)).toEqual([
      'HorizontalPodAutoscaler/inventory target inventory sets replicas',
    ]);
  });

  it('weights and subsets', () => {
    const objs = copyOf('kind');
    const vs = find(objs, 'VirtualService', 'petstore');
    const weighted = (spec(vs).http as Json[]).at(-1) as Json;
    weighted.route[0].weight = 80;
    weighted.route[1].destination.subset = 'beta';
    const violations = checkTrafficRouting(objs);
    expect(violations.some((v) => v.includes('weights sum to 90'))).toBe(true);
    expect(violations.some((v) => v.includes('subset beta'))).toBe(true);
  });

  it('network policy with an edge the catalog does not have, or missing one', () => {
    const objs = copyOf('kind');
    const payment = find(objs, 'NetworkPolicy', 'payment');
    (spec(payment).ingress as Json[]).push({
      from: [{ podSelector: { matchLabels: { app: 'petstore' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
    const order = find(objs, 'NetworkPolicy', 'order');
    spec(order).egress = (spec(order).egress as Json[]).filter(
      (r) => r.to[0].podSelector?.matchLabels?.app !== 'inventory',
    );
    const violations = checkNetworkPolicies(objs);
    expect(violations.some((v) => v.startsWith('payment ingress'))).toBe(true);
    expect(violations.some((v) => v.startsWith('order egress'))).toBe(true);
  });

  it('network policy without default deny', () => {
    const objs = copyOf('kind').filter((o) => o.metadata.name !== 'default-deny-all');
    expect(checkNetworkPolicies(objs)).toContain('no default-deny policy for ingress and egress');
  });

  it('authorization policy that admits a non-caller', () => {
    const objs = copyOf('kind');
    const ap = find(objs, 'AuthorizationPolicy', 'inventory');
    (spec(ap).rules as Json[])[0]?.from[0].source.principals.push('cluster.local/ns/petstore/sa/ml-advisor');
    expect(checkAuthorizationPolicies(objs)).toEqual([
      'inventory principals ["cluster.local/ns/petstore/sa/ml-advisor","cluster.local/ns/petstore/sa/order","cluster.local/ns/petstore/sa/petstore"] != ["cluster.local/ns/petstore/sa/order","cluster.local/ns/petstore/sa/petstore"]',
    ]);
  });

  it('authorization policy that opens more of a service to the gateway', () => {
    const objs = copyOf('kind');
    const ap = find(objs, 'AuthorizationPolicy', 'inventory');
    const gatewayRule = (spec(ap).rules as Json[])[1] as Json;
    gatewayRule.to[0].operation.methods.push('POST');
    expect(checkAuthorizationPolicies(objs)[0]).toMatch(/^inventory gateway rule/);
  });

  it('container hardening', () => {
    const objs = copyOf('kind');
    const c = template(find(objs, 'Deployment', 'payment')).spec.containers[0] as Json;
    delete c.readinessProbe;
    c.securityContext.readOnlyRootFilesystem = false;
    delete c.resources.limits.memory;
    c.securityContext.runAsUser = 1000;
    expect(checkContainers(objs)).toEqual([
      'Deployment/payment/payment lacks probes',
      'Deployment/payment/payment has no memory limits',
      'Deployment/payment/payment has a writable root fs',
      'Deployment/payment/payment runs as uid/gid 1000/10100, not above 10000',
    ]);
  });

  it('contract: wrong version or downstream URL', () => {
    const objs = copyOf('kind');
    const c = template(find(objs, 'Deployment', 'petstore-canary')).spec.containers[0] as Json;
    c.env.find((e: Json) => e.name === 'SERVICE_VERSION').value = '0.1.0';
    c.env.find((e: Json) => e.name === 'ORDER_URL').value = 'http://order.petstore.svc.cluster.local:8001';
    const violations = checkServiceContract(objs);
    expect(violations.some((v) => v.includes('SERVICE_VERSION'))).toBe(true);
    expect(violations.some((v) => v.includes('ORDER_URL'))).toBe(true);
  });

  it('contract: a password in DATABASE_URL, or PGPASSWORD_FILE outside a secret volume', () => {
    const objs = copyOf('production');
    const c = template(find(objs, 'Deployment', 'order')).spec.containers[0] as Json;
    const url = c.env.find((e: Json) => e.name === 'DATABASE_URL');
    url.value = String(url.value).replace('petstore@', 'petstore:x@');
    c.env.find((e: Json) => e.name === 'PGPASSWORD_FILE').value = '/tmp/password';
    expect(checkServiceContract(objs)).toEqual([
      'Deployment/order DATABASE_URL carries a password',
      'Deployment/order PGPASSWORD_FILE=/tmp/password is not a file of a read-only secret volume',
    ]);
  });

  it('pod security: a namespace label dropped, a pod without seccomp', () => {
    const objs = copyOf('kind');
    const ns = find(objs, 'Namespace', 'petstore');
    delete ns.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    delete (template(find(objs, 'Job', 'k6-baseline')).spec.securityContext as Json).seccompProfile;
    expect(checkPodSecurity(objs, 'v1.34')).toEqual([
      'Namespace/petstore does not enforce restricted',
      'Job/k6-baseline pod has no RuntimeDefault seccomp',
    ]);
    expect(checkPodSecurity(copyOf('kind'), 'v1.35')).toHaveLength(3);
  });

  it('budget', () => {
    const { main, load } = synthesized('kind');
    const tight = { ...PROFILES.kind, requestBudget: { cpuMillis: 1000, memoryMiB: 1024 } };
    expect(checkBudget(tight, main, load)).toHaveLength(2);
  });

  it('PDB that blocks drains', () => {
    const objs = copyOf('production');
    const pdb = find(objs, 'PodDisruptionBudget', 'order');
    spec(pdb).maxUnavailable = undefined;
    spec(pdb).minAvailable = 2;
    expect(checkDrainable(objs)).toEqual(['PodDisruptionBudget/order allows no eviction with 2 pod(s)']);
  });
});
