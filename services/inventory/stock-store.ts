// Stock and reservations in SQL. Every state change is one transaction; rows are locked in SKU order
// so concurrent reservations cannot deadlock; the balance constraint guards against oversell.
import { PRODUCTS } from '../../catalog/index.ts';
import type { Database, Queryable } from '../kit/index.ts';
import { conflict, notFound, unprocessable } from '../kit/index.ts';
import { toCents } from '../kit/money.ts';

export interface StockRow {
  sku: string;
  name: string;
  kind: 'pet' | 'supply';
  price_cents: number;
  available: number;
  reserved: number;
  sold: number;
  total: number;
}

export type ReservationStatus = 'held' | 'committed' | 'released' | 'expired';

export interface Reservation {
  id: string;
  order_id: string | null;
  status: ReservationStatus;
  total_cents: number;
  expires_at: Date;
  release_reason: string | null;
  items: { sku: string; quantity: number; unit_price_cents: number }[];
}

/** Stock rows whose numbers changed, so the caller can update gauges. */
export interface Changed<T> {
  result: T;
  changed: StockRow[];
}

export class StockStore {
  private readonly db: Database;
  private readonly ttlMs: number;

  constructor(db: Database, ttlMs: number) {
    this.db = db;
    this.ttlMs = ttlMs;
  }

  /** Inserts catalog products that are not there yet. Prices and stock then belong to inventory. */
  async seed(): Promise<number> {
    let inserted = 0;
    for (const p of PRODUCTS) {
      const r = await this.db.query(
        `INSERT INTO inventory_products (sku, name, kind, price_cents, available, reserved, sold, total)
         VALUES ($1, $2, $3, $4, $5, 0, 0, $5) ON CONFLICT (sku) DO NOTHING`,
        [p.sku, p.name, p.kind, toCents(p.price), p.initialStock],
      );
      inserted += r.rowCount;
    }
    return inserted;
  }

  async list(filter: {
    kind?: 'pet' | 'supply' | undefined;
    skus?: string[] | undefined;
  }): Promise<StockRow[]> {
    const { rows } = await this.db.query<StockRow>(
      `SELECT * FROM inventory_products
       WHERE ($1::text IS NULL OR kind = $1) AND ($2::text[] IS NULL OR sku = ANY($2))
       ORDER BY sku`,
      [filter.kind ?? null, filter.skus ?? null],
    );
    return rows;
  }

  async get(sku: string): Promise<StockRow> {
    const { rows } = await this.db.query<StockRow>('SELECT * FROM inventory_products WHERE sku = $1', [sku]);
    if (!rows[0]) throw notFound(`unknown product ${sku}`);
    return rows[0];
  }

  /** A reservation with its items (ordered by SKU), read in one statement; `lock` takes its row lock. */
  async reservation(id: string, q: Queryable = this.db, lock = false): Promise<Reservation | undefined> {
    const { rows } = await q.query<Reservation>(
      `SELECT r.id, r.order_id, r.status, r.total_cents, r.expires_at, r.release_reason,
              COALESCE((SELECT json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity,
                                                          'unit_price_cents', i.unit_price_cents) ORDER BY i.sku)
                          FROM inventory_reservation_items i WHERE i.reservation_id = r.id), '[]') AS items
         FROM inventory_reservations r WHERE r.id = $1${lock ? ' FOR UPDATE OF r' : ''}`,
      [id],
    );
    return rows[0];
  }

  /**
   * All-or-nothing reservation. Replaying the same id returns the existing reservation (the caller
   * may retry after a timeout); an id that was released or expired is refused.
   * On the hot path this is four statements whatever the cart (status check, one guarded UPDATE per
   * SKU, the reservation, its items in one INSERT); unknown SKUs are looked up only on failure.
   */
  async reserve(
    id: string,
    orderId: string | undefined,
    items: { product_id: string; quantity: number }[],
  ): Promise<Changed<{ reservation: Reservation; replayed: boolean }>> {
    const wanted = new Map<string, number>();
    for (const i of items) wanted.set(i.product_id, (wanted.get(i.product_id) ?? 0) + i.quantity);
    const skus = [...wanted.keys()].sort();
    return this.db.transaction(async (tx) => {
      const seen = await tx.query<{ status: ReservationStatus }>(
        'SELECT status FROM inventory_reservations WHERE id = $1',
        [id],
      );
      const status = seen.rows[0]?.status;
      if (status === 'held' || status === 'committed') {
        return {
          result: { reservation: (await this.reservation(id, tx)) as Reservation, replayed: true },
          changed: [],
        };
      }
      if (status) throw conflict('reservation_closed', `reservation ${id} was already ${status}`, { status });
      const changed: StockRow[] = [];
      for (const sku of skus) {
        const quantity = wanted.get(sku) as number;
        const r = await tx.query<StockRow>(
          `UPDATE inventory_products SET available = available - $2, reserved = reserved + $2
           WHERE sku = $1 AND available >= $2 RETURNING *`,
          [sku, quantity],
        );
        if (!r.rows[0]) throw await this.refusal(tx, skus, sku, quantity);
        changed.push(r.rows[0]);
      }
      const total = changed.reduce((sum, row) => sum + row.price_cents * (wanted.get(row.sku) as number), 0);
      const created = await tx.query<{ expires_at: Date }>(
        `INSERT INTO inventory_reservations (id, order_id, status, total_cents, expires_at)
         VALUES ($1, $2, 'held', $3, now() + make_interval(secs => $4::double precision)) RETURNING expires_at`,
        [id, orderId ?? null, total, this.ttlMs / 1000],
      );
      const lines = changed.map((row) => ({
        sku: row.sku,
        quantity: wanted.get(row.sku) as number,
        unit_price_cents: row.price_cents,
      }));
      await tx.query(
        `INSERT INTO inventory_reservation_items (reservation_id, sku, quantity, unit_price_cents)
         SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[])`,
        [id, lines.map((l) => l.sku), lines.map((l) => l.quantity), lines.map((l) => l.unit_price_cents)],
      );
      const reservation: Reservation = {
        id,
        order_id: orderId ?? null,
        status: 'held',
        total_cents: total,
        expires_at: created.rows[0]?.expires_at as Date,
        release_reason: null,
        items: lines,
      };
      return { result: { reservation, replayed: false }, changed };
    });
  }

