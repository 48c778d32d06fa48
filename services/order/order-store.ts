// Orders in SQL. Every saga transition is one UPDATE that also renews the lease, and only the driver
// holding the lease (lease_owner) may make it: a driver that lost its lease gets leaseLost().
import { randomUUID } from 'node:crypto';
import { retryLater, type Database, type HttpError, type Queryable } from '../kit/index.ts';

export type OrderStatus = 'pending' | 'reserved' | 'paid' | 'confirmed' | 'compensating' | 'failed';
export const FINAL: readonly OrderStatus[] = ['confirmed', 'failed'];

export interface OrderItem {
  product_id: string;
  quantity: number;
  unit_price?: number;
}

export interface OrderRow {
  id: string;
  correlation_id: string;
  customer_id: string;
  items: OrderItem[];
  shipping_address: unknown;
  status: OrderStatus;
  total_cents: number | null;
  reservation_id: string;
  payment_id: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  /** The HTTP status the failure was answered with. */
  failure_status: number | null;
  idempotency_key: string | null;
  lease_owner: string | null;
  steps: string[];
  lease_until: Date;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

export interface Transition {
  status: OrderStatus;
  step?: string;
  total_cents?: number;
  items?: OrderItem[];
  payment_id?: string;
  failure_code?: string;
  failure_reason?: string;
  failure_status?: number;
}

/** What a saga driver that lost its lease answers: another driver owns the order now; retry. */
export function leaseLost(orderId: string): HttpError {
  return retryLater(
    409,
    'order_in_progress',
    `order ${orderId} is being completed by another process; retry to get its outcome`,
    1000,
    { order_id: orderId },
  );
}

/** Who drives an order: the row's id and the lease owner the driver claimed it with. */
export type Driven = Pick<OrderRow, 'id' | 'lease_owner'>;

export class OrderStore {
  private readonly db: Database;
  private readonly leaseMs: number;

  constructor(db: Database, leaseMs: number) {
    this.db = db;
    this.leaseMs = leaseMs;
  }

  /** A new pending order, driven by its creator (in `q`, e.g. with its idempotency key bound). */
  async create(
    o: {
      id: string;
      correlation_id: string;
      customer_id: string;
      items: OrderItem[];
      shipping_address: unknown;
      idempotency_key?: string | undefined;
    },
    q: Queryable = this.db,
  ): Promise<OrderRow> {
    const r = await q.query<OrderRow>(
      `INSERT INTO order_orders (id, correlation_id, customer_id, items, shipping_address, status, reservation_id, steps,
         lease_until, lease_owner, idempotency_key)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, 'pending', $6, '["order_persisted"]'::jsonb,
         now() + make_interval(secs => $7::double precision), $8, $9)
       RETURNING *`,
      [
        o.id,
        o.correlation_id,
        o.customer_id,
        JSON.stringify(o.items),
        JSON.stringify(o.shipping_address ?? null),
        `RSV-${o.id}`,
        this.leaseMs / 1000,
        randomUUID(),
        o.idempotency_key ?? null,
      ],
    );
    return r.rows[0] as OrderRow;
  }

  /** Moves the order on, if `order.lease_owner` still holds its lease; throws leaseLost otherwise. */
  async transition(order: Driven, t: Transition): Promise<OrderRow> {
    const final = FINAL.includes(t.status);
    const r = await this.db.query<OrderRow>(
      `UPDATE order_orders SET
         status = $2,
         steps = CASE WHEN $3::text IS NULL THEN steps ELSE steps || to_jsonb($3::text) END,
         total_cents = COALESCE($4, total_cents),
         items = COALESCE($5::jsonb, items),
         payment_id = COALESCE($6, payment_id),
         failure_code = COALESCE($7, failure_code),
         failure_reason = COALESCE($8, failure_reason),
         failure_status = COALESCE($12, failure_status),
         lease_until = now() + make_interval(secs => $9::double precision),
         updated_at = now(),
         completed_at = CASE WHEN $10 THEN now() ELSE completed_at END
       WHERE id = $1 AND lease_owner IS NOT DISTINCT FROM $11 RETURNING *`,
      [
        order.id,
        t.status,
        t.step ?? null,
        t.total_cents ?? null,
        t.items ? JSON.stringify(t.items) : null,
        t.payment_id ?? null,
        t.failure_code ?? null,
        t.failure_reason ?? null,
        this.leaseMs / 1000,
        final,
        order.lease_owner,
        t.failure_status ?? null,
      ],
    );
    if (!r.rows[0]) throw leaseLost(order.id);
    return r.rows[0];
  }

  async get(id: string): Promise<OrderRow | undefined> {
    return (await this.db.query<OrderRow>('SELECT * FROM order_orders WHERE id = $1', [id])).rows[0];
  }

  async byCustomer(customerId: string, limit: number): Promise<OrderRow[]> {
    return (
      await this.db.query<OrderRow>(
        'SELECT * FROM order_orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT $2',
        [customerId, limit],
      )
    ).rows;
  }

  /** A page of every order in id order, after `after` (keyset paging: stable under inserts). */
  async page(after: string | undefined, limit: number): Promise<OrderRow[]> {
    return (
      await this.db.query<OrderRow>('SELECT * FROM order_orders WHERE id > $1 ORDER BY id LIMIT $2', [
        after ?? '',
        limit,
      ])
    ).rows;
  }

  /** Takes over one unfinished order whose driver's lease expired; undefined when it is not due. */
  async claim(id: string): Promise<OrderRow | undefined> {
    const r = await this.db.query<OrderRow>(
      `UPDATE order_orders SET lease_owner = $3, lease_until = now() + make_interval(secs => $2::double precision),
         updated_at = now()
       WHERE id = $1 AND status NOT IN ('confirmed', 'failed') AND lease_until < now() RETURNING *`,
      [id, this.leaseMs / 1000, randomUUID()],
    );
    return r.rows[0];
  }

  /** Claims unfinished orders whose driver's lease expired, renewing the lease for the new driver. */
  async claimAbandoned(limit: number, skip: readonly string[]): Promise<OrderRow[]> {
    return this.db.transaction(async (tx) => {
      const due = await tx.query<{ id: string }>(
        `SELECT id FROM order_orders
         WHERE status NOT IN ('confirmed', 'failed') AND lease_until < now() AND NOT (id = ANY($2::text[]))
         ORDER BY lease_until LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit, [...skip]],
      );
      if (!due.rows.length) return [];
      const claimed = await tx.query<OrderRow>(
        `UPDATE order_orders SET lease_until = now() + make_interval(secs => $2::double precision), updated_at = now(),
           lease_owner = $3 || ':' || id
         WHERE id = ANY($1::text[]) RETURNING *`,
        [due.rows.map((r) => r.id), this.leaseMs / 1000, randomUUID()],
      );
      return claimed.rows;
    });
  }
}
