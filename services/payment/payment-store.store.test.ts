// Runs on PGlite (default project) and on a real PostgreSQL server (postgres project).
import { describe, expect, it } from 'vitest';
import { openReplicaDatabases } from '../../test/support/test-database.ts';
import { PaymentStore, requestHash } from './payment-store.ts';

const MIGRATIONS = new URL('./migrations', import.meta.url).pathname;
const replicaDatabases = () => openReplicaDatabases('payment', MIGRATIONS);

async function replicas(): Promise<[PaymentStore, PaymentStore]> {
  const [a, b] = await replicaDatabases();
  return [new PaymentStore(a), new PaymentStore(b)];
}

const input = (key: string) => ({
  key,
  hash: requestHash({ customer_id: 'c', amount_cents: 1000, order_id: 'ORD-1' }),
  customer_id: 'c',
  order_id: 'ORD-1',
  amount_cents: 1000,
});

describe('PaymentStore', () => {
  it('creates exactly one payment per idempotency key, even from two replicas at once', async () => {
    const [a, b] = await replicas();
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim(input('K-1'))),
    );
    expect(claims.filter((c) => c.created)).toHaveLength(1);
    expect(new Set(claims.map((c) => c.row.id)).size).toBe(1);
  });

  it('voids a charge in progress: the late outcome cannot turn it into a success', async () => {
    const [store] = await replicas();
    const { row } = await store.claim(input('K-2'));
    expect((await store.voidByKey('K-2', 'order failed')).action).toBe('voided');
    const finished = await store.finish(row.id, 'succeeded', { fraud_check_ms: 1, bank_ms: 1 });
    expect(finished.status).toBe('voided');
  });

  it('refunds a success on void, tombstones an unknown key, and is idempotent', async () => {
    const [store] = await replicas();
    const { row } = await store.claim(input('K-3'));
    await store.finish(row.id, 'succeeded', { fraud_check_ms: 1, bank_ms: 1 });
    expect((await store.voidByKey('K-3', 'x')).action).toBe('refunded');
    expect((await store.voidByKey('K-3', 'x')).action).toBe('none');
    expect((await store.voidByKey('K-unknown', 'x')).row).toMatchObject({
      status: 'voided',
      amount_cents: 0,
    });
  });

  it('fails charges left processing by a crashed process', async () => {
    const [store] = await replicas();
    await store.claim(input('K-4'));
    expect(await store.failStale(60_000)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 30));
    const failed = await store.failStale(10);
    expect(failed.map((r) => r.idempotency_key)).toEqual(['K-4']);
    expect(failed[0]?.status).toBe('failed');
  });
});
