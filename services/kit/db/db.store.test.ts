// The SQL layer's contract, run on PGlite (default project) and on a real PostgreSQL (postgres project).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabaseTarget } from '../../../test/support/test-database.ts';
import {
  isUniqueViolation,
  migrate,
  openDatabase,
  sqlState,
  violatedConstraint,
  type Database,
} from './index.ts';

let db: Database;
let scratch: string;
beforeAll(async () => {
  db = await openTestDatabase();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'mmf-migrations-'));
});
afterAll(async () => {
  await db.close();
  await rm(scratch, { recursive: true, force: true });
});

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(scratch, 'dir-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  return dir;
}

describe('queries', () => {
  it('binds parameters and returns rows with the same value types on both backends', async () => {
    await db.exec(`CREATE TABLE q_types (
      id int PRIMARY KEY, cents bigint, price numeric(10,2), day date, at timestamptz, doc jsonb, label text)`);
    const at = new Date('2025-03-04T05:06:07.000Z');
    const inserted = await db.query('INSERT INTO q_types VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id', [
      1,
      123456789012,
      '19.99',
      '2025-03-04',
      at,
      { tags: ['a'] },
      "O'Brien",
    ]);
    expect(inserted).toEqual({ rows: [{ id: 1 }], rowCount: 1 });
    const { rows } = await db.query('SELECT *, count(*) OVER () AS total FROM q_types WHERE label = $1', [
      "O'Brien",
    ]);
    expect(rows).toEqual([
      {
        id: 1,
        cents: 123456789012,
        price: '19.99',
        day: '2025-03-04',
        at,
        doc: { tags: ['a'] },
        label: "O'Brien",
        total: 1,
      },
    ]);
  });

  it('refuses to round a bigint beyond 2^53 instead of returning a wrong number', async () => {
    await expect(db.query('SELECT 9007199254740993::bigint AS big')).rejects.toThrow(/MAX_SAFE_INTEGER/);
  });

  it('reports rowCount for INSERT, UPDATE, DELETE and SELECT', async () => {
    await db.exec('CREATE TABLE q_count (id int PRIMARY KEY, n int NOT NULL)');
    expect((await db.query('INSERT INTO q_count VALUES (1, 0), (2, 0), (3, 5)')).rowCount).toBe(3);
    expect((await db.query('UPDATE q_count SET n = n + 1 WHERE n = $1', [0])).rowCount).toBe(2);
    expect((await db.query('UPDATE q_count SET n = 1 WHERE id = $1', [99])).rowCount).toBe(0);
    expect((await db.query('SELECT * FROM q_count')).rowCount).toBe(3);
    expect((await db.query('DELETE FROM q_count WHERE id > 1')).rowCount).toBe(2);
  });

  it('keeps the SQLSTATE of errors (unique violation 23505) and the constraint name', async () => {
    await db.exec('CREATE TABLE q_unique (key text PRIMARY KEY)');
    await db.query('INSERT INTO q_unique VALUES ($1)', ['k1']);
    const err: unknown = await db.query('INSERT INTO q_unique VALUES ($1)', ['k1']).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect((err as { code: string }).code).toBe('23505');
    expect(violatedConstraint(err)).toBe('q_unique_pkey');
    const syntax: unknown = await db.query('SELEC 1').catch((e: unknown) => e);
    expect(sqlState(syntax)).toBe('42601');
    expect(isUniqueViolation(syntax)).toBe(false);
    expect(isUniqueViolation(new Error('plain'))).toBe(false);
  });
});

