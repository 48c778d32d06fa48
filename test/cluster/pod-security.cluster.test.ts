// Pod Security Admission on a real API server: the petstore namespace enforces `restricted`
// (pinned to the control plane's minor), every pod the bundle runs is admitted under it (the
// controllers' own pods after `make deploy`, a k6 Job's pod, and each pod template of both
// profiles created as a Pod in a server-side dry run, which runs admission), and pods that break
// the profile are refused. kwok plays the kubelets; the admission is the API server's own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { VERSIONS } from '../../charts-src/config/versions.ts';
import { ROOT } from '../../tools/control-plane/layout.ts';
import { kubectl, kubectlOk, make } from '../support/control-plane.ts';

const NAMESPACE = 'petstore';
const PROFILE_LABEL = `restricted:${VERSIONS.kubernetesMinor}`;

type Json = Record<string, unknown>;
interface Workload {
  kind: string;
  metadata: { name: string };
  spec: { template: { metadata: { labels?: Record<string, string> }; spec: Json } };
}

function workloadsIn(file: string): Workload[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJSON() as Workload | null)
    .filter((o): o is Workload => o !== null && ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
}

function podTemplates(profile: string): Workload[] {
  const dir = join(ROOT, 'dist', profile);
  const load = readdirSync(join(dir, 'load')).map((f) => join(dir, 'load', f));
  return [join(dir, '10-petstore.k8s.yaml'), ...load].flatMap(workloadsIn);
}

/** A Pod from a workload's template, created in a server-side dry run (admission runs, nothing is stored). */
function dryRunPod(name: string, labels: Record<string, string> | undefined, spec: Json) {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NAMESPACE, labels }, spec };
  return kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
}

/** The k6 Jobs' ServiceAccounts (each Job has its own): a Pod naming a missing one is refused
 * before Pod Security is asked. */
const loadAccounts = (): Json[] =>
  readdirSync(join(ROOT, 'dist/kind/load'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(ROOT, 'dist/kind/load', f), 'utf8')))
    .map((d) => d.toJSON() as Json | null)
    .filter((o): o is Json => o?.kind === 'ServiceAccount');

let deployOutput = '';

beforeAll(async () => {
  const r = await make(['deploy', 'CLUSTER=local']);
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  deployOutput = `${r.stdout}\n${r.stderr}`;
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: loadAccounts() });
  await kubectlOk(['apply', '--server-side', '--field-manager=mmf-test', '-f', '-'], list);
});

afterAll(async () => {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: loadAccounts() });
  await kubectlOk(['delete', '--ignore-not-found', '-f', '-'], list);
});

describe('the petstore namespace', () => {
  test(`enforces, audits and warns ${PROFILE_LABEL}`, async () => {
    const ns = JSON.parse(await kubectlOk(['get', 'namespace', NAMESPACE, '-o', 'json'])) as {
      metadata: { labels: Record<string, string> };
    };
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
      expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe(VERSIONS.kubernetesMinor);
    }
  });
});

