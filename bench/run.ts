// make bench: HTTP overhead of the kit, store throughput on PGlite and PostgreSQL, and orders/s of the
// local stack, each reported as ratios against a baseline measured in the same run.
// Writes reports/bench.json and prints tables. Sections: `node bench/run.ts [http] [store] [e2e]`
// (default all). Durations: BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_ROUNDS, BENCH_STORE_SECONDS,
// BENCH_E2E_SECONDS, BENCH_E2E_CLIENTS; BENCH_E2E_BACKENDS ("pglite postgres"); BENCH_E2E_CPU_PROFILE=1
// adds a CPU breakdown by area of code.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { httpTable, runHttpOverhead } from './http-overhead.ts';
import { machineLoad } from './lib/proc.ts';
import { BACKENDS, e2eTables, runEndToEnd, type Backend } from './end-to-end.ts';
import { postgresOverPglite, runStoreThroughput, storeTable } from './store-throughput.ts';

const ROOT = join(import.meta.dirname, '..');
const SECTIONS = ['http', 'store', 'e2e'] as const;
type Section = (typeof SECTIONS)[number];

function num(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
}

const asked = process.argv.slice(2);
for (const a of asked) {
  if (!SECTIONS.includes(a as Section))
    throw new Error(`unknown section ${a}; expected ${SECTIONS.join(', ')}`);
}
const sections = new Set<Section>(asked.length ? (asked as Section[]) : SECTIONS);

const started = Date.now();
const report: Record<string, unknown> = {
  started: new Date(started).toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    loadBefore: machineLoad(),
  },
};
const tables: string[] = [];

if (sections.has('http')) {
  const opts = {
    warmupSeconds: num('BENCH_WARMUP_SECONDS', 5),
    seconds: num('BENCH_SECONDS', 10),
    rounds: num('BENCH_ROUNDS', 3),
    connections: num('BENCH_CONNECTIONS', 50),
  };
  const results = await runHttpOverhead(opts);
  report.http = { options: opts, baseline: 'express 5', variants: results };
  tables.push(
    `1. HTTP overhead: GET one JSON route, ${opts.connections} connections, median of ${opts.rounds} x ${opts.seconds} s\n` +
      httpTable(results),
  );
}

if (sections.has('store')) {
  const opts = {
    seconds: num('BENCH_STORE_SECONDS', 2),
    concurrency: num('BENCH_STORE_CONCURRENCY', 8),
    rounds: num('BENCH_STORE_ROUNDS', 3),
  };
  const cells = await runStoreThroughput(opts);
  report.store = {
    options: opts,
    baseline: 'raw 2-statement tx',
    cells,
    postgresOverPglite: postgresOverPglite(cells),
  };
  tables.push(
    `2. Store throughput: ops/s, median of ${opts.rounds} x ${opts.seconds} s (reserve + release = 2 transactions, 8 statements for one SKU)\n` +
      storeTable(cells),
  );
}

function backends(): Backend[] {
  const v = process.env.BENCH_E2E_BACKENDS?.trim();
  if (!v) return [...BACKENDS];
  const asked = v.split(/[\s,]+/);
  for (const b of asked) {
    if (!BACKENDS.includes(b as Backend))
      throw new Error(`BENCH_E2E_BACKENDS: unknown backend ${b}; expected ${BACKENDS.join(', ')}`);
  }
  return asked as Backend[];
}

if (sections.has('e2e')) {
  const opts = {
    backends: backends(),
    seconds: num('BENCH_E2E_SECONDS', 10),
    warmupSeconds: num('BENCH_E2E_WARMUP_SECONDS', 3),
    clients: num('BENCH_E2E_CLIENTS', 16),
    profile: process.env.BENCH_E2E_CPU_PROFILE === '1',
  };
  const results = await runEndToEnd(opts);
  report.e2e = { options: opts, backends: results };
  tables.push(
    `3. End to end: storefront checkouts, LATENCY_SCALE=0, ${opts.seconds} s\n` +
      e2eTables(results, opts.clients),
  );
}

(report.machine as Record<string, unknown>).loadAfter = machineLoad();
report.seconds = Math.round((Date.now() - started) / 1000);
await mkdir(join(ROOT, 'reports'), { recursive: true });
await writeFile(join(ROOT, 'reports', 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
const load = report.machine as { loadBefore: { load1: number }; loadAfter: { load1: number } };
process.stdout.write(
  `\n${tables.join('\n\n')}\n\nmachine: ${os.cpus().length} cores, load average ${load.loadBefore.load1} before, ` +
    `${load.loadAfter.load1} after; ${report.seconds as number} s in all. Written to reports/bench.json\n`,
);
