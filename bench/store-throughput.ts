// 2. Store throughput: the inventory reservation (StockStore.reserve then release: two transactions,
// 8 statements for one SKU) on PGlite and on a real PostgreSQL, against two baselines on the same database:
//   raw  — a two-statement transaction through the driver itself (PGlite.transaction / a pg client),
//   kit  — the same two statements through the kit's db layer (db.transaction),
// so the table separates the driver, our layer, and our schema and statements.
// One process drives each database; PostgreSQL runs as its own server process (durability off, as in
// the tests), PGlite in this process.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { SUPPLIES } from '../catalog/index.ts';
import { migrate, openDatabase, type Database } from '../services/kit/db/index.ts';
import { StockStore } from '../services/inventory/stock-store.ts';
import { startPostgresServer } from '../test/support/postgres-server.ts';
import { median, round, table } from './lib/stats.ts';

export interface StoreOptions {
  seconds: number;
  /** Concurrent workers for the second reservation run (PGlite serialises them; the pg pool does not). */
  concurrency: number;
  rounds: number;
}

type Backend = 'pglite' | 'postgres';
type Workload = 'raw 2-statement tx' | 'kit 2-statement tx' | 'reserve + release';

export interface StoreCell {
  backend: Backend;
  workload: Workload;
  concurrency: number;
  /** Median over rounds. */
  opsPerSecond: number;
  /** Transactions per second (reserve + release is two). */
  txPerSecond: number;
  /** ops/s relative to the raw 2-statement transaction on the same backend at concurrency 1. */
  ratioToRaw: number;
}

const MIGRATIONS = join(import.meta.dirname, '../services/inventory/migrations');
const RAW_SCHEMA = `
  CREATE TABLE IF NOT EXISTS bench_counter (id integer PRIMARY KEY, n bigint NOT NULL);
  CREATE TABLE IF NOT EXISTS bench_log (id bigserial PRIMARY KEY, counter_id integer NOT NULL,
                                        at timestamptz NOT NULL DEFAULT now());
  INSERT INTO bench_counter SELECT g, 0 FROM generate_series(1, 64) g ON CONFLICT DO NOTHING;`;
const RAW_UPDATE = 'UPDATE bench_counter SET n = n + 1 WHERE id = $1';
const RAW_INSERT = 'INSERT INTO bench_log (counter_id) VALUES ($1)';

/** Runs op in `concurrency` loops for `seconds` (after a short warm-up) and counts completed ops. */
async function timed(
  seconds: number,
  concurrency: number,
  op: (worker: number, i: number) => Promise<void>,
): Promise<{ ops: number; seconds: number }> {
  let seq = 0;
  const loop = async (worker: number, until: number, count: boolean): Promise<number> => {
    let n = 0;
    while (Date.now() < until) {
      await op(worker, seq++);
      if (count) n++;
    }
    return n;
  };
  const warmUntil = Date.now() + 300;
  await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(w, warmUntil, false)));
  const start = performance.now();
  const until = Date.now() + seconds * 1000;
  const counts = await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(w, until, true)));
  return { ops: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - start) / 1000 };
}

function reservation(store: StockStore, runId: string) {
  return async (worker: number, i: number): Promise<void> => {
    // One SKU per worker: the run measures the store, not row-lock contention between workers.
    const sku = (SUPPLIES[worker % SUPPLIES.length] as (typeof SUPPLIES)[number]).sku;
    const id = `RSV-bench-${runId}-${i}`;
    await store.reserve(id, undefined, [{ product_id: sku, quantity: 1 }]);
    await store.release(id, 'bench');
  };
}

function kitTwoStatements(db: Database) {
  return async (worker: number): Promise<void> => {
    await db.transaction(async (tx) => {
      await tx.query(RAW_UPDATE, [worker + 1]);
      await tx.query(RAW_INSERT, [worker + 1]);
    });
  };
}