describe('transactions', () => {
  beforeAll(async () => {
    await db.exec(
      'CREATE TABLE t_rows (id int PRIMARY KEY, v text); CREATE TABLE t_counter (n int NOT NULL)',
    );
    await db.query('INSERT INTO t_counter VALUES (0)');
  });

  it('commits everything the callback did and returns its value', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t_rows VALUES ($1, $2)', [1, 'a']);
      const updated = await tx.query('UPDATE t_rows SET v = $1 WHERE id = $2', ['b', 1]);
      return updated.rowCount;
    });
    expect(result).toBe(1);
    expect((await db.query('SELECT v FROM t_rows WHERE id = 1')).rows).toEqual([{ v: 'b' }]);
  });

  it('rolls back everything when the callback throws, and rethrows', async () => {
    const boom = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t_rows VALUES ($1, $2)', [2, 'x']);
        await tx.exec("INSERT INTO t_rows VALUES (3, 'y'); UPDATE t_rows SET v = 'z' WHERE id = 1");
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect((await db.query('SELECT id, v FROM t_rows ORDER BY id')).rows).toEqual([{ id: 1, v: 'b' }]);
  });

  it('rolls back on a failing statement and surfaces its SQLSTATE', async () => {
    const err: unknown = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t_rows VALUES ($1, $2)', [4, 'w']);
        await tx.query('INSERT INTO t_rows VALUES ($1, $2)', [1, 'dup']);
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect((await db.query('SELECT count(*)::int AS n FROM t_rows WHERE id = 4')).rows).toEqual([{ n: 0 }]);
    // The connection is usable again after the rollback.
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('opens the transaction with its first statement, whichever it is (PGlite sends BEGIN with it)', async () => {
    // The first statement fails: the transaction was open, so what it did is rolled back too.
    const first: unknown = await db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t_rows VALUES ($1, $2)', [1, 'dup']);
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(first)).toBe(true);
    // A script first: it runs inside the transaction and is rolled back with it.
    await expect(
      db.transaction(async (tx) => {
        await tx.exec("INSERT INTO t_rows VALUES (5, 'script')");
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    // No statement at all: nothing to commit, the value is returned, the connection stays usable.
    expect(await db.transaction(() => Promise.resolve('empty'))).toBe('empty');
    expect(
      await db.transaction(
        async (tx) => (await tx.query('SELECT count(*)::int AS n FROM t_rows WHERE id = 5')).rows,
      ),
    ).toEqual([{ n: 0 }]);
    expect((await db.query('SELECT v FROM t_rows WHERE id = 1')).rows).toEqual([{ v: 'b' }]);
  });

  it('runs concurrent read-modify-write transactions without lost updates or deadlock', async () => {
    const active = { now: 0, max: 0 };
    const runs = 20;
    await Promise.all(
      Array.from({ length: runs }, () =>
        db.transaction(async (tx) => {
          active.now++;
          active.max = Math.max(active.max, active.now);
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM t_counter FOR UPDATE');
          await new Promise((resolve) => setTimeout(resolve, 2));
          await tx.query('UPDATE t_counter SET n = $1', [(rows[0]?.n ?? 0) + 1]);
          active.now--;
        }),
      ),
    );
    expect((await db.query('SELECT n FROM t_counter')).rows).toEqual([{ n: runs }]);
    // PGlite has one connection: its transactions must never overlap.
    if (db.kind === 'pglite') expect(active.max).toBe(1);
  });

  it('makes a plain query wait for an open transaction instead of joining it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO t_rows VALUES ($1, $2)', [10, 'in-tx']);
      await gate;
      throw new Error('roll back');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = db.query('SELECT count(*)::int AS n FROM t_rows WHERE id = 10');
    release();
    await expect(tx).rejects.toThrow('roll back');
    expect((await outside).rows).toEqual([{ n: 0 }]);
  });
  it('warns when db.query is used inside a transaction callback instead of tx', async () => {
    const warning = new Promise<Error>((resolve) => process.once('warning', resolve));
    let detached: Promise<{ rows: unknown[] }> | undefined;
    await db.transaction(async (tx) => {
      detached = db.query('SELECT 1 AS one'); // not awaited here: awaiting it would deadlock PGlite
      await tx.query('SELECT 2');
    });
    expect((await detached)?.rows).toEqual([{ one: 1 }]);
    expect(await warning).toMatchObject({ code: 'MMF_DB_NESTED_QUERY' });
  });
});

