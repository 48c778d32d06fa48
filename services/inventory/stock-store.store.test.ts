// Runs on PGlite (default project) and on a real PostgreSQL server (postgres project).
import { describe, expect, it } from 'vitest';
import { openReplicaDatabases } from '../../test/support/test-database.ts';
import type { Database } from '../kit/db/index.ts';
import { StockStore } from './stock-store.ts';

const MIGRATIONS = new URL('./migrations', import.meta.url).pathname;
const replicaDatabases = () => openReplicaDatabases('inventory', MIGRATIONS);

/** Two stores on two connections to one database: what two replicas of the service see. */
async function replicas(ttlMs = 60_000): Promise<[StockStore, StockStore, Database]> {
  const [a, b] = await replicaDatabases();
  const first = new StockStore(a, ttlMs);
  await first.seed();
  return [first, new StockStore(b, ttlMs), a];
}

async function balance(db: Database) {
  const { rows } = await db.query<{ bad: number }>(
    'SELECT count(*)::int AS bad FROM inventory_products WHERE available + reserved + sold <> total',
  );
  return rows[0]?.bad;
}

describe('StockStore', () => {
  it('never oversells under concurrent reservations from two replicas', async () => {
    const [a, b, db] = await replicas();
    const sku = 'border-collie-scout-008'; // 200 in stock
    const attempts = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? a : b).reserve(`RSV-c${i}`, undefined, [{ product_id: sku, quantity: 9 }]).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      ),
    );
    const results = await Promise.all(attempts);
    const ok = results.filter((r) => r === 'ok').length;
    expect(ok).toBe(Math.floor(200 / 9)); // 22 fit, 18 are refused
    expect(results.filter((r) => r === 'insufficient_stock').length).toBe(40 - ok);
    expect(await a.get(sku)).toMatchObject({ available: 200 - 9 * ok, reserved: 9 * ok, sold: 0 });
    expect(await balance(db)).toBe(0);
  });

  it('reserves all items or none', async () => {
    const [store] = await replicas();
    const before = await store.get('SUP-LEASH-005');
    await expect(
      store.reserve('RSV-all-or-none', undefined, [
        { product_id: 'SUP-LEASH-005', quantity: 3 },
        { product_id: 'parrot-kiwi-017', quantity: 9999 },
      ]),
    ).rejects.toMatchObject({ code: 'insufficient_stock' });
    expect(await store.get('SUP-LEASH-005')).toMatchObject({ available: before.available, reserved: 0 });
    expect(await store.reservation('RSV-all-or-none')).toBeUndefined();
  });

  it('replays a reservation id, and refuses one that was released (tombstone)', async () => {
    const [store] = await replicas();
    const first = await store.reserve('RSV-replay', 'ORD-1', [{ product_id: 'SUP-HAY-003', quantity: 2 }]);
    const again = await store.reserve('RSV-replay', 'ORD-1', [{ product_id: 'SUP-HAY-003', quantity: 2 }]);
    expect(again.result.replayed).toBe(true);
    expect(again.result.reservation.id).toBe(first.result.reservation.id);
    expect((await store.get('SUP-HAY-003')).reserved).toBe(2);
    await store.release('RSV-late', 'saga compensated before reserving');
    await expect(
      store.reserve('RSV-late', 'ORD-2', [{ product_id: 'SUP-HAY-003', quantity: 1 }]),
    ).rejects.toMatchObject({
      code: 'reservation_closed',
    });
  });

  it('expires held reservations and refuses to commit them', async () => {
    const [store, , db] = await replicas(50);
    await store.reserve('RSV-exp', 'ORD-3', [{ product_id: 'SUP-TERRARIUM-014', quantity: 4 }]);
    await new Promise((r) => setTimeout(r, 120));
    const committed = await store.commit('RSV-exp');
    expect(committed.result.status).toBe('expired');
    expect(await store.get('SUP-TERRARIUM-014')).toMatchObject({ reserved: 0, sold: 0 });
    await store.reserve('RSV-exp2', 'ORD-4', [{ product_id: 'SUP-TERRARIUM-014', quantity: 1 }]);
    await new Promise((r) => setTimeout(r, 120));
    expect((await store.expireDue()).expired).toEqual(['RSV-exp2']);
    expect(await balance(db)).toBe(0);
  });

  it('lets the database refuse any write that breaks the stock balance', async () => {
    const [, , db] = await replicas();
    await expect(
      db.query("UPDATE inventory_products SET sold = sold + 1 WHERE sku = 'SUP-HAY-003'"),
    ).rejects.toMatchObject({
      code: '23514',
    });
  });
});