export async function runStoreThroughput(opts: StoreOptions): Promise<StoreCell[]> {
  const cells: Omit<StoreCell, 'ratioToRaw'>[] = [];
  const record = (backend: Backend, workload: Workload, concurrency: number, opsPerSecond: number) => {
    const tx = workload === 'reserve + release' ? 2 : 1;
    cells.push({ backend, workload, concurrency, opsPerSecond, txPerSecond: opsPerSecond * tx });
  };

  // PGlite: initdb once, then a copy, so the raw driver and the kit layer each own a directory and both
  // stay open. PostgreSQL: one server, a raw pg pool beside the kit's pool.
  const dir = await mkdtemp(join(os.tmpdir(), 'mmf-bench-pglite-'));
  const server = await startPostgresServer();
  const closers: (() => Promise<void>)[] = [];
  try {
    const seed = await PGlite.create({ dataDir: join(dir, 'raw') });
    await seed.exec(RAW_SCHEMA);
    await seed.close();
    await cp(join(dir, 'raw'), join(dir, 'kit'), { recursive: true });
    const rawLite = await PGlite.create({ dataDir: join(dir, 'raw') });
    closers.push(() => rawLite.close());
    const kitLite = await openDatabase({ dataDir: join(dir, 'kit') });
    closers.push(() => kitLite.close());
    await migrate(kitLite, 'inventory', MIGRATIONS);
    const liteStore = new StockStore(kitLite, 60_000);
    await liteStore.seed();

    const pool = new pg.Pool({ connectionString: server.adminUrl, max: opts.concurrency });
    closers.push(() => pool.end());
    await pool.query(RAW_SCHEMA);
    const kitPg = await openDatabase({ url: server.adminUrl, poolSize: opts.concurrency });
    closers.push(() => kitPg.close());
    await migrate(kitPg, 'inventory', MIGRATIONS);
    const pgStore = new StockStore(kitPg, 60_000);
    await pgStore.seed();

    const plan: [Backend, Workload, number, (w: number, i: number) => Promise<void>][] = [
      [
        'pglite',
        'raw 2-statement tx',
        1,
        async (w) => {
          await rawLite.transaction(async (tx) => {
            await tx.query(RAW_UPDATE, [w + 1]);
            await tx.query(RAW_INSERT, [w + 1]);
          });
        },
      ],
      ['pglite', 'kit 2-statement tx', 1, kitTwoStatements(kitLite)],
      ['pglite', 'reserve + release', 1, reservation(liteStore, 'l1')],
      ['pglite', 'reserve + release', opts.concurrency, reservation(liteStore, 'lN')],
      [
        'postgres',
        'raw 2-statement tx',
        1,
        async (w) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(RAW_UPDATE, [w + 1]);
            await client.query(RAW_INSERT, [w + 1]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        },
      ],
      ['postgres', 'kit 2-statement tx', 1, kitTwoStatements(kitPg)],
      ['postgres', 'reserve + release', 1, reservation(pgStore, 'p1')],
      ['postgres', 'reserve + release', opts.concurrency, reservation(pgStore, 'pN')],
    ];
    // Round-robin, so neither a cold start nor a burst of other load on the machine favours one cell.
    const runs = new Map<string, { ops: number; seconds: number }[]>();
    for (let r = 1; r <= opts.rounds; r++) {
      for (const [backend, workload, concurrency, op] of plan) {
        const key = JSON.stringify([backend, workload, concurrency]);
        const run = await timed(opts.seconds, concurrency, (w, i) => op(w, i + r * 1e7));
        runs.set(key, [...(runs.get(key) ?? []), run]);
        process.stdout.write(
          `store: round ${r}/${opts.rounds} ${backend.padEnd(8)} ${workload.padEnd(18)} c=${concurrency} ` +
            `${Math.round(run.ops / run.seconds)} ops/s\n`,
        );
      }
    }
    for (const [backend, workload, concurrency] of plan) {
      const rs = runs.get(JSON.stringify([backend, workload, concurrency])) ?? [];
      record(backend, workload, concurrency, median(rs.map((x) => x.ops / x.seconds)));
    }
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }

  return cells.map((c) => {
    const raw = cells.find((r) => r.backend === c.backend && r.workload === 'raw 2-statement tx');
    return {
      ...c,
      opsPerSecond: round(c.opsPerSecond),
      txPerSecond: round(c.txPerSecond),
      ratioToRaw: round(c.opsPerSecond / (raw?.opsPerSecond ?? Number.NaN), 3),
    };
  });
}

/** Reservation ops/s on PostgreSQL divided by PGlite's, per concurrency. */
export function postgresOverPglite(cells: StoreCell[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of cells.filter((x) => x.backend === 'postgres')) {
    const p = cells.find(
      (x) => x.backend === 'pglite' && x.workload === c.workload && x.concurrency === c.concurrency,
    );
    if (p) out[`${c.workload}, c=${c.concurrency}`] = round(c.opsPerSecond / p.opsPerSecond, 2);
  }
  return out;
}

export function storeTable(cells: StoreCell[]): string {
  const ratios = postgresOverPglite(cells);
  return table(
    ['backend', 'workload', 'conc.', 'ops/s', 'tx/s', 'x raw tx', 'postgres / pglite'],
    cells.map((c) => [
      c.backend,
      c.workload,
      c.concurrency,
      c.opsPerSecond,
      c.txPerSecond,
      c.ratioToRaw,
      c.backend === 'postgres' ? (ratios[`${c.workload}, c=${c.concurrency}`] ?? '') : '',
    ]),
  );
}
