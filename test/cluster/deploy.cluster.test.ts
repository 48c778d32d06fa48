// `make deploy CLUSTER=local` against a real API server: every synthesized object is accepted and
// stored, every workload rolls out (kwok plays the kubelets), a second deploy changes nothing, the
// production profile passes a server-side dry run, the promoter's traffic weights survive a deploy,
// the HPA controller reconciles the autoscalers, and the server rejects what it must.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FIELD_MANAGERS } from '../../catalog/index.ts';
import { ROOT } from '../../tools/control-plane/layout.ts';
import { controlPlane, kubectl, kubectlOk, make, runCommand } from '../support/control-plane.ts';

const NAMESPACE = 'petstore';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; generation?: number; managedFields?: { manager: string }[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

function synthesized(profile: string): Obj[] {
  const file = (name: string): Obj[] =>
    parseAllDocuments(readFileSync(join(ROOT, 'dist', profile, name), 'utf8'))
      .map((d) => d.toJSON() as Obj | null)
      .filter((o): o is Obj => o !== null);
  return [...file('00-namespace.k8s.yaml'), ...file('10-petstore.k8s.yaml')];
}

/** kind.group for kubectl (core kinds without a group). */
function resource(o: Obj): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return group ? `${o.kind}.${group}` : o.kind;
}

async function live(o: Obj): Promise<Obj> {
  const ns = o.metadata.namespace ? ['-n', o.metadata.namespace] : [];
  return JSON.parse(
    await kubectlOk(['get', resource(o), o.metadata.name, ...ns, '--show-managed-fields', '-o', 'json']),
  ) as Obj;
}

/** Every object of a profile as the server has it, in file order (one kubectl get -f per file). */
async function liveAll(profile: string): Promise<Obj[]> {
  const files = ['00-namespace.k8s.yaml', '10-petstore.k8s.yaml'].map((f) => join(ROOT, 'dist', profile, f));
  const out = await kubectlOk([
    'get',
    ...files.flatMap((f) => ['-f', f]),
    '--show-managed-fields',
    '-o',
    'json',
  ]);
  const parsed = JSON.parse(out) as Obj | { items: Obj[] };
  return 'items' in parsed ? parsed.items : [parsed];
}

