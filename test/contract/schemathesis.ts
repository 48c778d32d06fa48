// make contract-test: schemathesis (pinned in .venv) against every service of a local stack, each
// through its own /openapi.json, with all checks and a fixed seed, so a run is reproducible. The
// stack runs on free ports in a temporary directory; the run fails on any schemathesis failure.
//
// One rule is configured, per operation, the way schemathesis documents it (schemathesis.toml,
// `checks.positive_data_acceptance.expected-statuses`): a schema-valid request may get any refusal its
// operation's document declares (422 for a rule JSON Schema cannot state: min <= max, a key reused
// with another body, a date outside the delivery range; 402 for a payment the fraud check refuses),
// but never the malformed-request answers 400, 413 and 415. Everything else is schemathesis's
// default. Arguments name services to check (default: all five; the stack always runs all five).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';
import { startTestStack } from '../support/test-stack.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const WORK = join(ROOT, '.tmp/contract');
const SCHEMATHESIS = process.env.CONTRACT_SCHEMATHESIS ?? join(ROOT, '.venv/bin/schemathesis');
const SEED = process.env.CONTRACT_SEED ?? '20261121';
const MAX_EXAMPLES = process.env.CONTRACT_MAX_EXAMPLES ?? '10';
/** schemathesis's own default for positive_data_acceptance (4.32.5). */
const ACCEPTED = ['2xx', '3xx', '401', '403', '404', '409', '429', '5xx'];
/** What a schema-valid request must never get: the answers to a malformed one. */
const MALFORMED = ['400', '413', '415'];

type Document = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

/** Per operation ("POST /orders"), the refusals it declares beyond schemathesis's defaults. */
function declaredRefusals(doc: Document): [string, string[]][] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, op]): [string, string[]][] => {
      const extra = Object.keys(op.responses).filter(
        (s) => s.startsWith('4') && !ACCEPTED.includes(s) && !MALFORMED.includes(s),
      );
      return extra.length ? [[`${method.toUpperCase()} ${path}`, extra]] : [];
    }),
  );
}

/** The service's schemathesis.toml, from its document (see the header comment). */
async function writeConfig(name: ServiceName, url: string): Promise<string> {
  const doc = (await (await fetch(`${url}/openapi.json`)).json()) as Document;
  const file = join(WORK, `${name}.schemathesis.toml`);
  const lines = [`# Written by test/contract/schemathesis.ts from ${name}'s /openapi.json; do not edit.`];
  for (const [operation, extra] of declaredRefusals(doc)) {
    lines.push(
      '',
      '[[operations]]',
      `include-name = ${JSON.stringify(operation)}`,
      `checks.positive_data_acceptance.expected-statuses = ${JSON.stringify([...ACCEPTED, ...extra])}`,
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function schemathesis(
  name: ServiceName,
  url: string,
): Promise<{ name: ServiceName; ok: boolean; output: string }> {
  const config = await writeConfig(name, url);
  const args = [
    `--config-file=${config}`,
    'run',
    `${url}/openapi.json`,
    '--checks=all',
    `--seed=${SEED}`,
    `--max-examples=${MAX_EXAMPLES}`,
    // No example database: a run replays nothing from an earlier one, so the seed alone decides.
    '--generation-database=none',
    '--workers=1',
    '--request-timeout=10',
    '--no-color',
  ];
  return new Promise((done) => {
    const child = spawn(SCHEMATHESIS, args, { cwd: WORK, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => done({ name, ok: code === 0, output }));
  });
}

const selected = process.argv.slice(2);
const unknown = selected.filter((n) => !SERVICE_NAMES.includes(n as ServiceName));
if (unknown.length)
  throw new Error(`unknown service(s) ${unknown.join(', ')}: use ${SERVICE_NAMES.join(', ')}`);
const checked = selected.length ? (selected as ServiceName[]) : [...SERVICE_NAMES];

const started = Date.now();
mkdirSync(WORK, { recursive: true }); // schemathesis keeps its cache in its working directory
// Faults off, as the production profile runs (FAULTS_ENABLED=false): the documents then state neither
// the X-Fault header nor the error fault's 500 (services/kit/contract.test.ts checks those).
const { stack, close } = await startTestStack([...SERVICE_NAMES], {
  env: { LOG_LEVEL: 'warn', LATENCY_SCALE: '0.01', FAULTS_ENABLED: 'false', FAULT_HEADERS_ENABLED: 'false' },
});
const upSeconds = ((Date.now() - started) / 1000).toFixed(1);
const failed: ServiceName[] = [];
try {
  const results = await Promise.all(checked.map((n) => schemathesis(n, stack.url(n))));
  for (const r of results) {
    const summary = (r.output.trim().split('\n').at(-1) ?? '').replace(/=+/g, '').trim();
    const cases = /^\s*(\d+) generated/m.exec(r.output)?.[1] ?? '?';
    const phases = [...r.output.matchAll(/(Examples|Coverage|Fuzzing|Stateful) \(in ([\d.]+)s\)/g)]
      .map(([, phase = '', seconds = '']) => `${phase.toLowerCase()} ${Math.round(Number(seconds))} s`)
      .join(', ');
    console.log(
      `contract-test: ${r.name.padEnd(10)} ${r.ok ? 'ok  ' : 'FAIL'} ${cases} cases, ${summary} (${phases})`,
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
  `contract-test: ${((Date.now() - started) / 1000).toFixed(1)} s (stack up in ${upSeconds} s), seed ${SEED}, ${MAX_EXAMPLES} examples per operation`,
);
if (failed.length) {
  console.error(`contract-test FAILED: ${failed.join(', ')}`);
  process.exitCode = 1;
}
