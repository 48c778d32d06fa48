// Inventory: stock per SKU and expiring all-or-nothing reservations (reserve -> commit | release).
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { conflict, defineService, notFound, withSpan } from '../kit/index.ts';
import { operations } from './contract.ts';
import { StockStore, type Reservation, type StockRow } from './stock-store.ts';
import { toDollars } from '../kit/money.ts';

export const AUDIT_EVENTS = [
  'inventory_seeded',
  'inventory_reserved',
  'inventory_reservation_failed',
  'inventory_committed',
  'inventory_released',
  'inventory_reservation_expired',
] as const;

function stockView(row: StockRow) {
  return {
    product_id: row.sku,
    name: row.name,
    kind: row.kind,
    price: toDollars(row.price_cents),
    available: row.available,
    reserved: row.reserved,
    sold: row.sold,
    total: row.total,
  };
}

function reservationView(r: Reservation) {
  return {
    reservation_id: r.id,
    order_id: r.order_id,
    status: r.status,
    total_amount: toDollars(r.total_cents),
    expires_at: r.expires_at.toISOString(),
    release_reason: r.release_reason,
    items: r.items.map((i) => ({
      product_id: i.sku,
      quantity: i.quantity,
      unit_price: toDollars(i.unit_price_cents),
    })),
  };
}

export default defineService({
  name: 'inventory',
  config: {
    RESERVATION_TTL_MS: z.coerce
      .number()
      .int()
      .min(1)
      .default(15 * 60_000),
    RESERVATION_SWEEP_MS: z.coerce.number().int().min(10).default(5_000),
  },
  auditEvents: AUDIT_EVENTS,
  migrationsDir: fileURLToPath(new URL('./migrations', import.meta.url)),
  async setup({ api, db, audit, metrics, config, every }) {
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

    /** Times an operation, records its outcome in metrics and the audit log (analytics reads both). */
    async function operation<T>(
      name: 'reserve' | 'commit' | 'release',
      fields: Record<string, unknown>,
      run: () => Promise<T>,
    ): Promise<T> {
      const started = performance.now();
      try {
        const result = await withSpan(`inventory.${name}`, { 'mmf.operation': name }, run);
        ops.inc({ operation: name, outcome: 'success' });
        return result;
      } catch (err) {
        ops.inc({ operation: name, outcome: 'failure' });
        audit.emit('inventory_reservation_failed', {
          ...fields,
          operation: name,
          duration_ms: Math.round(performance.now() - started),
          outcome: 'failure',
          error_type: (err as { code?: string }).code ?? 'error',
          reason: (err as Error).message,
        });
        throw err;
      }
    }

    api.route({
      ...operations.listStock,
      async handler({ query }) {
        const rows = await store.list({ kind: query.kind, skus: query.sku });
        return { body: { products: rows.map(stockView) } };
      },
    });

    api.route({
      ...operations.getStock,
      async handler({ params }) {
        return { body: stockView(await store.get(params.sku)) };
      },
    });

    api.route({
      ...operations.reserve,
      async handler({ body }) {
        const id = body.reservation_id ?? `RSV-${crypto.randomUUID().slice(0, 12)}`;
        const started = performance.now();
        const { result, changed } = await operation(
          'reserve',
          { reservation_id: id, order_id: body.order_id },
          () => store.reserve(id, body.order_id, body.items),
        );
        publish(changed);
        if (!result.replayed) {
          audit.emit('inventory_reserved', {
            reservation_id: id,
            order_id: body.order_id,
            items: body.items,
            total_amount: toDollars(result.reservation.total_cents),
            operation: 'reserve',
            duration_ms: Math.round(performance.now() - started),
            outcome: 'success',
          });
        }
        return { status: result.replayed ? 200 : 201, body: reservationView(result.reservation) };
      },
    });

    api.route({
      ...operations.getReservation,
      async handler({ params }) {
        const r = await store.reservation(params.id);
        if (!r) throw notFound(`unknown reservation ${params.id}`);
        return { body: reservationView(r) };
      },
    });

    api.route({
      ...operations.commitReservation,
      async handler({ params }) {
        const started = performance.now();
        const { result, changed } = await operation('commit', { reservation_id: params.id }, () =>
          store.commit(params.id),
        );
        publish(changed);
        if (result.status === 'expired') {
          audit.emit('inventory_reservation_expired', {
            reservation_id: params.id,
            order_id: result.order_id,
          });
          throw conflict(
            'reservation_expired',
            `reservation ${params.id} expired before commit; its units are back on sale`,
          );
        }
        if (changed.length) {
          audit.emit('inventory_committed', {
            reservation_id: params.id,
            order_id: result.order_id,
            operation: 'commit',
            duration_ms: Math.round(performance.now() - started),
            outcome: 'success',
          });
        }
        return { body: reservationView(result) };
      },
    });

    api.route({
      ...operations.releaseReservation,
      async handler({ params, body }) {
        const started = performance.now();
        const { result, changed } = await operation('release', { reservation_id: params.id }, () =>
          store.release(params.id, body.reason),
        );
        publish(changed);
        audit.emit('inventory_released', {
          reservation_id: params.id,
          order_id: result.order_id,
          reason: body.reason,
          units_restored: changed.length ? result.items.reduce((n, i) => n + i.quantity, 0) : 0,
          operation: 'release',
          duration_ms: Math.round(performance.now() - started),
          outcome: 'success',
        });
        return { body: reservationView(result) };
      },
    });

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

export { StockStore };