describe('migrate', () => {
  const files = {
    '001_create_items.sql': 'CREATE TABLE m_items (id int PRIMARY KEY, name text NOT NULL);',
    '002_seed_items.sql': "INSERT INTO m_items VALUES (1, 'one');\nINSERT INTO m_items VALUES (2, 'two');",
    '010_add_price.sql': 'ALTER TABLE m_items ADD COLUMN price_cents bigint NOT NULL DEFAULT 0;',
  };

  it('applies NNN_name.sql files once, in numeric order, tracked per service; idempotent across reopen', async () => {
    const dir = await migrationsDir(files);
    const target = await testDatabaseTarget();
    const first = await openDatabase(target);
    try {
      expect(await migrate(first, 'ml-advisor', dir)).toEqual(Object.keys(files));
      expect(await migrate(first, 'ml-advisor', dir)).toEqual([]);
    } finally {
      await first.close();
    }
    const reopened = await openDatabase(target);
    try {
      expect(await migrate(reopened, 'ml-advisor', dir)).toEqual([]);
      const { rows } = await reopened.query('SELECT name FROM ml_advisor_schema_migrations ORDER BY name');
      expect(rows).toEqual(Object.keys(files).map((name) => ({ name })));
      expect((await reopened.query('SELECT id, price_cents FROM m_items ORDER BY id')).rows).toEqual([
        { id: 1, price_cents: 0 },
        { id: 2, price_cents: 0 },
      ]);
      // A new file is picked up on the next start.
      await writeFile(path.join(dir, '011_more.sql'), "INSERT INTO m_items VALUES (3, 'three', 300);");
      expect(await migrate(reopened, 'ml-advisor', dir)).toEqual(['011_more.sql']);
    } finally {
      await reopened.close();
    }
  });

  it('keeps services apart: each has its own migrations table', async () => {
    const a = await migrationsDir({ '001_a.sql': 'CREATE TABLE svc_a (id int);' });
    const b = await migrationsDir({ '001_a.sql': 'CREATE TABLE svc_b (id int);' });
    expect(await migrate(db, 'svc-a', a)).toEqual(['001_a.sql']);
    expect(await migrate(db, 'svc-b', b)).toEqual(['001_a.sql']);
    expect((await db.query('SELECT count(*) AS n FROM svc_b_schema_migrations')).rows).toEqual([{ n: 1 }]);
  });

  it('rolls back a failing migration completely and names it', async () => {
    const dir = await migrationsDir({
      '001_ok.sql': 'CREATE TABLE m_fail_ok (id int);',
      '002_broken.sql': 'CREATE TABLE m_fail_partial (id int);\nCREATE TABLE m_fail_partial (id int);',
    });
    await expect(migrate(db, 'fail', dir)).rejects.toThrow(/migration 002_broken.sql of fail failed/);
    const { rows } = await db.query(
      "SELECT to_regclass('m_fail_ok') AS ok, to_regclass('fail_schema_migrations') AS t",
    );
    expect(rows).toEqual([{ ok: null, t: null }]);
  });

  it('refuses a migration edited after it was applied, and badly named files', async () => {
    const dir = await migrationsDir({ '001_x.sql': 'CREATE TABLE m_edit (id int);' });
    await migrate(db, 'edit', dir);
    await writeFile(path.join(dir, '001_x.sql'), 'CREATE TABLE m_edit (id bigint);');
    await expect(migrate(db, 'edit', dir)).rejects.toThrow(/001_x.sql of edit changed after it was applied/);
    const bad = await migrationsDir({ 'create.sql': 'SELECT 1;' });
    await expect(migrate(db, 'bad', bad)).rejects.toThrow(/must look like 001_/);
    const dup = await migrationsDir({ '001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 1;' });
    await expect(migrate(db, 'dup', dup)).rejects.toThrow(/share the number/);
  });

  it('applies each migration exactly once when replicas migrate at the same time', async () => {
    const dir = await migrationsDir({
      '001_create.sql': 'CREATE TABLE m_race (id int PRIMARY KEY);',
      '002_insert.sql': 'INSERT INTO m_race VALUES (1);',
      '003_insert.sql': 'INSERT INTO m_race VALUES (2);',
    });
    const target = await testDatabaseTarget();
    // Replicas are separate pools on postgres; PGlite has one database per process, so calls race there.
    const replicas = db.kind === 'postgres' ? 4 : 1;
    const dbs = await Promise.all(Array.from({ length: replicas }, () => openDatabase(target)));
    try {
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => migrate(dbs[i % replicas] as Database, 'race', dir)),
      );
      expect(results.flat().sort()).toEqual(['001_create.sql', '002_insert.sql', '003_insert.sql']);
      expect((await dbs[0]!.query('SELECT id FROM m_race ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
    }
  });
});

describe('tracing', () => {
  it('adds one client span per query under a recorded span, on both backends, and none without one', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    trace.setGlobalTracerProvider(provider);
    try {
      await db.query('SELECT 0 AS unparented');
      await trace.getTracer('test').startActiveSpan('request', async (parent) => {
        await db.query('SELECT $1::int AS n', [1]);
        await db.query('SELECT broken syntax here').catch(() => undefined);
        await db.transaction((tx) => tx.query('SELECT 2'));
        parent.end();
      });
      const spans = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'mmf-db');
      expect(spans.map((s) => s.attributes['db.statement'])).toEqual([
        'SELECT $1::int AS n',
        'SELECT broken syntax here',
        'SELECT 2',
      ]);
      expect(spans[0]?.kind).toBe(SpanKind.CLIENT);
      expect(spans[0]?.attributes).toMatchObject({
        'db.system': 'postgresql',
        'db.operation': 'SELECT',
        'db.client': db.kind === 'postgres' ? 'pg' : 'pglite',
      });
      expect(spans[1]?.status.code).toBe(SpanStatusCode.ERROR);
      expect(spans[1]?.events.map((e) => e.name)).toContain('exception');
    } finally {
      trace.disable();
      context.disable();
      await provider.shutdown();
    }
  });
});
