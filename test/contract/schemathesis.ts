// make contract-test: schemathesis (pinned in .venv) against every service of a local stack, each
// through its own /openapi.json, with all checks and a fixed seed, so a run is reproducible. The
// stack runs on free ports in a temporary directory; the run fails on any schemathesis failure.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';
import { startTestStack } from '../support/test-stack.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SCHEMATHESIS = join(ROOT, '.venv/bin/schemathesis');
const SEED = process.env.CONTRACT_SEED ?? '20261121';
const MAX_EXAMPLES = process.env.CONTRACT_MAX_EXAMPLES ?? '25';

function schemathesis(
  name: ServiceName,
  url: string,
): Promise<{ name: ServiceName; ok: boolean; output: string }> {
  const args = [
    'run',
    `${url}/openapi.json`,
    '--checks=all',
    `--seed=${SEED}`,
    `--max-examples=${MAX_EXAMPLES}`,
    '--generation-deterministic',
    '--workers=1',
    '--request-timeout=10',
    '--no-color',
  ];
  return new Promise((done) => {
    const child = spawn(SCHEMATHESIS, args, {
      cwd: join(ROOT, '.tmp'),
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => done({ name, ok: code === 0, output }));
  });
}

const started = Date.now();
mkdirSync(join(ROOT, '.tmp'), { recursive: true }); // schemathesis keeps its cache in its working directory
const { stack, close } = await startTestStack([...SERVICE_NAMES], {
  env: { LOG_LEVEL: 'warn', LATENCY_SCALE: '0.01' },
});
const failed: ServiceName[] = [];
try {
  const results = await Promise.all(SERVICE_NAMES.map((n) => schemathesis(n, stack.url(n))));
  for (const r of results) {
    const summary = r.output.trim().split('\n').at(-1) ?? '';
    console.log(
      `contract-test: ${r.name.padEnd(10)} ${r.ok ? 'ok  ' : 'FAIL'} ${summary.replace(/=+/g, '').trim()}`,
    );
    if (!r.ok) {
      failed.push(r.name);
      console.log(r.output);
    }
  }
} finally {
  await close();
}
console.log(
  `contract-test: ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}, ${MAX_EXAMPLES} examples per operation`,
);
if (failed.length) {
  console.error(`contract-test FAILED: ${failed.join(', ')}`);
  process.exitCode = 1;
}
