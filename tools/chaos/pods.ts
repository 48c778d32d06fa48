// The cluster's fault for `make chaos-cluster`: every few seconds, delete a random Running pod of
// order, payment or inventory (the pods the charts' `app` selector picks) and wait until the
// ReplicaSet has replaced it: as many Ready pods of that service as before, one of them new. The
// deletion is the API's ordinary one (grace period as the pod declares it), which is what a node
// drain, an eviction or `kubectl delete pod` does; a SIGKILL is `make chaos`'s local fault.
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { ServiceName } from '../../catalog/services.ts';
import { appSelector } from '../../charts-src/lib/labels.ts';
import { VICTIMS, victims } from './victims.ts';

export interface PodKill {
  /** Seconds after the loop started. */
  at_s: number;
  service: string;
  pod: string;
  /** The new pod that took its place (null: none became Ready in time). */
  replacement_pod: string | null;
  /** From the deletion until the service had as many Ready pods as before. */
  ready_after_ms: number | null;
}

export interface PodChaosOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  seconds: number;
  killEverySeconds: number;
  /** How long a service gets to be whole again after a deletion. */
  replaceTimeoutMs?: number;
  victims?: readonly ServiceName[];
  log?: (line: string) => void;
}

const selector = (service: ServiceName): string =>
  Object.entries(appSelector(service))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

const ready = (p: V1Pod): boolean =>
  !p.metadata?.deletionTimestamp &&
  p.status?.phase === 'Running' &&
  (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The service's pods that serve now: Running, Ready and not being deleted. */
async function readyPods(api: CoreV1Api, namespace: string, service: ServiceName): Promise<string[]> {
  const list = await api.listNamespacedPod({ namespace, labelSelector: selector(service) });
  return list.items.filter(ready).map((p) => p.metadata?.name ?? '');
}

/** Waits until `service` has `count` Ready pods again, one not in `before`; returns that pod. */
async function waitReplaced(
  api: CoreV1Api,
  namespace: string,
  service: ServiceName,
  before: readonly string[],
  timeoutMs: number,
): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await readyPods(api, namespace, service);
    const fresh = now.find((n) => !before.includes(n));
    if (fresh && now.length >= before.length) return fresh;
    await sleep(250);
  }
  return null;
}

/** Deletes one random serving pod of `service` and waits for its replacement (null: none serving). */
async function deleteOne(
  api: CoreV1Api,
  opts: PodChaosOptions,
  service: ServiceName,
  startedMs: number,
): Promise<PodKill | null> {
  const before = await readyPods(api, opts.namespace, service);
  const pod = before[Math.floor(Math.random() * before.length)];
  if (!pod) return null;
  const deletedMs = Date.now();
  await api.deleteNamespacedPod({ name: pod, namespace: opts.namespace });
  const replacement = await waitReplaced(
    api,
    opts.namespace,
    service,
    before,
    opts.replaceTimeoutMs ?? 120_000,
  );
  const readyMs = replacement ? Date.now() - deletedMs : null;
  const at_s = Math.round((deletedMs - startedMs) / 100) / 10;
  opts.log?.(
    `   💥 ${at_s.toFixed(1).padStart(5)} s  deleted pod ${pod}` +
      (replacement
        ? `; ${replacement} ready after ${((readyMs ?? 0) / 1000).toFixed(1)} s`
        : '; NOT REPLACED'),
  );
  return { at_s, service, pod, replacement_pod: replacement, ready_after_ms: readyMs };
}

/**
 * Deletes a pod every killEverySeconds until `seconds` have passed, one at a time (the next waits
 * for the last replacement, so a slow cluster gets fewer kills, never two services down by us at
 * once); stops by itself. A service with no serving pod is skipped for the next one.
 */
export async function podChaosLoop(opts: PodChaosOptions): Promise<PodKill[]> {
  const api = opts.kubeConfig.makeApiClient(CoreV1Api);
  const startedMs = Date.now();
  const until = startedMs + opts.seconds * 1000;
  const next = victims(opts.victims ?? VICTIMS);
  const kills: PodKill[] = [];
  for (let k = 1; ; k++) {
    const at = Math.max(Date.now(), startedMs + k * opts.killEverySeconds * 1000);
    // A kill due at the very end would land after it (listing the pods takes a moment): stop before.
    if (at >= until) break;
    await sleep(at - Date.now());
    const kill = await deleteOne(api, opts, next.next().value as ServiceName, startedMs);
    if (kill) kills.push(kill);
  }
  return kills;
}
