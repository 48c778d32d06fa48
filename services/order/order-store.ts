// Orders in SQL. Every saga transition is one UPDATE that also renews the lease.
import type { Database } from '../kit/index.ts';

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
}

export class OrderStore {
  private readonly db: Database;
  private readonly leaseMs: number;

  constructor(db: Database, leaseMs: number) {
    this.db = db;
    this.leaseMs = leaseMs;
  }

  async create(o: {
    id: string;
    correlation_id: string;
    customer_id: string;
    items: OrderItem[];
    shipping_address: unknown;
  }): Promise<OrderRow> {
    const r = await this.db.query<OrderRow>(
      `INSERT INTO order_orders (id, correlation_id, customer_id, items, shipping_address, status, reservation_id, steps, lease_until)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, 'pending', $6, '["order_persisted"]'::jsonb, now() + make_interval(secs => $7::double precision))
       RETURNING *`,
      [
        o.id,
        o.correlation_id,
        o.customer_id,
        JSON.stringify(o.items),
        JSON.stringify(o.shipping_address ?? null),
        `RSV-${o.id}`,
        this.leaseMs / 1000,
      ],
    );
    return r.rows[0] as OrderRow;
  }

  async transition(id: string, t: Transition): Promise<OrderRow> {
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
         lease_until = now() + make_interval(secs => $9::double precision),
         updated_at = now(),
         completed_at = CASE WHEN $10 THEN now() ELSE completed_at END
       WHERE id = $1 RETURNING *`,
      [
        id,
        t.status,
        t.step ?? null,
        t.total_cents ?? null,
        t.items ? JSON.stringify(t.items) : null,
        t.payment_id ?? null,
        t.failure_code ?? null,
        t.failure_reason ?? null,
        this.leaseMs / 1000,
        final,
      ],
    );
    return r.rows[0] as OrderRow;
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
        `UPDATE order_orders SET lease_until = now() + make_interval(secs => $2::double precision), updated_at = now()
         WHERE id = ANY($1::text[]) RETURNING *`,
        [due.rows.map((r) => r.id), this.leaseMs / 1000],
      );
      return claimed.rows;
    });
  }
}
