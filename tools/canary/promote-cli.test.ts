// make promote without a cluster: DRY_RUN=1 prints the whole plan (steps, timing, the weight patches
// and the Prometheus queries) and exits 0; a real run with no reachable cluster fails with a message.
// The Kubernetes calls themselves are tested against a real API server in
// test/cluster/promote.cluster.test.ts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../stack/stack.ts';

function cli(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools/canary/promote-cli.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      KUBECONFIG: join(ROOT, '.run', 'no-such-kubeconfig'),
      HOME: '/nonexistent',
      ...env,
    },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('make promote DRY_RUN=1', () => {
  it('prints the plan of the kind profile without a cluster', () => {
    const r = cli({ DRY_RUN: '1', PROFILE: 'kind' });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/steps 10 → 30 → 50 → 100 % \(canary weight\); interval 30 s; soak 60 s at 100 %/);
    expect(r.out).toMatch(/field manager mmf-canary-promoter, force/);
    expect(r.out).toMatch(/ {2}30 % {2}petstore: stable 70 \/ canary 30; ingress: stable 70 \/ canary 30/);
    expect(r.out).toMatch(/rollback: the same at 0 %; halt: back to 10 %/);
    expect(r.out).toMatch(/mmf_http_server_request_duration_seconds_bucket\{app="petstore"/);
    expect(r.out).toMatch(/istio_requests_total\{reporter="destination"/);
  });

  it('takes the production timing from its profile', () => {
    const r = cli({ DRY_RUN: '1', PROFILE: 'production' });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/interval 60 s; soak 900 s at 100 %/);
  });

  it('refuses an unknown profile, and fails with a message when no cluster is reachable', () => {
    expect(cli({ DRY_RUN: '1', PROFILE: 'staging' }).code).toBe(2);
    const r = cli({ PROFILE: 'kind' });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/cluster|context|kubeconfig|ECONNREFUSED/i);
  });

  it('is what make runs, with the cluster context', () => {
    const r = spawnSync('make', ['--no-print-directory', '-n', 'promote', 'DRY_RUN=1'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout).toContain(
      'DRY_RUN=1 PROFILE=kind KUBE_CONTEXT=kind-petstore node tools/canary/promote-cli.ts',
    );
    const load = spawnSync('make', ['--no-print-directory', '-n', 'canary-load'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(load.stdout).toContain('bin/k6 archive --quiet load/scenarios/canary.ts -O build/load/canary.tar');
    expect(load.stdout).toContain('dist/kind/load/k6-canary-promotion.k8s.yaml');
  });
});
