import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { readSkips } from './run.ts';

describe('tools/checkov/skips.yaml', () => {
  test('production skips nothing; kind skips only the two image checks, each with its reason', () => {
    const skips = readSkips();
    expect(skips.production).toEqual({});
    expect(Object.keys(skips.kind).sort()).toEqual(['CKV_K8S_15', 'CKV_K8S_43']);
  });

  test('a skip without a reason, or not a Kubernetes check id, is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmf-skips-'));
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return pathToFileURL(join(dir, name));
    };
    expect(() => readSkips(file('a.yaml', 'kind:\n  CKV_K8S_15: ok\nproduction: {}\n'))).toThrow(
      /kind: CKV_K8S_15 needs its reason/,
    );
    expect(() =>
      readSkips(file('b.yaml', `kind:\n  CKV_AWS_1: ${'x'.repeat(30)}\nproduction: {}\n`)),
    ).toThrow(/CKV_AWS_1 is not a checkov Kubernetes check id/);
  });
});
