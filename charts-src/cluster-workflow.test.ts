// The cluster workflow checked offline: the commands `make -n` says each target would run, the
// pinned versions they use, kind-config.yaml against the NodePorts the add-on values set, the
// kube-score exceptions, and shellcheck on the scripts. (Running them needs docker and a cluster.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { LoadChart } from './charts/load-chart.ts';
import { GRAFANA_ADMIN_KEYS, GRAFANA_ADMIN_SECRET } from './config/credentials.ts';
import { PROFILES } from './config/profiles.ts';
import { parseEnvFile } from './config/versions.ts';
import {
  HOST_PORTS,
  INGRESS_GATEWAY_RELEASE,
  INGRESS_NAMESPACE,
  ISTIO_NAMESPACE,
  MONITORING_NAMESPACE,
  NODE_PORTS,
} from './config/platform.ts';
import {
  ADDON_VALUES,
  ingressGatewayValues,
  kubePrometheusStackValues,
  RELEASES,
} from './platform/addon-values.ts';
import { SCORE_IGNORE, SCORE_REASON_PREFIX } from './lib/labels.ts';
import { synthesized } from '../test/charts/synth.ts';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const versions = parseEnvFile(read('tools/cluster/versions.env'));

function dryRun(...args: string[]): string[] {
  const result = spawnSync('make', ['--no-print-directory', '-n', ...args], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\n').filter((l) => l.trim() !== '');
}

const context = 'kind-petstore';

describe('make -n: cluster targets', () => {
  it('kind-up creates the pinned 3-node cluster and installs every add-on at its pinned version', () => {
    const lines = dryRun('kind-up');
    expect(lines[0]).toBe('node charts-src/main.ts dist'); // values files come from the synth
    expect(lines).toContain(
      `kind get clusters | grep -qx 'petstore' || kind create cluster --name petstore --config kind-config.yaml --image ${versions.KIND_NODE_IMAGE} --wait 120s`,
    );
    const helm = lines.filter((l) => l.startsWith('helm ') && l.includes('upgrade --install'));
    const installs = helm.map((l) => {
      const [, release, chart] = /upgrade --install (\S+) (\S+)/.exec(l) ?? [];
      const version = /--version (\S+)/.exec(l)?.[1];
      const namespace = /--namespace (\S+)/.exec(l)?.[1];
      const values = /-f dist\/platform\/(\S+)-values\.yaml/.exec(l)?.[1];
      return {
        release,
        chart,
        version,
        namespace,
        values,
        context: l.startsWith(`helm --kube-context ${context} `),
      };
    });
    expect(installs).toEqual([
      {
        release: 'metrics-server',
        chart: 'metrics-server/metrics-server',
        version: versions.METRICS_SERVER_CHART_VERSION,
        namespace: 'kube-system',
        values: 'metrics-server',
        context: true,
      },
      {
        release: 'istio-base',
        chart: 'istio/base',
        version: versions.ISTIO_VERSION,
        namespace: ISTIO_NAMESPACE,
        values: undefined,
        context: true,
      },
      {
        // The CNI node agent: injected pods then need no NET_ADMIN, as Pod Security `restricted` requires.
        release: 'istio-cni',
        chart: 'istio/cni',
        version: versions.ISTIO_VERSION,
        namespace: ISTIO_NAMESPACE,
        values: undefined,
        context: true,
      },
      {
        release: 'istiod',
        chart: 'istio/istiod',
        version: versions.ISTIO_VERSION,
        namespace: ISTIO_NAMESPACE,
        values: 'istiod',
        context: true,
      },
      {
        release: INGRESS_GATEWAY_RELEASE,
        chart: 'istio/gateway',
        version: versions.ISTIO_VERSION,
        namespace: INGRESS_NAMESPACE,
        values: 'istio-ingressgateway',
        context: true,
      },
      {
        release: RELEASES.kubePrometheusStack,
        chart: 'prometheus-community/kube-prometheus-stack',
        version: versions.KUBE_PROMETHEUS_STACK_CHART_VERSION,
        namespace: MONITORING_NAMESPACE,
        values: 'kube-prometheus-stack',
        context: true,
      },
      {
        release: RELEASES.prometheusAdapter,
        chart: 'prometheus-community/prometheus-adapter',
        version: versions.PROMETHEUS_ADAPTER_CHART_VERSION,
        namespace: MONITORING_NAMESPACE,
        values: 'prometheus-adapter',
        context: true,
      },
      {
        release: 'vpa',
        chart: 'fairwinds-stable/vpa',
        version: versions.VPA_CHART_VERSION,
        namespace: 'vpa',
        values: 'vpa',
        context: true,
      },
    ]);
    // Grafana's login Secret exists before the stack that reads it is installed; grafana-password reads it.
    const secrets = lines.indexOf(
      `node tools/cluster/secrets.ts --context ${context} --profile kind kind-up`,
    );
    const stack = lines.findIndex((l) => l.includes(`upgrade --install ${RELEASES.kubePrometheusStack} `));
    expect(secrets).toBeGreaterThan(0);
    expect(secrets).toBeLessThan(stack);
    expect(dryRun('grafana-password')[0]).toContain(
      `-n ${GRAFANA_ADMIN_SECRET.namespace} get secret ${GRAFANA_ADMIN_SECRET.name} -o jsonpath='{.data.${GRAFANA_ADMIN_KEYS.passwordKey}}'`,
    );
    // Every values file the recipe names is one the synth writes.
    for (const i of installs) if (i.values) expect(Object.keys(ADDON_VALUES)).toContain(i.values);
    // Every chart repository the installs use is added.
    for (const repo of new Set(installs.map((i) => i.chart?.split('/')[0]))) {
      expect(lines.some((l) => l.startsWith(`helm repo add ${String(repo)} https://`))).toBe(true);
    }
  });

  it('deploy synthesizes, builds and loads images, applies server-side to the kind context and waits', () => {
    const lines = dryRun('deploy');
    expect(lines).toEqual([
      'node charts-src/main.ts dist',
      'tools/cluster/require.sh docker kind node',
      `tools/cluster/images.sh petstore ${versions.NODE_IMAGE} $(node charts-src/images.ts kind)`,
      'tools/cluster/require.sh kubectl',
      `node tools/cluster/secrets.ts --context ${context} --profile kind deploy`,
      `node tools/cluster/apply.ts --context ${context}  dist/kind/00-namespace.k8s.yaml dist/kind/10-petstore.k8s.yaml`,
      `tools/cluster/wait-rollout.sh ${context} petstore 300`,
      expect.stringMatching(/^echo "storefront: http:\/\/localhost:8080\//),
    ]);
  });

  it('deploy CLUSTER=local: the same apply and rollout wait on the local control plane, no images', () => {
    expect(dryRun('deploy', 'CLUSTER=local')).toEqual([
      'node charts-src/main.ts dist',
      expect.stringMatching(/^node tools\/control-plane\/cli.ts status >\/dev\/null \|\|/),
      expect.stringContaining('the local control plane is not running: make control-plane first'),
      'tools/cluster/require.sh kubectl',
      'node tools/cluster/secrets.ts --context mmf-local --profile kind deploy',
      'node tools/cluster/apply.ts --context mmf-local  dist/kind/00-namespace.k8s.yaml dist/kind/10-petstore.k8s.yaml',
      'tools/cluster/wait-rollout.sh mmf-local petstore 300',
    ]);
    // Production checks the operator's Secret before anything is applied (tools/cluster/secrets.ts).
    expect(dryRun('deploy', 'CLUSTER=local', 'PROFILE=production')).toContain(
      'node tools/cluster/secrets.ts --context mmf-local --profile production deploy',
    );
    expect(dryRun('deploy-dry-run', 'CLUSTER=local', 'PROFILE=production').at(-1)).toBe(
      'node tools/cluster/apply.ts --context mmf-local  --dry-run dist/production/00-namespace.k8s.yaml dist/production/10-petstore.k8s.yaml',
    );
    expect(dryRun('deploy', 'RESET_ROUTES=1')).toContain(
      `node tools/cluster/apply.ts --context ${context} --reset-routes dist/kind/00-namespace.k8s.yaml dist/kind/10-petstore.k8s.yaml`,
    );
  });

  it('pin-images writes the digests into versions.env; image-pins checks the production profile', () => {
    expect(dryRun('pin-images')).toEqual(['tools/cluster/pin-images.sh tools/cluster/versions.env']);
    expect(dryRun('image-pins').at(-1)).toBe('node charts-src/images.ts --unpinned production');
  });

  it('the image tags are the versions the kind profile deploys', () => {
    const result = spawnSync('node', ['charts-src/images.ts', 'kind'], { cwd: root, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('mmf-petstore:0.1.0 mmf-petstore:0.2.0');
    const images = synthesized('kind')
      .main.filter((o) => o.kind === 'Deployment' && String(o.metadata.name).startsWith('petstore'))
      .map(
        (d) =>
          (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]
            ?.image,
      );
    expect(images.sort()).toEqual(result.stdout.trim().split(' ').sort());
  });

  it('load-cluster archives the scenario with the pinned k6, applies its Job and waits for it', () => {
    const lines = dryRun('load-cluster', 'SCENARIO=baseline');
    expect(lines).toContain('bin/k6 archive --quiet load/scenarios/baseline.ts -O build/load/baseline.tar');
    expect(lines).toContain(
      `node tools/cluster/apply.ts --context ${context}  dist/kind/load/k6-baseline.k8s.yaml`,
    );
    expect(lines.at(-1)).toBe(`tools/cluster/wait-job.sh ${context} petstore k6-baseline 1800`);
    // The Job's k6 image is the k6 that archives the script.
    const k6Version = /^K6_VERSION := v(\S+)/m.exec(read('mk/load.mk'))?.[1];
    expect(versions.K6_IMAGE).toBe(`grafana/k6:${String(k6Version)}`);
  });

  it('hpa-watch and kind-down', () => {
    expect(dryRun('hpa-watch')).toEqual([`kubectl --context ${context} -n petstore get hpa --watch`]);
    expect(dryRun('kind-down')).toEqual(['kind delete cluster --name petstore']);
  });

  it('kube-score: pinned, scores every file of both profiles for the kind node version, fails on warnings', () => {
    const lines = dryRun('kube-score');
    expect(lines[0]).toBe('node charts-src/main.ts dist');
    expect(lines).toContain(
      `  go install github.com/zegl/kube-score/cmd/kube-score@${versions.KUBE_SCORE_VERSION}; fi`,
    );
    expect(lines).toContain('for profile in kind production; do \\');
    const score = lines.find((l) => l.trim().startsWith('bin/kube-score score '));
    const minor = /:(v\d+\.\d+)\.\d+@/.exec(versions.KIND_NODE_IMAGE ?? '')?.[1];
    expect(minor).toMatch(/^v1\.\d+$/);
    expect(score).toContain(
      `--kubernetes-version ${String(minor)} --output-format ci --exit-one-on-warning `,
    );
    expect(score).toContain(
      ' dist/$profile/*.yaml dist/$profile/load/*.yaml > build/kube-score-$profile.txt',
    );
    expect(dryRun('cluster-check')).toEqual(
      expect.arrayContaining([...lines, 'shellcheck tools/cluster/*.sh']),
    );
  });
});

describe('kind-config.yaml', () => {
  const [config] = Yaml.load(new URL('kind-config.yaml', root).pathname) as {
    nodes: {
      role: string;
      image?: string;
      extraPortMappings?: { containerPort: number; hostPort: number; listenAddress?: string }[];
    }[];
  }[];

  it('has one control plane and two workers, image from versions.env only', () => {
    expect(config?.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker']);
    expect(config?.nodes.every((n) => n.image === undefined)).toBe(true);
  });

  it('maps the ingress gateway and Grafana NodePorts to localhost', () => {
    const mappings = config?.nodes.flatMap((n) => n.extraPortMappings ?? []);
    expect(mappings).toEqual([
      expect.objectContaining({
        containerPort: NODE_PORTS.ingressHttp,
        hostPort: HOST_PORTS.ingressHttp,
        listenAddress: '127.0.0.1',
      }),
      expect.objectContaining({
        containerPort: NODE_PORTS.grafana,
        hostPort: HOST_PORTS.grafana,
        listenAddress: '127.0.0.1',
      }),
    ]);
    const gatewayPorts = (ingressGatewayValues().service as { ports: { nodePort?: number }[] }).ports;
    expect(gatewayPorts.map((p) => p.nodePort)).toContain(NODE_PORTS.ingressHttp);
    const grafana = kubePrometheusStackValues().grafana as { service: { nodePort: number } };
    expect(grafana.service.nodePort).toBe(NODE_PORTS.grafana);
  });
});

describe('kube-score exceptions', () => {
  it('every check an object skips has its reason on the object, and every reason names a skipped check', () => {
    for (const profile of ['kind', 'production'] as const) {
      const objects = synthesized(profile).all;
      let skipped = 0;
      for (const o of objects) {
        const annotations = (o.metadata as { annotations?: Record<string, string> }).annotations ?? {};
        const checks = annotations[SCORE_IGNORE]?.split(',') ?? [];
        const reasons = Object.keys(annotations)
          .filter((k) => k.startsWith(SCORE_REASON_PREFIX))
          .map((k) => k.slice(SCORE_REASON_PREFIX.length));
        const where = `${profile} ${o.kind}/${String(o.metadata.name)}`;
        expect(reasons.sort(), where).toEqual([...checks].sort());
        for (const c of checks) {
          expect(annotations[`${SCORE_REASON_PREFIX}${c}`]?.length, `${where} ${c}`).toBeGreaterThan(40);
        }
        skipped += checks.length;
      }
      expect(skipped, profile).toBeGreaterThan(0);
    }
  });

  it('production skips no replica checks: at least 2 pods everywhere except the in-memory trace store', () => {
    const skippers = synthesized('production')
      .all.filter((o) =>
        /replicas/.test(
          (o.metadata as { annotations?: Record<string, string> }).annotations?.[SCORE_IGNORE] ?? '',
        ),
      )
      .map((o) => `${o.kind}/${String(o.metadata.name)}`);
    expect(skippers).toEqual(['Deployment/jaeger']);
  });

  it('every bundle-wide exception in mk/cluster.mk carries a comment with its reason', () => {
    const lines = read('mk/cluster.mk').split('\n');
    const ignores = lines.flatMap((l, i) => (l.startsWith('KUBE_SCORE_IGNORE +=') ? [i] : []));
    expect(ignores.length).toBeGreaterThan(0);
    for (const i of ignores) expect(lines[i - 1], lines[i]).toMatch(/^# \S/);
  });
});

describe('shell scripts', () => {
  it('pass shellcheck', () => {
    const scripts = readdirSync(new URL('tools/cluster/', root)).filter((f) => f.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    const result = spawnSync(
      'shellcheck',
      scripts.map((s) => `tools/cluster/${s}`),
      { cwd: root, encoding: 'utf8' },
    );
    expect(result.error, 'shellcheck is not installed (tools/install-system.sh)').toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('require.sh names what is missing', () => {
    const result = spawnSync('tools/cluster/require.sh', ['sh', 'definitely-not-a-command-xyz'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('missing commands: definitely-not-a-command-xyz');
  });
});

describe('make synth', () => {
  it('writes both profiles, their load Jobs and the add-on values in under 5 s', () => {
    const out = mkdtempSync(join(tmpdir(), 'synth-'));
    try {
      // CPU seconds (user + sys) of the synth process: wall time in a parallel test run measures the
      // other test files too; on an idle machine wall time is about the CPU time (1.3 s here).
      const result = spawnSync('bash', ['-c', 'TIMEFORMAT="%U %S"; time node charts-src/main.ts "$0"', out], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      const [user = 0, sys = 0] = (result.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      expect(user + sys).toBeGreaterThan(0);
      expect(user + sys).toBeLessThan(5);
      for (const profile of ['kind', 'production']) {
        expect(readdirSync(join(out, profile)).sort()).toEqual([
          '00-namespace.k8s.yaml',
          '10-petstore.k8s.yaml',
          'load',
        ]);
        expect(readdirSync(join(out, profile, 'load')).length).toBeGreaterThan(0);
      }
      expect(readdirSync(join(out, 'platform')).sort()).toEqual(
        Object.keys(ADDON_VALUES)
          .map((n) => `${n}-values.yaml`)
          .sort(),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('load Job with a k6 archive', () => {
  it('ships the archive as binaryData and runs it', () => {
    const app = new App({ outdir: '/nonexistent' });
    const archive = Buffer.from([0x75, 0x73, 0x74, 0x61, 0x72, 0x00, 0xff]);
    const chart = new LoadChart(app, 'load', PROFILES.kind, 'baseline', {
      kind: 'archive',
      content: archive,
    });
    const objects = chart.toJson() as { kind: string; binaryData?: Record<string, string>; spec?: unknown }[];
    const cm = objects.find((o) => o.kind === 'ConfigMap');
    expect(Buffer.from(cm?.binaryData?.['archive.tar'] ?? '', 'base64')).toEqual(archive);
    const job = objects.find((o) => o.kind === 'Job') as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    expect(job.spec.template.spec.containers[0]?.args).toEqual(['run', '/scripts/archive.tar']);
  });
});