  /** Why a guarded UPDATE matched nothing: unknown products (all of them named) or too little stock. */
  private async refusal(tx: Queryable, skus: string[], sku: string, quantity: number): Promise<Error> {
    const { rows } = await tx.query<{ sku: string; available: number }>(
      'SELECT sku, available FROM inventory_products WHERE sku = ANY($1)',
      [skus],
    );
    const unknown = skus.filter((s) => !rows.some((r) => r.sku === s));
    if (unknown.length) {
      return unprocessable('unknown_product', `unknown product ${unknown.join(', ')}`, {
        unknown_products: unknown,
      });
    }
    const available = rows.find((r) => r.sku === sku)?.available ?? 0;
    return conflict(
      'insufficient_stock',
      `insufficient stock for ${sku}: ${quantity} requested, ${available} available`,
      {
        sku,
        requested: quantity,
        available,
      },
    );
  }

  /** Held units become sold. Idempotent for committed reservations; an expired one comes back 'expired'. */
  async commit(id: string): Promise<Changed<Reservation>> {
    return this.db.transaction(async (tx) => {
      const r = await this.lock(id, tx);
      if (!r) throw notFound(`unknown reservation ${id}`);
      if (r.status === 'committed') return { result: r, changed: [] };
      if (r.status !== 'held') {
        throw conflict(
          `reservation_${r.status}`,
          `reservation ${id} was ${r.status} and cannot be committed`,
          { status: r.status },
        );
      }
      if (r.expires_at.getTime() < Date.now()) {
        // Put the units back now (committed with this transaction); the caller answers 409.
        const changed = await this.restore(r, 'expired', 'expired before commit', tx);
        return { result: { ...r, status: 'expired' as const }, changed };
      }
      const changed: StockRow[] = [];
      for (const item of r.items) {
        const u = await tx.query<StockRow>(
          'UPDATE inventory_products SET reserved = reserved - $2, sold = sold + $2 WHERE sku = $1 RETURNING *',
          [item.sku, item.quantity],
        );
        if (u.rows[0]) changed.push(u.rows[0]);
      }
      await tx.query(
        "UPDATE inventory_reservations SET status = 'committed', updated_at = now() WHERE id = $1",
        [id],
      );
      return { result: { ...r, status: 'committed' }, changed };
    });
  }

  /**
   * Held units go back on sale. Idempotent; releasing an unknown id records a tombstone so a reserve
   * that arrives later (e.g. a retried call from a crashed saga) cannot hold stock again.
   */
  async release(id: string, reason: string, orderId?: string): Promise<Changed<Reservation>> {
    return this.db.transaction(async (tx) => {
      const r = await this.lock(id, tx);
      if (!r) {
        await tx.query(
          `INSERT INTO inventory_reservations (id, order_id, status, total_cents, expires_at, release_reason)
           VALUES ($1, $2, 'released', 0, now(), $3)`,
          [id, orderId ?? null, reason],
        );
        return { result: (await this.reservation(id, tx)) as Reservation, changed: [] };
      }
      if (r.status === 'released' || r.status === 'expired') return { result: r, changed: [] };
      if (r.status === 'committed') {
        throw conflict(
          'reservation_committed',
          `reservation ${id} is committed (sold) and cannot be released`,
        );
      }
      const changed = await this.restore(r, 'released', reason, tx);
      return { result: { ...r, status: 'released', release_reason: reason }, changed };
    });
  }

  /** Releases held reservations past their expiry; returns what changed. */
  async expireDue(limit = 100): Promise<{ expired: string[]; changed: StockRow[] }> {
    return this.db.transaction(async (tx) => {
      const due = await tx.query<{ id: string }>(
        `SELECT id FROM inventory_reservations WHERE status = 'held' AND expires_at < now()
         ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      const changed: StockRow[] = [];
      for (const { id } of due.rows) {
        const r = (await this.reservation(id, tx)) as Reservation;
        changed.push(...(await this.restore(r, 'expired', 'reservation expired', tx)));
      }
      return { expired: due.rows.map((r) => r.id), changed };
    });
  }

  private lock(id: string, tx: Queryable): Promise<Reservation | undefined> {
    return this.reservation(id, tx, true);
  }

  private async restore(
    r: Reservation,
    status: 'released' | 'expired',
    reason: string,
    tx: Queryable,
  ): Promise<StockRow[]> {
    const changed: StockRow[] = [];
    for (const item of [...r.items].sort((a, b) => a.sku.localeCompare(b.sku))) {
      const u = await tx.query<StockRow>(
        'UPDATE inventory_products SET reserved = reserved - $2, available = available + $2 WHERE sku = $1 RETURNING *',
        [item.sku, item.quantity],
      );
      if (u.rows[0]) changed.push(u.rows[0]);
    }
    await tx.query(
      'UPDATE inventory_reservations SET status = $2, release_reason = $3, updated_at = now() WHERE id = $1',
      [r.id, status, reason],
    );
    return changed;
  }
}
