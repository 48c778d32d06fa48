// `make chaos-cluster` against a real API server (the local control plane, docs/chaos.md "On a
// cluster"): the pod-deletion loop deletes real pods of the deployed services, their ReplicaSets
// replace them (kwok marks the new pods Ready), it counts each one and stops by itself. No container
// runs here, so the audit's port-forwards cannot connect: the command must stop at once with
// kubectl's reason, before it deletes anything. The audit reading real data needs a real cluster.
import { beforeAll, describe, expect, test } from 'vitest';
import { NAMESPACE } from '../../catalog/services.ts';
import { connect } from '../../tools/canary/cluster.ts';
import { podChaosLoop } from '../../tools/chaos/pods.ts';
import { VICTIMS } from '../../tools/chaos/victims.ts';
import { controlPlane, kubectl, kubectlOk, make } from '../support/control-plane.ts';

interface PodList {
  items: { metadata: { name: string; labels: Record<string, string>; deletionTimestamp?: string } }[];
}

/** Names of the victims' pods that are not being deleted. */
async function victimPods(): Promise<string[]> {
  const list = JSON.parse(
    await kubectlOk(['get', 'pods', '-n', NAMESPACE, '-l', `app in (${VICTIMS.join(',')})`, '-o', 'json']),
  ) as PodList;
  return list.items
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name)
    .sort();
}

beforeAll(async () => {
  const r = await make(['deploy', 'CLUSTER=local']);
  expect(r.code, `make deploy CLUSTER=local failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
});

describe('make chaos-cluster on the local control plane', () => {
  test('the loop deletes a pod of order, payment or inventory every few seconds, each is replaced, and it stops by itself', async () => {
    const plane = controlPlane();
    const { kubeConfig } = connect({ kubeconfig: plane.kubeconfig, context: plane.context });
    const podsBefore = await victimPods();
    const started = Date.now();
    const lines: string[] = [];
    const kills = await podChaosLoop({
      kubeConfig,
      namespace: NAMESPACE,
      seconds: 15,
      killEverySeconds: 3,
      replaceTimeoutMs: 60_000,
      log: (l) => lines.push(l),
    });
    const elapsed = (Date.now() - started) / 1000;

    // It stopped by itself: no new deletion after 15 s, and the last replacement was waited for.
    expect(elapsed).toBeGreaterThanOrEqual(12);
    expect(elapsed).toBeLessThan(15 + 60);
    expect(kills.length).toBeGreaterThanOrEqual(3);
    expect(kills.length).toBeLessThanOrEqual(5);
    expect(lines).toHaveLength(kills.length);
    expect(kills.every((k) => k.at_s <= 15)).toBe(true);
    // Every victim is hit once per shuffled round.
    expect(new Set(kills.slice(0, 3).map((k) => k.service))).toEqual(new Set(VICTIMS));
    for (const k of kills) {
      expect(k.pod.startsWith(`${k.service}-`)).toBe(true);
      expect(k.replacement_pod, `${k.pod} not replaced`).not.toBeNull();
      expect(k.replacement_pod).not.toBe(k.pod);
      expect(k.ready_after_ms).toBeGreaterThanOrEqual(0);
    }
    // The deleted pods are gone, the services are whole again with other pods.
    const podsAfter = await victimPods();
    expect(podsAfter).toHaveLength(podsBefore.length);
    for (const k of kills) expect(podsAfter).not.toContain(k.pod);
    const first = kills[0]?.pod ?? '';
    expect(podsBefore).toContain(first);
    expect((await kubectl(['get', 'pod', first, '-n', NAMESPACE])).stderr).toMatch(/NotFound|not found/);
  });

  test('make chaos-cluster CLUSTER=local stops at once with kubectl’s reason when a port-forward cannot connect, deleting nothing', async () => {
    const podsBefore = await victimPods();
    const started = Date.now();
    const r = await make(['chaos-cluster', 'CLUSTER=local', 'CHAOS_SECONDS=10']);
    const elapsed = (Date.now() - started) / 1000;
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/chaos-cluster: kubectl port-forward -n petstore svc\/order: exited 1: .*error/);
    expect(r.stderr).toMatch(/10250|dialing backend|upgrading connection/);
    expect(elapsed).toBeLessThan(60);
    expect(await victimPods()).toEqual(podsBefore);
  });
});
