// The Secrets a deploy needs (charts-src/config/credentials.ts), made sure of before anything that
// reads them is applied. A profile whose credentials are generated at deploy (kind) gets each
// missing Secret created with random values, and an existing one kept as it is (never rotated under
// running pods); a profile whose operator provides them (production) only checks, and stops with
// the commands that create a missing one. Nothing is written to disk; values go to kubectl on stdin.
// usage: node tools/cluster/secrets.ts --context CTX --profile kind|production kind-up|deploy
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type ClusterSecret, SECRETS_BY_STEP, type SecretStep } from '../../charts-src/config/credentials.ts';
import { PROFILES, type Profile, type ProfileName } from '../../charts-src/config/profiles.ts';
import { PART_OF } from '../../charts-src/lib/labels.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}
/** kubectl with the deploy's context already given; `input` goes to its stdin. */
export type Kubectl = (args: string[], input?: string) => Promise<KubectlResult>;

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** 32 URL-safe characters (192 random bits): no quoting trouble in a URL, a shell or YAML. */
export function randomValue(): string {
  return randomBytes(24).toString('base64url');
}

const notFound = (r: KubectlResult): boolean => r.code !== 0 && /\(NotFound\)|not found/i.test(r.stderr);

async function exists(kubectl: Kubectl, args: string[]): Promise<boolean> {
  const r = await kubectl(['get', ...args, '-o', 'name']);
  if (r.code === 0) return true;
  if (notFound(r)) return false;
  throw new SecretError(`kubectl get ${args.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
}

/** What an operator runs to create the Secret. One random value comes from stdin, so it is never on
 * a command line (visible in `ps`) or in a file; more than one would need a file each. */
export function howToCreate(secret: ClusterSecret, context: string): string {
  const k = `kubectl --context ${context}`;
  const random = Object.entries(secret.keys).filter(([, v]) => v === 'random');
  const piped = random.length === 1;
  const from = Object.entries(secret.keys).map(([key, v]) => {
    if (v !== 'random') return `--from-literal=${key}=${v.value}`;
    return piped ? `--from-file=${key}=/dev/stdin` : `--from-literal=${key}="$(openssl rand -base64 32)"`;
  });
  const create = `${k} -n ${secret.namespace} create secret generic ${secret.name} ${from.join(' ')}`;
  return [
    `Secret ${secret.namespace}/${secret.name} does not exist. It holds ${secret.purpose}.`,
    `This profile ships no credentials: the operator provides them. Create it (keys: ${Object.keys(secret.keys).join(', ')}):`,
    `  ${k} create namespace ${secret.namespace}   # if it does not exist yet`,
    `  ${piped ? `openssl rand -base64 32 | ${create}` : create}`,
    `or let External Secrets or Sealed Secrets create a Secret of that name with those keys (README, "Security").`,
  ].join('\n');
}

function secretManifest(secret: ClusterSecret): string {
  const stringData = Object.fromEntries(
    Object.entries(secret.keys).map(([key, v]) => [key, v === 'random' ? randomValue() : v.value]),
  );
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: secret.name,
      namespace: secret.namespace,
      labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'make-deploy' },
      annotations: {
        'mmf-petstore/generated': 'random values from tools/cluster/secrets.ts; kept across deploys',
      },
    },
    stringData,
  });
}

/** Makes sure one Secret exists with every key; returns what it did, throws SecretError otherwise. */
export async function ensureSecret(
  secret: ClusterSecret,
  mode: Profile['credentials'],
  kubectl: Kubectl,
  context: string,
): Promise<string> {
  const where = `${secret.namespace}/${secret.name}`;
  const got = await kubectl(['-n', secret.namespace, 'get', 'secret', secret.name, '-o', 'json']);
  if (got.code === 0) {
    const data = (JSON.parse(got.stdout) as { data?: Record<string, string> }).data ?? {};
    const missing = Object.keys(secret.keys).filter((k) => !data[k]);
    if (missing.length > 0) {
      throw new SecretError(
        `Secret ${where} has no value for ${missing.join(', ')}; it must hold ${secret.purpose}. ` +
          `Add the key(s) or delete the Secret (${mode === 'generated-at-deploy' ? 'the next deploy generates it' : 'then create it as the README says'}).`,
      );
    }
    return `Secret ${where} exists: kept`;
  }
  if (!notFound(got)) {
    throw new SecretError(`kubectl get secret ${where} failed: ${got.stderr.trim() || `exit ${got.code}`}`);
  }
  if (mode === 'provided-by-operator') throw new SecretError(howToCreate(secret, context));
  if (!(await exists(kubectl, ['namespace', secret.namespace]))) {
    const ns = await kubectl(['create', 'namespace', secret.namespace]);
    if (ns.code !== 0)
      throw new SecretError(`cannot create namespace ${secret.namespace}: ${ns.stderr.trim()}`);
  }
  // create, not apply: if another deploy created it meanwhile, this fails instead of replacing it.
  const created = await kubectl(['create', '-f', '-', '-o', 'name'], secretManifest(secret));
  if (created.code !== 0) throw new SecretError(`cannot create Secret ${where}: ${created.stderr.trim()}`);
  return `Secret ${where} created with random values (kept across deploys; never written to dist/)`;
}

function kubectlFor(context: string): Kubectl {
  return (args, input) =>
    new Promise((resolve, reject) => {
      const child = spawn('kubectl', ['--context', context, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { context: { type: 'string' }, profile: { type: 'string' } },
    allowPositionals: true,
  });
  const profile = PROFILES[values.profile as ProfileName] as Profile | undefined;
  const step = positionals[0] as SecretStep | undefined;
  if (!values.context || !profile || positionals.length !== 1 || !step || !(step in SECRETS_BY_STEP)) {
    console.error(
      `usage: secrets.ts --context CTX --profile ${Object.keys(PROFILES).join('|')} ${Object.keys(SECRETS_BY_STEP).join('|')}`,
    );
    process.exit(2);
  }
  const kubectl = kubectlFor(values.context);
  for (const secret of SECRETS_BY_STEP[step] as readonly ClusterSecret[]) {
    try {
      console.log(await ensureSecret(secret, profile.credentials, kubectl, values.context));
    } catch (err) {
      if (!(err instanceof SecretError)) throw err;
      console.error(err.message);
      process.exit(1);
    }
  }
}

if (import.meta.main) await main();
