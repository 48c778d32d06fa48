// The pure parts of the local control plane (the processes themselves run in make cluster-test).
import { describe, expect, test } from 'vitest';
import { components } from './components.ts';
import { CLIENTS, kubeconfig, tokenFileContent } from './credentials.ts';
import { nodeManifests, nodeNames } from './kwok.ts';
import { layoutFor, portsFrom } from './layout.ts';

describe('local control plane', () => {
  test('every port counts up from one base and binds 127.0.0.1 only', () => {
    const layout = layoutFor({ CONTROL_PLANE_PORT: '20000', CONTROL_PLANE_DIR: '/tmp/x' }, '/repo');
    expect(Object.values(layout.ports).sort()).toEqual([20000, 20001, 20002, 20003, 20004, 20005]);
    expect(layout.kubeconfig).toBe('/tmp/x/kubeconfig');
    const addresses = components(layout)
      .flatMap((c) => [...c.args, c.health])
      .flatMap((a) => [...a.matchAll(/\/\/([^:/]+):\d+|bind-address=([^ ]+)|server-address=([^:]+)/g)])
      .map((m) => m[1] ?? m[2] ?? m[3]);
    expect(addresses.length).toBeGreaterThan(10);
    expect(new Set(addresses)).toEqual(new Set(['127.0.0.1']));
    expect(() => layoutFor({ CONTROL_PLANE_PORT: 'x' })).toThrow(/CONTROL_PLANE_PORT/);
    expect(portsFrom(16443).etcdClient).toBe(16447);
  });

  test('RBAC on, anonymous off, one token per client', () => {
    const apiserver = components(layoutFor({}, '/repo')).find((c) => c.name === 'kube-apiserver');
    expect(apiserver?.args).toContain('--authorization-mode=Node,RBAC');
    expect(apiserver?.args).toContain('--anonymous-auth=false');
    const tokens = new Map(CLIENTS.map((c) => [c.id, `t-${c.id}`]));
    expect(tokenFileContent(tokens).trim().split('\n')).toEqual([
      't-admin,mmf-admin,admin,"system:masters"',
      't-kube-controller-manager,system:kube-controller-manager,kube-controller-manager,""',
      't-kube-scheduler,system:kube-scheduler,kube-scheduler,""',
      't-kwok,kwok-controller,kwok,"system:masters"',
    ]);
    const config = JSON.parse(kubeconfig('https://127.0.0.1:1', 'PEM', 'tok')) as Record<string, unknown>;
    expect(config['current-context']).toBe('mmf-local');
    expect(JSON.stringify(config)).toContain(Buffer.from('PEM').toString('base64'));
  });

  test('kwok nodes mirror kind-config.yaml: a tainted control plane and two workers of the host size', () => {
    expect(nodeNames('petstore')).toEqual({
      controlPlane: 'petstore-control-plane',
      workers: ['petstore-worker', 'petstore-worker2'],
    });
    const nodes = nodeManifests('petstore', { cpu: 2, memoryKi: 1000, ephemeralStorageKi: 5000 }) as {
      metadata: { name: string; annotations: Record<string, string> };
      spec: { taints?: unknown[] };
      status: { capacity: Record<string, string> };
    }[];
    expect(nodes.map((n) => [n.metadata.name, n.spec.taints?.length ?? 0])).toEqual([
      ['petstore-control-plane', 1],
      ['petstore-worker', 0],
      ['petstore-worker2', 0],
    ]);
    for (const n of nodes) {
      expect(n.status.capacity).toEqual({
        cpu: '2',
        memory: '1000Ki',
        'ephemeral-storage': '5000Ki',
        pods: '110',
      });
      expect(n.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake');
    }
  });
});
