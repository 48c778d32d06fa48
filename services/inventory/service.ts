// Inventory: stock per SKU and expiring all-or-nothing reservations (reserve -> commit | release).
// Routes: a named handler per operation of contract.ts in routes.ts; ROUTES below is the table.
import { fileURLToPath } from 'node:url';
import { defineService } from '../kit/index.ts';
import { AUDIT_EVENTS, inventoryConfig } from './config.ts';
import {
  commitReservation,
  getReservation,
  getStock,
  listStock,
  releaseReservation,
  reserve,
  type Inventory,
} from './routes.ts';
import { StockStore, type StockRow } from './stock-store.ts';

const ROUTES: readonly ((i: Inventory) => void)[] = [
  listStock, //           GET  /stock
  getStock, //            GET  /stock/{sku}
  reserve, //             POST /reservations
  getReservation, //      GET  /reservations/{id}
  commitReservation, //   POST /reservations/{id}/commit
  releaseReservation, //  POST /reservations/{id}/release
];

export default defineService({
  name: 'inventory',
  config: inventoryConfig,
  auditEvents: AUDIT_EVENTS,
  migrationsDir: fileURLToPath(new URL('./migrations', import.meta.url)),
  async setup(kit) {
    const { db, audit, metrics, config, every } = kit;
    const store = new StockStore(db, config.RESERVATION_TTL_MS);
    const seeded = await store.seed();
    if (seeded) audit.emit('inventory_seeded', { products: seeded }, 'startup');

    const available = metrics.gauge('stockAvailable');
    const reserved = metrics.gauge('stockReserved');
    const ops = metrics.counter('reservations');
    const publish = (rows: StockRow[]): void => {
      for (const row of rows) {
        available.set({ sku: row.sku }, row.available);
        reserved.set({ sku: row.sku }, row.reserved);
      }
    };
    publish(await store.list({}));

    for (const declare of ROUTES) declare({ kit, store, publish });

    // Reservations that nobody committed or released (a caller crashed) give their units back.
    every(config.RESERVATION_SWEEP_MS, 'expire-reservations', async () => {
      const { expired, changed } = await store.expireDue();
      publish(changed);
      for (const id of expired) {
        ops.inc({ operation: 'expire', outcome: 'success' });
        audit.emit('inventory_reservation_expired', { reservation_id: id }, 'reservation-sweeper');
      }
    });
  },
});