async function deploy(...vars: string[]): Promise<string> {
  const r = await make(['deploy', 'CLUSTER=local', ...vars]);
  expect(r.code, `make deploy CLUSTER=local failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

type Route = { destination: { subset: string }; weight?: number };
type HttpRoute = { name?: string; route: Route[] };

function weights(vs: Obj): Record<string, number> {
  const weighted = (vs.spec?.http as HttpRoute[]).find((h) => h.name === 'weighted');
  return Object.fromEntries((weighted?.route ?? []).map((r) => [r.destination.subset, r.weight ?? 0]));
}

/** Every file under dir (dist/ holds a few hundred). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const path = join(dir, e);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function databasePassword(): Promise<{ uid: string; value: string }> {
  const secret = JSON.parse(
    await kubectlOk(['get', 'secret', 'postgres-credentials', '-n', NAMESPACE, '-o', 'json']),
  ) as { metadata: { uid: string }; data: { password: string } };
  return { uid: secret.metadata.uid, value: Buffer.from(secret.data.password, 'base64').toString() };
}

describe('the production profile', () => {
  test('make deploy without the operator’s Secret stops before applying anything, saying how to create it; the commands it gives work', async () => {
    await kubectlOk(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait', '--timeout=120s']);
    const r = await make(['deploy', 'CLUSTER=local', 'PROFILE=production']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Secret petstore/postgres-credentials does not exist.');
    expect(r.stderr).toMatch(/External Secrets or Sealed Secrets/);
    expect(r.stdout).not.toMatch(/serverside-applied/);
    expect((await kubectl(['get', 'namespace', NAMESPACE])).stderr).toMatch(/NotFound/);

    // Run the commands the message gives, as an operator would (shell, pipes and all).
    const commands = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('  kubectl') || l.startsWith('  openssl'))
      .map((l) => l.trim());
    expect(commands).toHaveLength(2);
    const env = { ...process.env, KUBECONFIG: controlPlane().kubeconfig };
    for (const command of commands) {
      const done = await runCommand('bash', ['-o', 'pipefail', '-c', command], undefined, env);
      expect(done.code, `${command}\n${done.stderr}`).toBe(0);
    }
    const { value } = await databasePassword();
    expect(value.trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/); // openssl rand -base64 32
    const check = await runCommand(
      'node',
      ['tools/cluster/secrets.ts', '--context', controlPlane().context, '--profile', 'production', 'deploy'],
      undefined,
      env,
    );
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/petstore\/postgres-credentials exists: kept/);
  });

  test('passes a server-side dry run in the (empty) petstore namespace', async () => {
    // From a clean namespace, also when the control plane is reused: a kind-profile PostgreSQL claim
    // in place would make production's larger claim a resize, which the StorageClass refuses (as
    // kind's local-path class would: switching profiles in place needs the claim deleted).
    await kubectlOk(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait', '--timeout=120s']);
    expect((await make(['synth'])).code).toBe(0);
    await kubectlOk([
      'apply',
      '--server-side',
      `--field-manager=${FIELD_MANAGERS.deploy}`,
      '-f',
      join(ROOT, 'dist/production/00-namespace.k8s.yaml'),
    ]);
    const r = await make(['deploy-dry-run', 'CLUSTER=local', 'PROFILE=production']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const applied = r.stdout.split('\n').filter((l) => l.endsWith('serverside-applied (server dry run)'));
    expect(applied.length).toBe(synthesized('production').length);
  });
});

describe('make deploy CLUSTER=local', () => {
  let objects: Obj[];
  let firstDeploy: string;

  beforeAll(async () => {
    firstDeploy = await deploy();
    objects = synthesized('kind');
  });

  test('generates the database password at deploy time, keeps it across deploys, writes it nowhere in dist/', async () => {
    expect(firstDeploy).toMatch(/Secret petstore\/postgres-credentials created with random values/);
    const first = await databasePassword();
    expect(first.value).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const again = await deploy();
    expect(again).toMatch(/petstore\/postgres-credentials exists: kept/);
    expect(await databasePassword()).toEqual(first);
    const dist = filesUnder(join(ROOT, 'dist'));
    expect(dist.length).toBeGreaterThan(10);
    expect(dist.filter((f) => readFileSync(f).includes(first.value))).toEqual([]);
  });

  test('stores every synthesized object and rolls out every workload', async () => {
    const stored = await liveAll('kind');
    expect(stored.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
    );
    const deployments = JSON.parse(
      await kubectlOk(['get', 'deployments', '-n', NAMESPACE, '-o', 'json']),
    ) as {
      items: (Obj & { status: { availableReplicas?: number; updatedReplicas?: number } })[];
    };
    const expected = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    expect(deployments.items.map((d) => d.metadata.name).sort()).toEqual(expected.sort());
    for (const d of deployments.items) {
      expect(d.status.availableReplicas, d.metadata.name).toBeGreaterThanOrEqual(1);
      expect(d.status.updatedReplicas, d.metadata.name).toBe(d.status.availableReplicas);
    }
  });

  test('a second deploy changes nothing: no diff, no generation bumped', async () => {
    const before = await liveAll('kind');
    await deploy();
    const diff = await make(['deploy-diff', 'CLUSTER=local']);
    expect(diff.code, `kubectl diff after a second deploy:\n${diff.stdout}\n${diff.stderr}`).toBe(0);
    const after = await liveAll('kind');
    const bumped = after
      .map((o, i) => ({ o, was: before[i]?.metadata.generation }))
      .filter(({ o, was }) => o.metadata.generation !== was)
      .map(({ o, was }) => `${o.kind}/${o.metadata.name}: generation ${was} -> ${o.metadata.generation}`);
    expect(bumped).toEqual([]);
  });

  test('the HPA controller reconciles every autoscaler and finds its target (status conditions)', async () => {
    // AbleToScale=True proves the controller read the target's scale (a wrong scaleTargetRef gives
    // FailedGetScale). ScalingActive stays False: nothing serves the metrics APIs here (docs/cluster.md).
    type Hpa = Obj & { status: { conditions?: { type: string; status: string; reason: string }[] } };
    // The controller reports the first metric it could not read: Resource (CPU) or Pods (request rate).
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    const firstMetric = (o: Obj): string => (o.spec?.metrics as { type: string }[])[0]?.type ?? '?';
    const conditions = async (): Promise<string[]> => {
      const list = JSON.parse(await kubectlOk(['get', 'hpa', '-n', NAMESPACE, '-o', 'json'])) as {
        items: Hpa[];
      };
      return list.items
        .flatMap((h) =>
          (h.status.conditions ?? [])
            .filter((c) => c.type === 'AbleToScale' || c.type === 'ScalingActive')
            .map((c) => `${h.metadata.name} ${c.type}=${c.status} ${c.reason}`),
        )
        .sort();
    };
    const expected = hpas
      .flatMap((o) => [
        `${o.metadata.name} AbleToScale=True SucceededGetScale`,
        `${o.metadata.name} ScalingActive=False FailedGet${firstMetric(o)}Metric`,
      ])
      .sort();
    await expect.poll(conditions, { timeout: 90_000, interval: 1000 }).toEqual(expected);
  });
});

describe('VirtualService weights: the canary promoter owns them once it has set them', () => {
  test('make deploy neither resets the promoter weights nor fails with a conflict', async () => {
    const vs = await live({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'petstore', namespace: NAMESPACE },
    });
    const synthesizedWeights = weights(vs);
    expect(synthesizedWeights.canary).toBeGreaterThan(0);
    // Play the promoter: the whole routing table (an atomic list in Istio's CRD), canary at 30 %.
    const http = (vs.spec?.http as HttpRoute[]).map((h) =>
      h.name === 'weighted'
        ? { ...h, route: h.route.map((r) => ({ ...r, weight: r.destination.subset === 'canary' ? 30 : 70 })) }
        : h,
    );
    const patch = {
      apiVersion: vs.apiVersion,
      kind: 'VirtualService',
      metadata: { name: 'petstore', namespace: NAMESPACE },
      spec: { http },
    };
    await kubectlOk(
      [
        'apply',
        '--server-side',
        `--field-manager=${FIELD_MANAGERS.promoter}`,
        '--force-conflicts',
        '-f',
        '-',
      ],
      JSON.stringify(patch),
    );

    const out = await deploy();
    expect(out).toMatch(
      new RegExp(`petstore/petstore: traffic routing is owned by ${FIELD_MANAGERS.promoter}`),
    );
    expect(weights(await live(vs))).toEqual({ stable: 70, canary: 30 });
    const diff = await make(['deploy-diff', 'CLUSTER=local']);
    expect(diff.code, diff.stdout).toBe(0);

    // Taking the routing back is explicit, and then the synthesized split is what the deploy applies.
    await deploy('RESET_ROUTES=1');
    const taken = await live(vs);
    expect(weights(taken)).toEqual(synthesizedWeights);
    expect(taken.metadata.managedFields?.map((m) => m.manager)).not.toContain(FIELD_MANAGERS.promoter);
  });
});

describe('the API server rejects what it must (server-side dry run)', () => {
  const dryRun = (o: object): ReturnType<typeof kubectl> =>
    kubectl(
      ['apply', '--server-side', '--dry-run=server', '--field-manager=mmf-test', '-f', '-'],
      JSON.stringify(o),
    );

  const virtualService = (weight: unknown, timeout: string): object => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'rejects', namespace: NAMESPACE },
    spec: {
      hosts: ['rejects'],
      http: [{ timeout, route: [{ destination: { host: 'rejects', subset: 'stable' }, weight }] }],
    },
  });
  const hpa = (minReplicas: number, maxReplicas: number): object => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'rejects', namespace: NAMESPACE },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'order' },
      minReplicas,
      maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  });

  test('the valid variants are accepted (so each rejection below is about the one bad field)', async () => {
    expect((await dryRun(virtualService(100, '5s'))).code).toBe(0);
    expect((await dryRun(hpa(2, 4))).code).toBe(0);
  });

  test('a VirtualService weight given as a string', async () => {
    const r = await dryRun(virtualService('100', '5s'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /\.spec\.http\[0\]\.route\[0\]\.weight: expected numeric \(int or float\), got string/,
    );
  });

  test('an HPA whose minReplicas exceeds maxReplicas', async () => {
    const r = await dryRun(hpa(5, 2));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/minReplicas.*must be less than or equal to maxReplicas|maxReplicas/);
  });

  test('an invalid Istio duration (CEL validation in the CRD)', async () => {
    const r = await dryRun(virtualService(100, '5 seconds'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/timeout.*must be a valid duration/);
  });
});
