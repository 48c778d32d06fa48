import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { CRD_RELEASES, type CrdRelease, locateCrds } from './crds.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const CONTENT = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n';
const release: CrdRelease = {
  dir: 'example-1.0.0',
  repo: 'example/api',
  tag: 'v1.0.0',
  commit: 'c0ffee',
  files: [{ name: 'crd.yaml', upstreamPath: 'deploy/crd.yaml', sha256: sha(CONTENT) }],
};

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(os.tmpdir(), 'mmf-crds-'));
  dirs.push(d);
  return d;
}

/** Serves `body` for <repo>/<commit>/<path> of the release; counts requests. */
async function upstream(body: string): Promise<{ url: string; requests: string[]; close: () => void }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/example/api/c0ffee/deploy/crd.yaml') res.end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => server.close(),
  };
}

describe('locateCrds', () => {
  test('records every add-on release the charts use, each file with a SHA-256', () => {
    expect(CRD_RELEASES.map((r) => r.dir)).toEqual([
      'istio-1.29.2',
      'prometheus-operator-v0.86.0',
      'vpa-1.4.1',
    ]);
    expect(CRD_RELEASES.flatMap((r) => r.files)).toHaveLength(12);
    for (const f of CRD_RELEASES.flatMap((r) => r.files)) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('uses the shared folder when present and checks each file against the recorded sum', async () => {
    const shared = await tempDir();
    await mkdir(join(shared, release.dir));
    await writeFile(join(shared, release.dir, 'crd.yaml'), CONTENT);
    const found = await locateCrds({ root: '/nonexistent', sharedDir: shared, releases: [release] });
    expect(found).toEqual({ root: shared, source: 'shared', files: [join(shared, release.dir, 'crd.yaml')] });

    await writeFile(join(shared, release.dir, 'crd.yaml'), CONTENT + '# changed\n');
    await expect(
      locateCrds({ root: '/nonexistent', sharedDir: shared, releases: [release] }),
    ).rejects.toThrow(/crd\.yaml: SHA-256 [0-9a-f]{64} does not match the recorded/);
  });

  test('without the shared folder, downloads once into build/crds and verifies', async () => {
    const root = await tempDir();
    const server = await upstream(CONTENT);
    try {
      const opts = { root, sharedDir: join(root, 'absent'), baseUrl: server.url, releases: [release] };
      const found = await locateCrds(opts);
      expect(found.source).toBe('download');
      expect(await readFile(join(root, 'build/crds/example-1.0.0/crd.yaml'), 'utf8')).toBe(CONTENT);
      await locateCrds(opts);
      expect(server.requests).toEqual(['/example/api/c0ffee/deploy/crd.yaml']);
    } finally {
      server.close();
    }
  });

  test('a download whose content differs from the recorded sum is refused and not kept', async () => {
    const root = await tempDir();
    const server = await upstream(CONTENT.replace('v1', 'v2'));
    try {
      await expect(
        locateCrds({ root, sharedDir: join(root, 'absent'), baseUrl: server.url, releases: [release] }),
      ).rejects.toThrow(/does not match the recorded/);
      expect(existsSync(join(root, 'build/crds/example-1.0.0/crd.yaml'))).toBe(false);
    } finally {
      server.close();
    }
  });
});
