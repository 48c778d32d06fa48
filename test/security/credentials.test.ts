// No password, token or key value anywhere in the repository or in what `make synth` writes (both
// profiles, the add-on values, rules and dashboards). The scanner is first shown to find each kind
// of credential; its samples are assembled at run time so this file holds none of them itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { synthAll } from '../../charts-src/main.ts';
import { type Allowed, type Finding, scanObjects, scanText, withoutAllowed } from './credentials.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Look like credentials, are not: each with its reason. Keep this list short. */
const ALLOWED: readonly Allowed[] = [
  {
    file: 'services/kit/kit.test.ts',
    excerpt: 'sekrit-value',
    reason: 'a made-up password in a config test that proves error messages never echo it',
  },
  {
    file: 'services/kit/kit.test.ts',
    excerpt: 'p@ss:w/rd',
    reason: 'a made-up password with the characters a URL must encode (config test)',
  },
];

const join2 = (...parts: string[]) => parts.join('');

describe('the scanner finds each kind of credential', () => {
  const pw = join2('pass', 'word');
  const cases: [string, string, string][] = [
    ['yaml.yaml', `stringData:\n  ${pw}: change-me-before-apply\n`, 'credential-named key'],
    ['values.ts', `grafana: { admin${join2('Pass', 'word')}: 'admin' },`, 'credential-named key'],
    ['app.env', `DB_${pw.toUpperCase()}=hunter2\n`, 'credential-named key'],
    ['x.json', `{"api_${'key'}": "abc123def456"}`, 'credential-named key'],
    ['url.ts', `const u = 'postgres://petstore:${join2('s3', 'cret')}@db:5432/x';`, 'password in a URL'],
    ['key.pem', `-----BEGIN ${join2('RSA PRIV', 'ATE')} KEY-----\nMIIE\n`, 'private key'],
    ['aws.txt', `id ${join2('AKIA', 'ABCDEFGHIJKLMNOP')}`, 'aws access key id'],
    ['gh.txt', `token ${join2('ghp', '_')}${'a'.repeat(36)}`, 'github token'],
  ];
  it.each(cases)('%s', (file, text, rule) => {
    expect(scanText(file, text).map((f) => f.rule)).toContainEqual(expect.stringContaining(rule));
  });

  it('and leaves references, masks and names alone', () => {
    const text = [
      `${pw}: \${POSTGRES_${pw.toUpperCase()}}`,
      `parsed.${pw} = '***';`,
      `automountServiceAccount${join2('To', 'ken')}: false`,
      'existingSecret: grafana-admin',
      `${pw}Key: admin-${pw}`,
      `--from-literal=${pw}="$(openssl rand -base64 32)"`,
      'postgres://petstore@postgres.petstore.svc.cluster.local:5432/petstore',
      `const ${pw} = databaseSecret(profile);`,
    ].join('\n');
    expect(scanText('ok.ts', text)).toEqual([]);
  });

  it('finds Secrets with values and literal credential env vars in Kubernetes objects', () => {
    const objects = [
      { kind: 'Secret', metadata: { name: 's' }, stringData: { x: 'y' } },
      {
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          template: {
            spec: { containers: [{ env: [{ name: `POSTGRES_${pw.toUpperCase()}`, value: 'x1' }] }] },
          },
        },
      },
    ];
    expect(scanObjects('f.yaml', objects).map((f) => f.rule)).toEqual([
      'a Secret with values in a synthesized file',
      'credential-named env var with a literal value',
    ]);
  });
});

function isText(buffer: Buffer): boolean {
  return !buffer.subarray(0, 8000).includes(0);
}

function scanFile(path: string, name: string): Finding[] {
  const buffer = readFileSync(path);
  if (!isText(buffer)) return [];
  const text = buffer.toString('utf8');
  const found = scanText(name, text);
  if (/\.ya?ml$/.test(name)) {
    const objects = parseAllDocuments(text)
      .map((d) => d.toJSON() as Record<string, unknown> | null)
      .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object');
    found.push(...scanObjects(name, objects));
  }
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const format = (f: Finding) => `${f.file}:${f.line} ${f.rule}: ${f.excerpt}`;

describe('no credential value in', () => {
  it('the repository (tracked and new files)', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => f !== '');
    expect(files.length).toBeGreaterThan(100);
    const findings = files.flatMap((f) => {
      try {
        return scanFile(join(ROOT, f), f);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; // deleted, not yet staged
        throw err;
      }
    });
    expect(withoutAllowed(findings, ALLOWED).map(format)).toEqual([]);
    // Every allowance is still needed (a stale one would hide nothing but mislead).
    for (const a of ALLOWED) {
      expect(
        findings.some((f) => f.file === a.file && f.excerpt.includes(a.excerpt)),
        a.excerpt,
      ).toBe(true);
    }
  });

  const dist = mkdtempSync(join(tmpdir(), 'mmf-dist-'));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('dist/ as make synth writes it (both profiles, add-on values, rules, dashboards)', () => {
    synthAll(dist);
    const files = walk(dist);
    const names = files.map((f) => relative(dist, f));
    for (const part of ['kind/10-petstore.k8s.yaml', 'production/10-petstore.k8s.yaml']) {
      expect(names).toContain(part);
    }
    expect(names.some((n) => n.startsWith('platform/'))).toBe(true);
    const findings = files.flatMap((f) => scanFile(f, relative(dist, f)));
    expect(findings.map(format)).toEqual([]);
  });
});