describe('every pod of the bundle is admitted under enforcement', () => {
  test('the deploy drew no PodSecurity warning and every controller created its pods', async () => {
    expect(deployOutput).not.toMatch(/would violate PodSecurity/);
    const pods = JSON.parse(await kubectlOk(['get', 'pods', '-n', NAMESPACE, '-o', 'json'])) as {
      items: { metadata: { labels: Record<string, string> } }[];
    };
    const apps = new Set(pods.items.map((p) => p.metadata.labels.app));
    const expected = podTemplates('kind')
      .filter((w) => w.kind !== 'Job')
      .map((w) => w.spec.template.metadata.labels?.app);
    expect([...apps].sort()).toEqual([...new Set(expected)].sort());
    const events = await kubectlOk([
      'get',
      'events',
      '-n',
      NAMESPACE,
      '--field-selector',
      'reason=FailedCreate',
    ]);
    expect(events).not.toMatch(/PodSecurity/);
  });

  test('a k6 Job’s pod is created by the Job controller', async () => {
    const file = join(ROOT, 'dist/kind/load/k6-baseline.k8s.yaml');
    await kubectlOk(['delete', '-f', file, '--ignore-not-found', '--wait']);
    await kubectlOk(['apply', '--server-side', '--field-manager=mmf-test', '-f', file]);
    const podOf = async (): Promise<number> =>
      JSON.parse(
        await kubectlOk(['get', 'pods', '-n', NAMESPACE, '-l', 'job-name=k6-baseline', '-o', 'json']),
      ).items.length as number;
    await expect.poll(podOf, { timeout: 60_000, interval: 1000 }).toBe(1);
    await kubectlOk(['delete', 'job,configmap', 'k6-baseline', '-n', NAMESPACE, '--wait']);
  });

  test.each(['kind', 'production'])(
    'every pod template of the %s profile (Pods, server-side dry run)',
    async (profile) => {
      const templates = podTemplates(profile);
      expect(templates.length).toBeGreaterThanOrEqual(7);
      const refused: string[] = [];
      for (const w of templates) {
        const r = await dryRunPod(
          `psa-${w.metadata.name}`,
          w.spec.template.metadata.labels,
          w.spec.template.spec,
        );
        if (r.code !== 0 || /Warning/.test(r.stderr))
          refused.push(`${w.kind}/${w.metadata.name}: ${r.stderr}`);
      }
      expect(refused).toEqual([]);
    },
  );
});

describe('pods that break the profile are refused', () => {
  const base = (): Json & { containers: Json[] } => ({
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    automountServiceAccountToken: false,
    containers: [
      {
        name: 'app',
        image: 'busybox:1.37',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  });

  test('the compliant base pod is admitted (so each refusal below is about the one change)', async () => {
    const r = await dryRunPod('psa-base', undefined, base());
    expect(r.code, r.stderr).toBe(0);
  });

  test('a privileged container', async () => {
    const spec = base();
    spec.containers[0] = { ...spec.containers[0], securityContext: { privileged: true } };
    const r = await dryRunPod('psa-privileged', undefined, spec);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`violates PodSecurity "${PROFILE_LABEL}"`);
    expect(r.stderr).toMatch(/privileged \(container "app" must not set securityContext.privileged=true\)/);
  });

  test('a pod that baseline admits but restricted does not (no seccomp, may run as root)', async () => {
    const spec = base();
    spec.securityContext = {};
    const r = await dryRunPod('psa-baseline-only', undefined, spec);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/runAsNonRoot != true/);
    expect(r.stderr).toMatch(/seccompProfile/);
  });
});

// What Istio injects into our meshed pods, reduced to what Pod Security judges: the securityContexts
// of Istio's injection template (manifests/charts/istio-control/istio-discovery/files/
// injection-template.yaml). With the CNI node agent (make kind-up installs it) the init container only
// validates the redirection, as uid 1337 without capabilities; without it, istio-init adds NET_ADMIN
// and NET_RAW and runs as root. No Istio runs here: this checks the transcription against the real
// admission, not a live injection.
describe('Istio-injected containers', () => {
  const proxy = {
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsGroup: 1337,
    runAsNonRoot: true,
    runAsUser: 1337,
  };
  const withSidecar = (initSecurity: Json): Json => {
    const service = podTemplates('kind').find((w) => w.metadata.name === 'order');
    const spec = structuredClone(service?.spec.template.spec) as Json & { containers: Json[] };
    spec.initContainers = [
      { name: 'istio-validation', image: 'istio/proxyv2:1.29.2', securityContext: initSecurity },
    ];
    spec.containers = [
      ...spec.containers,
      { name: 'istio-proxy', image: 'istio/proxyv2:1.29.2', securityContext: proxy },
    ];
    return spec;
  };

  test('with the Istio CNI (kind-up): admitted, inheriting the pod’s seccomp', async () => {
    const r = await dryRunPod('psa-istio-cni', { app: 'order' }, withSidecar(proxy));
    expect(r.code, r.stderr).toBe(0);
  });

  test('without it (istio-init with NET_ADMIN, as root): refused', async () => {
    const init = {
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    };
    const r = await dryRunPod('psa-istio-init', { app: 'order' }, withSidecar(init));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /unrestricted capabilities \(container "istio-validation" must not include "NET_ADMIN", "NET_RAW"/,
    );
  });
});
