// The inventory routes, each a named handler for one operation of contract.ts; service.ts lists them.
import { conflict, notFound, withSpan } from '../kit/index.ts';
import { toDollars } from '../kit/money.ts';
import type { InventoryKit } from './config.ts';
import { operations } from './contract.ts';
import type { Reservation, StockRow, StockStore } from './stock-store.ts';

/** What every inventory handler works with. */
export interface Inventory {
  readonly kit: InventoryKit;
  readonly store: StockStore;
  /** Sets the stock gauges from rows that changed. */
  publish(rows: StockRow[]): void;
}

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

function operationRecorder({ audit, metrics }: InventoryKit) {
  const ops = metrics.counter('reservations');
  /** Times an operation, records its outcome in metrics and the audit log (analytics reads both). */
  return async function operation<T>(
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
  };
}

export function listStock({ kit: { api }, store }: Inventory): void {
  api.route({
    ...operations.listStock,
    async handler({ query }) {
      const rows = await store.list({ kind: query.kind, skus: query.sku });
      return { body: { products: rows.map(stockView) } };
    },
  });
}

export function getStock({ kit: { api }, store }: Inventory): void {
  api.route({
    ...operations.getStock,
    async handler({ params }) {
      return { body: stockView(await store.get(params.sku)) };
    },
  });
}

export function reserve({ kit, store, publish }: Inventory): void {
  const { api, audit } = kit;
  const operation = operationRecorder(kit);
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
}

export function getReservation({ kit: { api }, store }: Inventory): void {
  api.route({
    ...operations.getReservation,
    async handler({ params }) {
      const r = await store.reservation(params.id);
      if (!r) throw notFound(`unknown reservation ${params.id}`);
      return { body: reservationView(r) };
    },
  });
}

export function commitReservation({ kit, store, publish }: Inventory): void {
  const { api, audit } = kit;
  const operation = operationRecorder(kit);
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
}

export function releaseReservation({ kit, store, publish }: Inventory): void {
  const { api, audit } = kit;
  const operation = operationRecorder(kit);
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
}
