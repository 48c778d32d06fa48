// Runs on PGlite (default project) and on a real PostgreSQL server (postgres project).
import { describe, expect, it } from 'vitest';
import { openReplicaDatabases } from '../../test/support/test-database.ts';
import { OrderStore, type OrderRow } from './order-store.ts';

const MIGRATIONS = new URL('./migrations', import.meta.url).pathname;
const replicaDatabases = () => openReplicaDatabases('order', MIGRATIONS);

async function replicas(leaseMs: number): Promise<[OrderStore, OrderStore]> {
  const [a, b] = await replicaDatabases();
  return [new OrderStore(a, leaseMs), new OrderStore(b, leaseMs)];
}

const newOrder = (id: string) => ({
  id,
  correlation_id: 'TXN-T',
  customer_id: 'c',
  items: [{ product_id: 'SUP-HAY-003', quantity: 1 }],
  shipping_address: null,
});

describe('OrderStore', () => {
  it('records each saga step and ends with a completion time', async () => {
    const [store] = await replicas(60_000);
    const created = await store.create(newOrder('ORD-A'));
    await store.transition(created, { status: 'reserved', step: 'inventory_reserved', total_cents: 1299 });
    const done = await store.transition(created, { status: 'confirmed', step: 'order_confirmed' });
    expect(done).toMatchObject({
      status: 'confirmed',
      total_cents: 1299,
      steps: ['order_persisted', 'inventory_reserved', 'order_confirmed'],
    });
    expect(done.completed_at).toBeInstanceOf(Date);
  });

  it('hands an abandoned saga to exactly one replica, and never one whose lease is live', async () => {
    const [a, b] = await replicas(1000);
    await a.create(newOrder('ORD-B'));
    expect(await a.claimAbandoned(10, [])).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1100));
    const [x, y] = await Promise.all([a.claimAbandoned(10, []), b.claimAbandoned(10, [])]);
    expect(x.length + y.length).toBe(1);
    expect(await a.claimAbandoned(10, [])).toHaveLength(0); // the claim renewed the lease
  });

  it('fences a driver that lost its lease: only the new driver moves the order on', async () => {
    const [a, b] = await replicas(300);
    const first = await a.create(newOrder('ORD-C'));
    await new Promise((r) => setTimeout(r, 400)); // the first driver stalls past its lease
    const second = await b.claim('ORD-C');
    expect(second).toBeDefined();
    expect(await a.claim('ORD-C')).toBeUndefined(); // the claim renewed the lease
    await expect(a.transition(first, { status: 'reserved' })).rejects.toMatchObject({
      status: 409,
      code: 'order_in_progress',
    });
    expect((await b.transition(second as OrderRow, { status: 'reserved' })).status).toBe('reserved');
  });
});
