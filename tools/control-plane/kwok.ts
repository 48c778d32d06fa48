// kwok plays the kubelets (and a volume provisioner): the nodes are Node objects it keeps Ready and
// leased, and pods scheduled onto them become Running and Ready without a container. The nodes mirror
// kind-config.yaml: one control-plane node (tainted, as kubeadm does) and two workers, each reporting
// this machine's CPUs, memory and disk as a kind node does (kind nodes are containers on the host),
// so what does not fit on kind here does not fit here either.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KWOK_NODE_ANNOTATION } from './components.ts';

const run = promisify(execFile);

/** kind names its nodes <cluster>-control-plane, <cluster>-worker, <cluster>-worker2. */
export function nodeNames(cluster: string, workers = 2): { controlPlane: string; workers: string[] } {
  return {
    controlPlane: `${cluster}-control-plane`,
    workers: Array.from({ length: workers }, (_, i) => `${cluster}-worker${i === 0 ? '' : i + 1}`),
  };
}

export interface NodeSize {
  cpu: number;
  memoryKi: number;
  ephemeralStorageKi: number;
}

export function hostSize(): NodeSize {
  const disk = statfsSync('/');
  return {
    cpu: os.availableParallelism(),
    memoryKi: Math.floor(os.totalmem() / 1024),
    ephemeralStorageKi: Math.floor((disk.blocks * disk.bsize) / 1024),
  };
}

export function nodeManifests(cluster: string, size: NodeSize): object[] {
  const { controlPlane, workers } = nodeNames(cluster);
  const resources = {
    cpu: String(size.cpu),
    memory: `${size.memoryKi}Ki`,
    'ephemeral-storage': `${size.ephemeralStorageKi}Ki`,
    pods: '110',
  };
  const node = (name: string, controlPlaneRole: boolean): object => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        ...(controlPlaneRole ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        type: 'kwok',
      },
    },
    spec: controlPlaneRole
      ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
      : {},
    status: { capacity: resources, allocatable: resources },
  });
  return [node(controlPlane, true), ...workers.map((w) => node(w, false))];
}

/**
 * kwok's own default behaviour, as `kwokctl` configures it: node-initialize and node heartbeat with
 * leases, pods ready/complete/delete, and the fast volume stages (a default StorageClass whose claims
 * are bound at once). Read from the kwok module that `make tools` built the binary from, at the same
 * version, so they never drift from the binary.
 */
export const KWOK_STAGE_FILES = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'pod/fast/pod-ready.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
  'volume/fast/pv-bind.yaml',
  'volume/fast/pv-delete.yaml',
  'volume/fast/pvc-provision.yaml',
  'volume/fast/pvc-delete.yaml',
];
/** Objects (not stages) that go to the API server: the StorageClass the volume stages serve. */
export const KWOK_CLUSTER_FILES = ['volume/fast/storage-class.yaml'];

export async function kwokModuleDir(version: string): Promise<string> {
  const { stdout } = await run('go', ['env', 'GOMODCACHE']);
  const dir = join(stdout.trim(), `sigs.k8s.io/kwok@${version}`, 'kustomize', 'stage');
  if (!existsSync(dir)) {
    throw new Error(
      `kwok ${version}'s module source is not in the Go module cache (${dir}): run make tools, which builds kwok from it`,
    );
  }
  return dir;
}

/** The kwok --config file: every stage, one YAML document each. */
export function kwokConfig(stageDir: string): string {
  return KWOK_STAGE_FILES.map((f) => readFileSync(join(stageDir, f), 'utf8').trim()).join('\n---\n') + '\n';
}
