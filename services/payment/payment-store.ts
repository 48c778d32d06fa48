// Payments in SQL, keyed by idempotency key.
import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '../kit/index.ts';

export type PaymentStatus =
  'processing' | 'succeeded' | 'declined' | 'failed' | 'fraud_rejected' | 'refunded' | 'voided';

export interface PaymentRow {
  id: string;
  idempotency_key: string;
  request_hash: string;
  order_id: string | null;
  customer_id: string | null;
  amount_cents: number;
  status: PaymentStatus;
  failure_reason: string | null;
  card_last4: string | null;
  fraud_check_ms: number | null;
  bank_ms: number | null;
  created_at: Date;
  updated_at: Date;
}

export function requestHash(fields: {
  order_id?: string | undefined;
  customer_id: string;
  amount_cents: number;
}): string {
  return createHash('sha256')
    .update(JSON.stringify([fields.order_id ?? null, fields.customer_id, fields.amount_cents]))
    .digest('hex');
}

export class PaymentStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /** Claims the key: a new 'processing' row, or the existing row for a replay. */
  async claim(input: {
    key: string;
    hash: string;
    order_id?: string | undefined;
    customer_id: string;
    amount_cents: number;
    card_last4?: string | undefined;
  }): Promise<{ row: PaymentRow; created: boolean }> {
    const id = `PAY-${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const inserted = await this.db.query<PaymentRow>(
      `INSERT INTO payment_payments (id, idempotency_key, request_hash, order_id, customer_id, amount_cents, status, card_last4)
       VALUES ($1, $2, $3, $4, $5, $6, 'processing', $7)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
      [
        id,
        input.key,
        input.hash,
        input.order_id ?? null,
        input.customer_id,
        input.amount_cents,
        input.card_last4 ?? null,
      ],
    );
    if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
    return { row: (await this.byKey(input.key)) as PaymentRow, created: false };
  }

  /** Records the outcome unless the payment was voided meanwhile (then the answer is the void). */
  async finish(
    id: string,
    status: 'succeeded' | 'declined' | 'failed' | 'fraud_rejected',
    details: { failure_reason?: string; fraud_check_ms: number; bank_ms?: number },
  ): Promise<PaymentRow> {
    const r = await this.db.query<PaymentRow>(
      `UPDATE payment_payments SET status = $2, failure_reason = $3, fraud_check_ms = $4, bank_ms = $5, updated_at = now()
       WHERE id = $1 AND status = 'processing' RETURNING *`,
      [id, status, details.failure_reason ?? null, details.fraud_check_ms, details.bank_ms ?? null],
    );
    return r.rows[0] ?? ((await this.byId(id)) as PaymentRow);
  }

  async byId(id: string): Promise<PaymentRow | undefined> {
    return (await this.db.query<PaymentRow>('SELECT * FROM payment_payments WHERE id = $1', [id])).rows[0];
  }

  async byOrder(orderId: string): Promise<PaymentRow[]> {
    return (
      await this.db.query<PaymentRow>(
        'SELECT * FROM payment_payments WHERE order_id = $1 ORDER BY created_at',
        [orderId],
      )
    ).rows;
  }

  /** A page of every payment in id order, after `after` (keyset paging: stable under inserts). */
  async page(after: string | undefined, limit: number): Promise<PaymentRow[]> {
    return (
      await this.db.query<PaymentRow>('SELECT * FROM payment_payments WHERE id > $1 ORDER BY id LIMIT $2', [
        after ?? '',
        limit,
      ])
    ).rows;
  }

  async byKey(key: string): Promise<PaymentRow | undefined> {
    return (
      await this.db.query<PaymentRow>('SELECT * FROM payment_payments WHERE idempotency_key = $1', [key])
    ).rows[0];
  }

  /** succeeded -> refunded. Returns the row and whether this call changed it. */
  async refund(id: string, reason: string): Promise<{ row: PaymentRow | undefined; changed: boolean }> {
    const r = await this.db.query<PaymentRow>(
      `UPDATE payment_payments SET status = 'refunded', failure_reason = $2, updated_at = now()
       WHERE id = $1 AND status = 'succeeded' RETURNING *`,
      [id, reason],
    );
    if (r.rows[0]) return { row: r.rows[0], changed: true };
    return { row: await this.byId(id), changed: false };
  }

  /**
   * Voids whatever exists under the key: refunds a success, cancels a charge in progress, and leaves
   * a tombstone when there is nothing yet. Idempotent.
   */
  async voidByKey(
    key: string,
    reason: string,
  ): Promise<{ row: PaymentRow; action: 'refunded' | 'voided' | 'tombstone' | 'none' }> {
    return this.db.transaction(async (tx) => {
      const tomb = await tx.query<PaymentRow>(
        `INSERT INTO payment_payments (id, idempotency_key, request_hash, amount_cents, status, failure_reason)
         VALUES ($1, $2, '', 0, 'voided', $3) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
        [`PAY-${randomUUID().replace(/-/g, '').slice(0, 12)}`, key, reason],
      );
      if (tomb.rows[0]) return { row: tomb.rows[0], action: 'tombstone' as const };
      const { rows } = await tx.query<PaymentRow>(
        'SELECT * FROM payment_payments WHERE idempotency_key = $1 FOR UPDATE',
        [key],
      );
      const row = rows[0] as PaymentRow;
      const next =
        row.status === 'succeeded' ? 'refunded' : row.status === 'processing' ? 'voided' : undefined;
      if (!next) return { row, action: 'none' as const };
      const u = await tx.query<PaymentRow>(
        `UPDATE payment_payments SET status = $2, failure_reason = $3, updated_at = now() WHERE id = $1 RETURNING *`,
        [row.id, next, reason],
      );
      return { row: u.rows[0] as PaymentRow, action: next };
    });
  }

  /** Charges left 'processing' by a crashed process: the bank outcome is unknown, so they fail. */
  async failStale(olderThanMs: number): Promise<PaymentRow[]> {
    const r = await this.db.query<PaymentRow>(
      `UPDATE payment_payments SET status = 'failed', failure_reason = 'interrupted before completion', updated_at = now()
       WHERE status = 'processing' AND updated_at < now() - make_interval(secs => $1::double precision) RETURNING *`,
      [olderThanMs / 1000],
    );
    return r.rows;
  }
}
