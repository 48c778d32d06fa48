// Container and pod hardening shared by every workload the bundle runs: non-root, read-only root
// filesystem, no capabilities, RuntimeDefault seccomp, explicit resources (ephemeral storage too). cdk8s-plus's defaults
// (1 CPU request per container) would not fit a laptop, so resources are always passed in.
import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { ResourceSpec } from '../../catalog/services.ts';
import { VERSIONS } from '../config/versions.ts';

/** Pod Security Admission for a namespace of ours: `restricted` enforced, audited and warned,
 * pinned to the Kubernetes minor the cluster path pairs with, so a newer API server's stricter
 * profile never rejects pods without a deliberate version bump. */
export function podSecurityLabels(): Record<string, string> {
  const prefix = 'pod-security.kubernetes.io';
  return Object.fromEntries(
    ['enforce', 'audit', 'warn'].flatMap((mode) => [
      [`${prefix}/${mode}`, 'restricted'],
      [`${prefix}/${mode}-version`, VERSIONS.kubernetesMinor],
    ]),
  );
}

export function containerSecurity(uid: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    readOnlyRootFilesystem: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    user: uid,
    group: uid,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

function cpuMillis(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
}

function memoryMiB(memory: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(memory);
  if (!match) throw new Error(`memory quantity must be Mi or Gi: ${memory}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

export const quantity = { cpuMillis, memoryMiB };

export function containerResources(spec: ResourceSpec): kplus.ContainerResources {
  return {
    cpu: {
      request: kplus.Cpu.millis(cpuMillis(spec.requests.cpu)),
      limit: kplus.Cpu.millis(cpuMillis(spec.limits.cpu)),
    },
    memory: {
      request: Size.mebibytes(memoryMiB(spec.requests.memory)),
      limit: Size.mebibytes(memoryMiB(spec.limits.memory)),
    },
  };
}

/** Ephemeral storage a container needs beyond its emptyDir scratch: its logs, which the kubelet counts. */
const LOG_HEADROOM_MIB = 64;

/** Requests and limits ephemeral storage for every container of a workload: the emptyDir scratch
 * they write (`scratchMiB`, the volumes' sizeLimit) plus log headroom, requested in full so the
 * scheduler only places the pod where that much disk is free. A JSON patch because cdk8s-plus
 * renders ephemeral storage in whole GiB only, which would reserve far more than the pods use. */
export function ephemeralStorage(
  workload: kplus.Deployment | kplus.StatefulSet | kplus.Job,
  scratchMiB: number,
): void {
  // A k8s.Quantity, not a string: the generated toJson of the workload reads quantities' values.
  const quantity = kplus.k8s.Quantity.fromString(`${scratchMiB + LOG_HEADROOM_MIB}Mi`);
  workload.containers.forEach((_, i) => {
    for (const kind of ['requests', 'limits']) {
      ApiObject.of(workload).addJsonPatch(
        JsonPatch.add(`/spec/template/spec/containers/${i}/resources/${kind}/ephemeral-storage`, quantity),
      );
    }
  });
}

/** RuntimeDefault seccomp for the whole pod, so that containers added at admission (Istio's
 * istio-validation and istio-proxy) inherit it: `restricted` requires it of every container. */
export function podSeccomp(workload: kplus.Deployment | kplus.StatefulSet | kplus.Job): void {
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
  );
}

/** Pod annotations that size the Istio sidecar (its defaults are not sized for a laptop). */
export function sidecarAnnotations(sidecar: ResourceSpec): Record<string, string> {
  return {
    'sidecar.istio.io/proxyCPU': sidecar.requests.cpu,
    'sidecar.istio.io/proxyMemory': sidecar.requests.memory,
    'sidecar.istio.io/proxyCPULimit': sidecar.limits.cpu,
    'sidecar.istio.io/proxyMemoryLimit': sidecar.limits.memory,
  };
}

export interface SpreadOptions {
  readonly labels: Record<string, string>;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
}

/** Spread a workload's pods over nodes (kind has two workers) with topologySpreadConstraints. */
export function spreadOverNodes(
  workload: kplus.Deployment | kplus.StatefulSet,
  options: SpreadOptions,
): void {
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: options.whenUnsatisfiable,
        labelSelector: { matchLabels: options.labels },
      },
    ]),
  );
}
