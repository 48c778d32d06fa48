// ensureSecret against an in-memory stand-in for kubectl (namespaces and Secrets only). The same
// flow against a real API server: test/cluster/deploy.cluster.test.ts.
import { describe, expect, test } from 'vitest';
import { DATABASE_SECRET, GRAFANA_ADMIN_SECRET } from '../../charts-src/config/credentials.ts';
import { POSTGRES_CREDENTIALS } from '../../charts-src/config/platform.ts';
import { ensureSecret, howToCreate, type Kubectl, randomValue, SecretError } from './secrets.ts';

interface Stored {
  metadata: { name: string; namespace: string };
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

function fakeCluster(namespaces: string[] = []) {
  const ns = new Set(namespaces);
  const secrets = new Map<string, Stored>();
  const calls: string[][] = [];
  const kubectl: Kubectl = async (args, input) => {
    calls.push(args);
    const ok = (stdout = '') => ({ code: 0, stdout, stderr: '' });
    const missing = (what: string) => ({
      code: 1,
      stdout: '',
      stderr: `Error from server (NotFound): ${what} not found`,
    });
    if (args[0] === '-n' && args[2] === 'get' && args[3] === 'secret') {
      const s = secrets.get(`${args[1]}/${args[4]}`);
      return s ? ok(JSON.stringify(s)) : missing(`secrets "${args[4]}"`);
    }
    if (args[0] === 'get' && args[1] === 'namespace')
      return ns.has(args[2] ?? '') ? ok(`namespace/${args[2]}`) : missing(`namespaces "${args[2]}"`);
    if (args[0] === 'create' && args[1] === 'namespace') {
      ns.add(args[2] ?? '');
      return ok();
    }
    if (args[0] === 'create' && args[1] === '-f') {
      const s = JSON.parse(input ?? '') as Stored;
      if (!ns.has(s.metadata.namespace)) return missing(`namespaces "${s.metadata.namespace}"`);
      const data = Object.fromEntries(
        Object.entries(s.stringData ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      );
      secrets.set(`${s.metadata.namespace}/${s.metadata.name}`, { metadata: s.metadata, data });
      return ok(`secret/${s.metadata.name}`);
    }
    return { code: 1, stdout: '', stderr: `fake kubectl: unexpected ${args.join(' ')}` };
  };
  return { kubectl, secrets, calls, ns };
}

const decode = (s: Stored | undefined, key: string) => Buffer.from(s?.data?.[key] ?? '', 'base64').toString();

describe('generated at deploy (kind)', () => {
  test('creates the namespace and a random password once, then keeps it', async () => {
    const c = fakeCluster();
    expect(await ensureSecret(DATABASE_SECRET, 'generated-at-deploy', c.kubectl, 'kind-petstore')).toMatch(
      /petstore\/postgres-credentials created with random values/,
    );
    expect(c.ns.has('petstore')).toBe(true);
    const first = decode(c.secrets.get('petstore/postgres-credentials'), 'password');
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await ensureSecret(DATABASE_SECRET, 'generated-at-deploy', c.kubectl, 'kind-petstore')).toMatch(
      /exists: kept/,
    );
    expect(decode(c.secrets.get('petstore/postgres-credentials'), 'password')).toBe(first);
    expect(c.calls.filter((a) => a[0] === 'create' && a[1] === '-f')).toHaveLength(1);
  });

  test('every cluster gets its own password; fixed keys keep their value', async () => {
    const [a, b] = [fakeCluster(['monitoring']), fakeCluster(['monitoring'])];
    await ensureSecret(GRAFANA_ADMIN_SECRET, 'generated-at-deploy', a.kubectl, 'x');
    await ensureSecret(GRAFANA_ADMIN_SECRET, 'generated-at-deploy', b.kubectl, 'x');
    const [sa, sb] = [a.secrets.get('monitoring/grafana-admin'), b.secrets.get('monitoring/grafana-admin')];
    expect(decode(sa, 'admin-user')).toBe('admin');
    expect(decode(sa, 'admin-password')).not.toBe(decode(sb, 'admin-password'));
    expect(a.calls.some((c) => c[0] === 'create' && c[1] === 'namespace')).toBe(false);
  });

  test('a Secret without the key stops the deploy instead of being replaced', async () => {
    const c = fakeCluster(['petstore']);
    c.secrets.set('petstore/postgres-credentials', {
      metadata: { name: 'postgres-credentials', namespace: 'petstore' },
      data: { username: 'cGV0c3RvcmU=' },
    });
    await expect(ensureSecret(DATABASE_SECRET, 'generated-at-deploy', c.kubectl, 'k')).rejects.toThrow(
      /petstore\/postgres-credentials has no value for password/,
    );
  });
});

describe('provided by the operator (production)', () => {
  test('a missing Secret stops with the commands that create it, and nothing is created', async () => {
    const c = fakeCluster();
    const err = await ensureSecret(DATABASE_SECRET, 'provided-by-operator', c.kubectl, 'prod').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SecretError);
    expect((err as Error).message).toBe(howToCreate(DATABASE_SECRET, 'prod'));
    expect((err as Error).message).toContain(
      'openssl rand -base64 32 | kubectl --context prod -n petstore create secret generic postgres-credentials --from-file=password=/dev/stdin',
    );
    expect((err as Error).message).toMatch(/External Secrets or Sealed Secrets/);
    expect(c.calls.filter((a) => a[0] === 'create')).toEqual([]);
  });

  test('an existing Secret is accepted as it is', async () => {
    const c = fakeCluster(['petstore']);
    c.secrets.set('petstore/postgres-credentials', {
      metadata: { name: 'postgres-credentials', namespace: 'petstore' },
      data: { [POSTGRES_CREDENTIALS.passwordKey]: Buffer.from(randomValue()).toString('base64') },
    });
    expect(await ensureSecret(DATABASE_SECRET, 'provided-by-operator', c.kubectl, 'prod')).toMatch(/kept/);
  });

  test('any other kubectl failure stops with kubectl’s message', async () => {
    const kubectl: Kubectl = () =>
      Promise.resolve({ code: 1, stdout: '', stderr: 'Unable to connect to the server: refused' });
    await expect(ensureSecret(DATABASE_SECRET, 'provided-by-operator', kubectl, 'prod')).rejects.toThrow(
      /failed: Unable to connect to the server: refused/,
    );
  });
});
