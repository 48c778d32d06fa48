// Runs on PGlite (default project) and on a real PostgreSQL server (postgres project).
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Database } from '../db/index.ts';
import { openReplicaDatabases, testDatabaseTarget } from '../../../test/support/test-database.ts';
import { IdempotencyStore, idempotencyMigrations, type Begin } from './store.ts';

const SERVICE = 'svc';
const DAY = 24 * 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two replicas' stores on one database, and the first one's database (for transactions). */
async function replicas(
  leaseMs: number,
  retentionMs = DAY,
): Promise<[IdempotencyStore, IdempotencyStore, Database]> {
  const [a, b] = await openReplicaDatabases(`${SERVICE}_kit`, idempotencyMigrations(SERVICE));
  return [
    new IdempotencyStore(a, SERVICE, { leaseMs, retentionMs }),
    new IdempotencyStore(b, SERVICE, { leaseMs, retentionMs }),
    a,
  ];
}

function owner(b: Begin): string {
  if (b.kind !== 'execute') throw new Error(`expected execute, got ${b.kind}`);
  return b.owner;
}

const response = { status: 201, headers: { Location: '/orders/ORD-1' }, body: '{"order_id":"ORD-1"}' };

describe('IdempotencyStore', () => {
  it('executes the first request, replays the stored answer, refuses another request under the key', async () => {
    const [store] = await replicas(10_000);
    const first = await store.begin('cust-1', 'k1', 'fp-a');
    expect(first).toMatchObject({ kind: 'execute', resumed: false, resource: null });
    expect(await store.begin('cust-1', 'k1', 'fp-a')).toMatchObject({ kind: 'in_flight' });
    expect(await store.complete('cust-1', 'k1', owner(first), response)).toBe(true);
    expect(await store.begin('cust-1', 'k1', 'fp-a')).toEqual({ kind: 'replay', response });
    expect(await store.begin('cust-1', 'k1', 'fp-b')).toEqual({ kind: 'mismatch' });
    // Scoped to the caller: another customer's k1 is another key.
    expect(await store.begin('cust-2', 'k1', 'fp-b')).toMatchObject({ kind: 'execute' });
  });

  it('lets exactly one of many concurrent requests on two replicas execute', async () => {
    const [a, b] = await replicas(10_000);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).begin('cust', 'race', 'fp')),
    );
    expect(answers.filter((x) => x.kind === 'execute')).toHaveLength(1);
    const busy = answers.filter((x) => x.kind === 'in_flight');
    expect(busy).toHaveLength(9);
    for (const x of busy) expect((x as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('keeps a live request in flight with heartbeats, and resumes a crashed one with what it bound', async () => {
    const [a, b, db] = await replicas(600);
    const first = owner(await a.begin('cust', 'crash', 'fp'));
    // Bound inside a transaction that commits: the resource is remembered with the key.
    await db.transaction((tx) => a.bind(tx, 'cust', 'crash', first, 'ORD-7'));
    for (let i = 0; i < 4; i++) {
      await sleep(250);
      expect(await a.heartbeat('cust', 'crash', first)).toBe(true);
    }
    expect(await b.begin('cust', 'crash', 'fp')).toMatchObject({ kind: 'in_flight' });
    // The executor dies (no more heartbeats): once its lease ends, the next request resumes.
    await sleep(700);
    const resumed = await b.begin('cust', 'crash', 'fp');
    expect(resumed).toMatchObject({ kind: 'execute', resumed: true, resource: 'ORD-7' });
    // The dead executor can no longer finish or bind.
    expect(await a.complete('cust', 'crash', first, response)).toBe(false);
    await expect(db.transaction((tx) => a.bind(tx, 'cust', 'crash', first, 'ORD-8'))).rejects.toThrow(
      /no longer held/,
    );
    expect(await b.complete('cust', 'crash', owner(resumed), response)).toBe(true);
    expect(await a.begin('cust', 'crash', 'fp')).toEqual({ kind: 'replay', response });
  });

  it('binds nothing when the transaction that created the resource rolls back', async () => {
    const [store, , db] = await replicas(10_000);
    const first = owner(await store.begin('cust', 'rollback', 'fp'));
    await expect(
      db.transaction(async (tx) => {
        await store.bind(tx, 'cust', 'rollback', first, 'ORD-9');
        throw new Error('insert failed');
      }),
    ).rejects.toThrow('insert failed');
    await store.release('cust', 'rollback', first);
    expect(await store.begin('cust', 'rollback', 'fp')).toMatchObject({ resumed: true, resource: null });
  });

  it('gives a released key to the next request at once', async () => {
    const [store] = await replicas(60_000);
    const first = owner(await store.begin('cust', 'five-hundred', 'fp'));
    await store.release('cust', 'five-hundred', first);
    expect(await store.begin('cust', 'five-hundred', 'fp')).toMatchObject({ kind: 'execute', resumed: true });
  });

  it('forgets expired keys: the key starts anew, and the sweep deletes them', async () => {
    const [store] = await replicas(10_000, 300);
    await store.complete('cust', 'old', owner(await store.begin('cust', 'old', 'fp-a')), response);
    const live = owner(await store.begin('cust', 'running', 'fp'));
    await sleep(400);
    // An expired key is no longer a mismatch: it is a new key.
    expect(await store.begin('cust', 'old', 'fp-b')).toMatchObject({ kind: 'execute', resumed: false });
    await sleep(400);
    // Both are past their retention, but requests still hold them: the sweep leaves them alone.
    expect(await store.purgeExpired()).toBe(0);
    await store.release('cust', 'running', live);
    expect(await store.purgeExpired()).toBe(1);
    expect(await store.begin('cust', 'running', 'fp')).toMatchObject({ kind: 'execute', resumed: false });
  });

  it('survives a restart: the stored answer is read back from the reopened database', async () => {
    const target = await testDatabaseTarget();
    const timing = { leaseMs: 10_000, retentionMs: DAY };
    const db = await openDatabase(target);
    await migrate(db, `${SERVICE}_kit`, idempotencyMigrations(SERVICE));
    const before = new IdempotencyStore(db, SERVICE, timing);
    await before.complete('cust', 'k', owner(await before.begin('cust', 'k', 'fp')), response);
    await db.close();
    const reopened = await openDatabase(target);
    try {
      const after = new IdempotencyStore(reopened, SERVICE, timing);
      expect(await after.begin('cust', 'k', 'fp')).toEqual({ kind: 'replay', response });
    } finally {
      await reopened.close();
    }
  });
});
