// The two deployment profiles. Everything that differs between a laptop's kind cluster and a
// production cluster is here; per-service facts (ports, call graph, bounds, resources) come from
// the catalog. A profile is plain data so tests can build variants of it.
import type { ResourceSpec, ServiceName } from '../../catalog/services.ts';
import { CANARY_MAX_INTERVALS_PER_STEP, CANARY_STEPS } from '../../catalog/thresholds.ts';

export type ProfileName = 'kind' | 'production';

export interface CanaryConfig {
  /** Version label and SERVICE_VERSION of the canary pods. */
  readonly version: string;
  /** Share of traffic (percent) routed to the canary when no override header is present. */
  readonly weight: number;
}

/** Timing of a canary promotion (`make promote`); thresholds and steps are in catalog/thresholds.ts. */
export interface CanaryAnalysis {
  /** One analysis interval: the promoter waits this long, then asks the judge. */
  readonly intervalSeconds: number;
  /** At the last step (100 %) the canary must keep passing for this long before it is promoted. */
  readonly soakSeconds: number;
}

/** Longest a promotion can take with this timing: every step at its window limit, then the soak. */
export function maxPromotionSeconds(a: CanaryAnalysis): number {
  return CANARY_STEPS.length * CANARY_MAX_INTERVALS_PER_STEP * a.intervalSeconds + a.soakSeconds;
}

export interface Profile {
  readonly name: ProfileName;
  /** Image repository shared by all five services; the tag is the version. */
  readonly imageRepository: string;
  readonly stableVersion: string;
  /** Services deployed as stable + canary; absent = stable only (catalog `canary` decides defaults). */
  readonly canaries: Partial<Record<ServiceName, CanaryConfig>>;
  readonly canaryAnalysis: CanaryAnalysis;
  /** Who creates the Secrets the pods read (config/credentials.ts): `make deploy` with random values
   * (kept across redeploys), or the operator (then `make deploy` only checks they exist). */
  readonly credentials: 'generated-at-deploy' | 'provided-by-operator';
  /** Fault injection switches: on for demos on kind, hard-disabled in production. */
  readonly faultsEnabled: boolean;
  readonly tracesSampleRatio: number;
  readonly postgres: { readonly resources: ResourceSpec; readonly storage: string };
  readonly traceBackend: { readonly resources: ResourceSpec; readonly maxTraces: number };
  readonly loadJob: { readonly resources: ResourceSpec };
  /** Requests/limits of the Istio sidecar in every meshed pod (pod annotations). */
  readonly sidecar: ResourceSpec;
  /** Upper bound on the sum of all pods' requests at their minimum replica counts. */
  readonly requestBudget: { readonly cpuMillis: number; readonly memoryMiB: number } | undefined;
  /** Pods spread across nodes (hard in production, best-effort on kind). */
  readonly spreadWhenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
}

const KIND_CANARY: CanaryConfig = { version: '0.2.0', weight: 10 };

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  kind: {
    name: 'kind',
    imageRepository: 'mmf-petstore',
    stableVersion: '0.1.0',
    canaries: { petstore: KIND_CANARY },
    // Short, for a laptop: a promotion takes 3-6 minutes at the canary scenario's 20 requests/s.
    canaryAnalysis: { intervalSeconds: 30, soakSeconds: 60 },
    credentials: 'generated-at-deploy',
    faultsEnabled: true,
    tracesSampleRatio: 1,
    postgres: {
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      storage: '1Gi',
    },
    traceBackend: {
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      maxTraces: 20000,
    },
    loadJob: {
      resources: { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    },
    sidecar: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    // A 3-node kind cluster on a laptop also runs Istio, Prometheus and Grafana: keep ours small.
    requestBudget: { cpuMillis: 4000, memoryMiB: 6144 },
    spreadWhenUnsatisfiable: 'ScheduleAnyway',
  },
  production: {
    name: 'production',
    imageRepository: 'mmf-petstore',
    stableVersion: '0.1.0',
    canaries: { petstore: KIND_CANARY },
    // The petstore document's 15 minutes of soak at the last step.
    canaryAnalysis: { intervalSeconds: 60, soakSeconds: 900 },
    credentials: 'provided-by-operator',
    faultsEnabled: false,
    tracesSampleRatio: 0.1,
    postgres: {
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
      storage: '20Gi',
    },
    traceBackend: {
      resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      maxTraces: 100000,
    },
    loadJob: {
      resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    },
    sidecar: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    requestBudget: undefined,
    spreadWhenUnsatisfiable: 'DoNotSchedule',
  },
};
