// make pin-images (pin-images.sh) against a stand-in `crane` on PATH: no registry is reachable from
// the development machines, so the stand-in answers with a digest derived from the image name. What
// is checked is the script: every <KEY>_DIGEST line of a copy of versions.env gets its image's
// digest, nothing else changes, and an answer that is not a digest stops it with the file intact.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEnvFile } from '../../charts-src/config/versions.ts';

const SCRIPT = new URL('pin-images.sh', import.meta.url).pathname;
const VERSIONS = new URL('versions.env', import.meta.url).pathname;
const standIn = (image: string) => `sha256:${createHash('sha256').update(image).digest('hex')}`;

function setup(crane: string) {
  const dir = mkdtempSync(join(tmpdir(), 'mmf-pin-images-'));
  const file = join(dir, 'versions.env');
  copyFileSync(VERSIONS, file);
  writeFileSync(join(dir, 'crane'), crane);
  chmodSync(join(dir, 'crane'), 0o755);
  const run = () =>
    spawnSync('bash', [SCRIPT, file], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
  return { file, run };
}

describe('pin-images.sh', () => {
  test('writes each image’s digest into its _DIGEST line and changes nothing else', () => {
    const { file, run } = setup(
      '#!/usr/bin/env bash\n[ "$1" = digest ] || exit 9\nprintf "sha256:%s\\n" "$(printf %s "$2" | sha256sum | cut -c1-64)"\n',
    );
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    const before = parseEnvFile(readFileSync(VERSIONS, 'utf8'));
    const after = parseEnvFile(readFileSync(file, 'utf8'));
    const keys = Object.keys(before).filter((k) => k.endsWith('_DIGEST'));
    expect(keys.sort()).toEqual(['JAEGER_IMAGE_DIGEST', 'K6_IMAGE_DIGEST', 'POSTGRES_IMAGE_DIGEST']);
    for (const k of keys) expect(after[k]).toBe(standIn(before[k.replace(/_DIGEST$/, '')] ?? ''));
    for (const k of Object.keys(before).filter((k) => !k.endsWith('_DIGEST')))
      expect(after[k]).toBe(before[k]);
    expect(r.stdout).toContain(`${before.POSTGRES_IMAGE} -> ${after.POSTGRES_IMAGE_DIGEST}`);
  });

  test('an answer that is not a digest stops it, naming the image', () => {
    const { file, run } = setup('#!/usr/bin/env bash\necho "UNAUTHORIZED: authentication required"\n');
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/pin-images: no digest for \S+ \(got 'UNAUTHORIZED: authentication required'\)/);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(VERSIONS, 'utf8'));
  });
});
