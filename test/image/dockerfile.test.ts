// The Dockerfile checked offline (no Docker engine here): its structure and pins are compared with
// the charts and the toolchain, and the build context is computed from .dockerignore the way Docker
// computes it. Building and running the image is `make image-check` (check.ts beside this file).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../catalog/services.ts';
import { SERVICE_UID } from '../../charts-src/config/platform.ts';
import { parseEnvFile } from '../../charts-src/config/versions.ts';
import { contextFiles, dockerignoreRules } from './context.ts';
import { copyOperands, parseDockerfile, stagesOf } from './dockerfile.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const instructions = parseDockerfile(read('Dockerfile'));
const versions = parseEnvFile(read('tools/cluster/versions.env'));
const stages = () => stagesOf(instructions);

describe('Dockerfile structure', () => {
  const all = stages();
  const runtime = all.at(-1);

  it('builds in named stages from the pinned Node 24 base image of versions.env and package.json', () => {
    expect(all.map((s) => s.name)).toEqual(['deps', 'build', 'runtime']);
    for (const s of all) expect(s.from).toBe('${NODE_IMAGE}');
    const arg = instructions.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    expect(arg?.args).toBe(`NODE_IMAGE=${versions.NODE_IMAGE}`);
    const nodeVersion = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> })
      .devDependencies.node;
    expect(versions.NODE_IMAGE).toBe(`node:${String(nodeVersion)}-bookworm-slim`);
    expect(String(nodeVersion).split('.')[0]).toBe(read('.nvmrc').trim().split('.')[0]);
  });

  it('copies only from earlier stages and only paths the build context holds', () => {
    const names = all.map((s) => s.name);
    expect(dockerignoreRules(root)[0]).toBe('*');
    const context = contextFiles(root);
    all.forEach((stage, index) => {
      for (const ins of stage.body.filter((i) => i.op === 'COPY' && !i.heredoc)) {
        const { from, sources } = copyOperands(ins);
        if (from) expect(names.slice(0, index)).toContain(from);
        else
          for (const src of sources.map((s) => s.replace(/\/$/, ''))) {
            expect(
              context.some((f) => f === src || f.startsWith(`${src}/`)),
              `COPY ${src}`,
            ).toBe(true);
          }
      }
    });
  });

  it('runs compiled JavaScript as the non-root uid the charts use, never tsx or TypeScript', () => {
    expect(runtime?.body.find((i) => i.op === 'USER')?.args).toBe(`${SERVICE_UID}:${SERVICE_UID}`);
    const cmd = JSON.parse(runtime?.body.find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
    expect(cmd).toEqual(['node', 'build/services/petstore/main.js']);
    expect(read('Dockerfile')).not.toMatch(/\btsx\b|--experimental-strip-types|main\.ts/);
    const copies = runtime?.body.filter((i) => i.op === 'COPY').map((i) => i.args) ?? [];
    expect(copies).toEqual([
      '--from=deps /app/node_modules ./node_modules',
      '--from=build /app/build ./build',
      'package.json ./',
    ]);
    expect(all[0]?.body.some((i) => i.op === 'RUN' && i.args.includes('npm ci --omit=dev'))).toBe(true);
  });
});

describe('build context (from .dockerignore)', () => {
  const context = contextFiles(root);

  it('holds the catalog and every service, and no test code, docs or other folders', () => {
    expect(context).toContain('catalog/index.ts');
    for (const name of SERVICE_NAMES) expect(context).toContain(`services/${name}/main.ts`);
    const stray = context.filter(
      (f) => /\.(test|bench)\.ts$|README\.md$/.test(f) || !/^(catalog|services)\/|^[^/]+$/.test(f),
    );
    expect(stray).toEqual([]);
  });

  it('resolves every relative import of a shipped file inside the context', () => {
    const unresolved: string[] = [];
    for (const file of context.filter((f) => f.endsWith('.ts'))) {
      for (const [, spec = ''] of read(file).matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = posix.join(posix.dirname(file), spec);
        if (!context.includes(target)) unresolved.push(`${file} -> ${spec}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  it('follows Docker: exceptions re-include below an ignored parent, later rules win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmf-context-'));
    try {
      for (const f of ['a/x.ts', 'a/x.test.ts', 'a/b/y.ts', 'c/z.ts', 'top.json', 'a/b/README.md']) {
        mkdirSync(join(dir, posix.dirname(f)), { recursive: true });
        writeFileSync(join(dir, f), '');
      }
      expect(contextFiles(dir, ['*', '!a/', '**/*.test.ts', '**/README.md', '!top.json'])).toEqual([
        'a/b/y.ts',
        'a/x.ts',
        'top.json',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
