// The Dockerfile checked offline (no Docker engine here): its structure and pins are parsed and
// compared with the charts and the toolchain, and its build stage is re-enacted: the same tsc
// config (taken from the Dockerfile's heredoc) compiles the services, the same asset step copies
// SQL/JSON files, and a compiled stateless service is started from the output, answers /healthz
// and exits cleanly on SIGTERM, as its container would.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, SERVICES } from '../catalog/services.ts';
import { SERVICE_UID } from './config/platform.ts';
import { parseEnvFile } from './config/versions.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Instruction {
  readonly op: string;
  readonly args: string;
  readonly heredoc?: string;
}

/** Dockerfile instructions with continuation lines joined and heredoc bodies attached. */
export function parseDockerfile(text: string): Instruction[] {
  const lines = text.split('\n');
  const out: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    while (line.endsWith('\\')) line = `${line.slice(0, -1)} ${(lines[++i] ?? '').trim()}`;
    const [, op = '', args = ''] = /^(\w+)\s+(.*)$/.exec(line.trim()) ?? [];
    const marker = /<<'?(\w+)'?/.exec(args)?.[1];
    let heredoc: string | undefined;
    if (marker) {
      const body: string[] = [];
      while (i + 1 < lines.length && lines[i + 1] !== marker) body.push(lines[++i] ?? '');
      i++;
      heredoc = body.join('\n');
    }
    out.push({ op: op.toUpperCase(), args, ...(heredoc === undefined ? {} : { heredoc }) });
  }
  return out;
}

const instructions = parseDockerfile(read('Dockerfile'));
const versions = parseEnvFile(read('tools/cluster/versions.env'));

function stages(): { name: string; from: string; body: Instruction[] }[] {
  const result: { name: string; from: string; body: Instruction[] }[] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const [, from = '', name = ''] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(ins.args) ?? [];
      result.push({ name, from, body: [] });
    } else result.at(-1)?.body.push(ins);
  }
  return result;
}

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

  it('copies only from earlier stages and only paths .dockerignore lets in', () => {
    const names = all.map((s) => s.name);
    const ignore = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    all.forEach((stage, index) => {
      for (const ins of stage.body.filter((i) => i.op === 'COPY' && !i.heredoc)) {
        const from = /--from=(\S+)/.exec(ins.args)?.[1];
        const sources = ins.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1);
        if (from) expect(names.slice(0, index)).toContain(from);
        else for (const src of sources) expect(allowed, `COPY ${src}`).toContain(src.replace(/\/$/, ''));
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

describe('Dockerfile build stage, re-enacted', () => {
  const work = join(root, '.tmp', `image-check-${process.pid}`);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('compiles the services with the Dockerfile tsconfig, copies assets, and the output runs', async () => {
    const build = stages()[1];
    const heredoc = build?.body.find((i) => i.op === 'COPY' && i.heredoc);
    expect(heredoc?.args).toMatch(/tsconfig\.image\.json$/);
    const image = JSON.parse(heredoc?.heredoc ?? '{}') as {
      extends: string;
      compilerOptions: Record<string, unknown>;
      include: string[];
      exclude: string[];
    };
    // Same config, with paths anchored at the repository instead of /app and output under .tmp.
    const abs = (p: string) => resolve(root, p);
    const config = {
      extends: abs(image.extends),
      compilerOptions: {
        ...image.compilerOptions,
        rootDir: abs(String(image.compilerOptions.rootDir)),
        outDir: join(work, String(image.compilerOptions.outDir)),
        typeRoots: [join(root, 'node_modules/@types')],
      },
      include: image.include.map(abs),
      exclude: image.exclude.map(abs),
    };
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'tsconfig.image.json'), JSON.stringify(config));
    const run = build?.body.find((i) => i.op === 'RUN' && i.args.includes('tsc'))?.args ?? '';
    expect(run).toContain('node node_modules/typescript/bin/tsc -p tsconfig.image.json');
    const tsc = spawnSync(
      'node',
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(work, 'tsconfig.image.json')],
      {
        encoding: 'utf8',
      },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    // The asset step, verbatim except for the output directory.
    const assets =
      run
        .split('&&')[1]
        ?.trim()
        .replace(/ build\/ \\;$/, ` ${join(work, 'build')}/ \\;`) ?? '';
    expect(assets).toMatch(/^find services .* -exec cp --parents \{\} .* \\;$/);
    expect(spawnSync('bash', ['-c', assets], { cwd: root }).status).toBe(0);

    const out = join(work, 'build');
    const present = SERVICE_NAMES.filter((n) => existsSync(join(root, 'services', n, 'main.ts')));
    expect(present.length).toBeGreaterThan(0);
    for (const name of present) {
      expect(existsSync(join(out, 'services', name, 'main.js')), name).toBe(true);
      if (SERVICES[name].stateful && existsSync(join(root, 'services', name, 'migrations'))) {
        expect(readdirSync(join(out, 'services', name, 'migrations')).length).toBeGreaterThan(0);
      }
    }
    // Every relative import in the output names an emitted .js file (extensions were rewritten).
    const unresolved: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
      );
    for (const file of walk(out)) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(
        /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g,
      )) {
        const target = resolve(dirname(file), spec ?? '');
        if (!existsSync(target)) unresolved.push(`${relative(out, file)} -> ${String(spec)}`);
      }
    }
    expect(unresolved).toEqual([]);

    // Start one compiled stateless service the way its container does and stop it the way a
    // pod is stopped.
    const name = present.find((n) => !SERVICES[n].stateful);
    expect(name).toBeDefined();
    const port = await freePort();
    const child = spawn(process.execPath, [join(out, 'services', String(name), 'main.js')], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const status = await poll(`http://127.0.0.1:${port}/healthz`, 20_000);
      expect(status, stderr).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
  }, 120_000);
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function poll(url: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return (await fetch(url)).status;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
