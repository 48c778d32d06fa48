// The canary promoter's Kubernetes calls against a real API server (the local control plane): it
// reads the live routing (DestinationRule versions, the VirtualServices that split the traffic and
// their weight), applies new weights server-side as its own field manager (taking spec.http over,
// leaving the rest to `make deploy`), rolls back to 0 % and halts back to where it started, through
// the same promotion loop as everywhere (metrics simulated: this cluster runs no pods or Prometheus).
// `make promote` itself refuses to touch the weights when it cannot query Prometheus.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIELD_MANAGERS } from '../../catalog/cluster.ts';
import { PROFILES } from '../../charts-src/config/profiles.ts';
import { chartRouting } from '../../tools/canary/chart-routing.ts';
import { clusterWeights, connect, readLiveRouting, type Cluster } from '../../tools/canary/cluster.ts';
import { planFor } from '../../tools/canary/plan.ts';
import { runPromotion } from '../../tools/canary/promotion.ts';
import { SCENARIOS, simulatedPromotion, type Scenario } from '../../tools/canary/simulation.ts';
import { promoterOwnsRouting, type KubeObject } from '../../tools/cluster/routing-ownership.ts';
import { controlPlane, kubectl, kubectlOk, make } from '../support/control-plane.ts';

const NS = 'canary-promoter-test';
const routing = chartRouting(PROFILES.kind, 'petstore');
let cluster: Cluster;

/** The synthesized DestinationRule and VirtualServices of petstore, moved to this test's namespace. */
function routingObjects(): object[] {
  const rule = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'petstore', namespace: NS },
    spec: {
      host: routing.split.host,
      subsets: Object.entries(routing.subsets).map(([name, version]) => ({ name, labels: { version } })),
    },
  };
  const vss = routing.virtualServices.map((vs) => ({
    ...vs,
    metadata: { name: vs.metadata.name, namespace: NS },
  }));
  return [rule, ...vss];
}

async function liveVs(
  name: string,
): Promise<KubeObject & { spec: { http: { route: { weight?: number }[] }[] } }> {
  return JSON.parse(
    await kubectlOk([
      'get',
      'virtualservice.networking.istio.io',
      name,
      '-n',
      NS,
      '--show-managed-fields',
      '-o',
      'json',
    ]),
  ) as KubeObject & { spec: { http: { route: { weight?: number }[] }[] } };
}

/** The canary weights of every split route of both VirtualServices. */
async function liveWeights(): Promise<number[]> {
  const all = await Promise.all(['petstore', 'ingress'].map(liveVs));
  return all.flatMap((vs) =>
    vs.spec.http.filter((h) => h.route.length === 2).map((h) => h.route[1]?.weight ?? -1),
  );
}

/** `make deploy`'s apply, as its field manager (resets the split to the chart's 10 %). */
async function deployRouting(): Promise<void> {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: routingObjects() });
  await kubectlOk(
    ['apply', '--server-side', `--field-manager=${FIELD_MANAGERS.deploy}`, '--force-conflicts', '-f', '-'],
    list,
  );
}

beforeAll(async () => {
  const plane = controlPlane();
  cluster = connect({ kubeconfig: plane.kubeconfig, context: plane.context });
  await kubectl(['create', 'namespace', NS]);
  await deployRouting();
});

afterAll(async () => {
  await kubectl(['delete', 'namespace', NS, '--wait=false']);
});

/** A promotion with the cluster's weights and simulated traffic that follows them. */
async function promoteWith(scenario: Scenario) {
  const live = await readLiveRouting(cluster, NS, 'petstore');
  const weights = clusterWeights(cluster, NS, live);
  const sim = simulatedPromotion({ ...scenario, startWeight: live.weight }, 11);
  const both = {
    read: weights.read,
    write: async (w: number) => {
      await weights.write(w);
      await sim.weights.write(w);
    },
  };
  const plan = planFor(PROFILES.kind.canaryAnalysis, { fromWeight: live.weight });
  return runPromotion(plan, { weights: both, metrics: sim.metrics, clock: sim.clock });
}

describe('canary promoter against the API server', () => {
  test('reads the live routing: versions, the splitting VirtualServices, their weight', async () => {
    const live = await readLiveRouting(cluster, NS, 'petstore');
    expect(live.versions).toEqual({ stable: '0.1.0', canary: '0.2.0' });
    expect([...live.virtualServices].sort()).toEqual(['ingress', 'petstore']);
    expect(live.weight).toBe(10);
  });

  test('applies the weights server-side as mmf-canary-promoter, owning spec.http and nothing else', async () => {
    const live = await readLiveRouting(cluster, NS, 'petstore');
    const weights = clusterWeights(cluster, NS, live);
    await weights.write(30);
    expect(await liveWeights()).toEqual([30, 30]);
    expect(await weights.read()).toBe(30);
    const vs = await liveVs('petstore');
    expect(promoterOwnsRouting(vs)).toBe(true);
    const promoter = vs.metadata?.managedFields?.find((m) => m.manager === FIELD_MANAGERS.promoter);
    expect(promoter?.operation).toBe('Apply');
    expect(Object.keys((promoter?.fieldsV1?.['f:spec'] ?? {}) as object)).toEqual(['f:http']);
    const deploy = vs.metadata?.managedFields?.find((m) => m.manager === FIELD_MANAGERS.deploy);
    expect(JSON.stringify(deploy?.fieldsV1)).toContain('f:hosts');
    // The other routes of the gateway VirtualService (order, inventory) are applied unchanged.
    const ingress = await liveVs('ingress');
    expect(ingress.spec.http).toHaveLength(
      routing.virtualServices.find((v) => v.metadata.name === 'ingress')?.spec.http.length ?? 0,
    );
  });

  test('rolls a bad canary back to 0 % in the cluster', async () => {
    await deployRouting();
    const result = await promoteWith({ ...SCENARIOS.bad, rps: 40 });
    expect(result.verdict).toBe('rolled_back');
    expect(await liveWeights()).toEqual([0, 0]);
  });

  test('halts without traffic and puts the weight back where it started', async () => {
    await deployRouting();
    await clusterWeights(cluster, NS, await readLiveRouting(cluster, NS, 'petstore')).write(0);
    const result = await promoteWith({ ...SCENARIOS.healthy, rps: 1e-9 });
    expect(result).toMatchObject({ verdict: 'halted', startWeight: 0, finalWeight: 0 });
    expect(result.steps[0]?.weight).toBe(10);
    expect(await liveWeights()).toEqual([0, 0]);
  });

  test('make promote reads the cluster, and changes nothing when Prometheus cannot be queried', async () => {
    await deployRouting();
    const r = await make(['promote', 'CLUSTER=local', `CANARY_NAMESPACE=${NS}`]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/live: petstore 0\.1\.0 → 0\.2\.0, canary at 10 % in/);
    expect(r.stderr).toMatch(/Prometheus .* cannot be queried, nothing was changed/);
    expect(await liveWeights()).toEqual([10, 10]);
  });
});
