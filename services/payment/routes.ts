// The payment routes, each a named handler for one operation of contract.ts; service.ts lists them.
import { conflict, HttpError, notFound, retryLater, type IdempotentCall } from '../kit/index.ts';
import { toCents, toDollars } from '../kit/money.ts';
import type { PaymentKit } from './config.ts';
import { operations, type ChargeBody } from './contract.ts';
import { requestHash, type PaymentRow, type PaymentStore } from './payment-store.ts';
import type { PaymentSimulation } from './simulation.ts';

/** What every payment handler works with. */
export interface Payments {
  readonly kit: PaymentKit;
  readonly store: PaymentStore;
  readonly sim: PaymentSimulation;
}

/** Business failures answer 402 with a code per cause; the row keeps the detail. */
const FAILURE_CODES = {
  declined: ['payment_declined', 'the bank declined the payment'],
  failed: ['payment_failed', 'the bank API failed; no money was taken'],
  fraud_rejected: ['fraud_rejected', 'the payment was rejected by the fraud check'],
  voided: ['payment_voided', 'this payment was voided (its order was cancelled)'],
  refunded: ['payment_refunded', 'this payment was refunded'],
} as const;

function view(row: PaymentRow) {
  return {
    payment_id: row.id,
    order_id: row.order_id,
    customer_id: row.customer_id,
    amount: toDollars(row.amount_cents),
    currency: 'USD',
    status: row.status,
    failure_reason: row.failure_reason,
    card_last4: row.card_last4,
    fraud_check_ms: row.fraud_check_ms,
    bank_ms: row.bank_ms,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The HTTP answer for a finished payment row; identical for the first call and every replay. */
function answer(row: PaymentRow, replayed: boolean) {
  const headers: Record<string, string> = replayed ? { 'Idempotent-Replayed': 'true' } : {};
  if (row.status === 'succeeded') return { status: 201, body: view(row), headers };
  if (row.status === 'processing') {
    // Retry-After: "come back", so the kit does not store this as the key's final answer.
    throw retryLater(
      409,
      'payment_in_progress',
      'a payment with this Idempotency-Key is still being processed; retry shortly',
      1000,
      { payment_id: row.id },
    );
  }
  const [code, message] = FAILURE_CODES[row.status];
  throw new HttpError(
    row.status === 'voided' || row.status === 'refunded' ? 409 : 402,
    code,
    `${message}${row.failure_reason ? `: ${row.failure_reason}` : ''}`,
    {
      payment_id: row.id,
      status: row.status,
    },
  );
}

/** A newly claimed charge: fraud check, then the bank; returns the row's final state, audited. */
async function settleCharge(
  { kit: { audit, metrics }, store, sim }: Payments,
  row: PaymentRow,
  body: ChargeBody,
): Promise<PaymentRow> {
  const payments = metrics.counter('payments');
  const base = {
    payment_id: row.id,
    order_id: body.order_id,
    customer_id: body.customer_id,
    amount: body.amount,
  };
  audit.emit('payment_processing_started', { ...base, card_last4: row.card_last4 });

  const fraud = await sim.fraudCheck(body.amount);
  audit.emit('payment_fraud_check_completed', {
    ...base,
    operation: 'fraud_check',
    duration_ms: Math.round(fraud.durationMs),
    outcome: fraud.outcome === 'passed' ? 'success' : 'failure',
    ...(fraud.outcome === 'rejected' ? { error_type: 'fraud_rejected', reason: fraud.reason } : {}),
    deep_check: body.amount > 1000,
  });
  let final: PaymentRow;
  if (fraud.outcome === 'rejected') {
    final = await store.finish(row.id, 'fraud_rejected', {
      failure_reason: fraud.reason ?? 'rejected',
      fraud_check_ms: Math.round(fraud.durationMs),
    });
  } else {
    const bank = await sim.bankCall(body.amount);
    audit.emit('payment_bank_call_completed', {
      ...base,
      operation: 'bank_call',
      duration_ms: Math.round(bank.durationMs),
      outcome: bank.outcome === 'approved' ? 'success' : 'failure',
      bank_outcome: bank.outcome,
      ...(bank.outcome !== 'approved' ? { error_type: `bank_${bank.outcome}` } : {}),
    });
    const status =
      bank.outcome === 'approved' ? 'succeeded' : bank.outcome === 'declined' ? 'declined' : 'failed';
    final = await store.finish(row.id, status, {
      ...(status !== 'succeeded' ? { failure_reason: `bank ${bank.outcome}` } : {}),
      fraud_check_ms: Math.round(fraud.durationMs),
      bank_ms: Math.round(bank.durationMs),
    });
  }
  const event = {
    succeeded: 'payment_succeeded',
    declined: 'payment_declined',
    failed: 'payment_failed',
    fraud_rejected: 'payment_fraud_rejected',
    voided: 'payment_voided',
    refunded: 'payment_refunded',
    processing: 'payment_failed',
  } as const;
  payments.inc({ outcome: final.status });
  audit.emit(event[final.status], {
    ...base,
    status: final.status,
    failure_reason: final.failure_reason,
  });
  return final;
}

export function charge(p: Payments): void {
  const {
    kit: { api, audit },
    store,
  } = p;
  api.route({
    ...operations.charge,
    // The kit replays stored answers; the payment row, unique per key and kept for good, is what
    // makes a charge happen once even across the kit's retention and lets a void tombstone a key.
    idempotencyScope: ({ body }) => body.customer_id,
    async handler({ body, idempotency }) {
      const key = (idempotency as IdempotentCall).key;
      const amountCents = toCents(body.amount);
      const hash = requestHash({
        order_id: body.order_id,
        customer_id: body.customer_id,
        amount_cents: amountCents,
      });
      const { row, created } = await store.claim({
        key,
        hash,
        order_id: body.order_id,
        customer_id: body.customer_id,
        amount_cents: amountCents,
        card_last4: body.card?.number.slice(-4),
      });
      if (!created) {
        if (row.status === 'voided' && row.request_hash === '') {
          throw conflict(
            'payment_voided',
            'this Idempotency-Key was voided before any charge (its order was cancelled)',
          );
        }
        if (row.request_hash !== hash) {
          throw new HttpError(
            422,
            'idempotency_key_reused',
            'this Idempotency-Key was used with a different request',
          );
        }
        audit.emit('payment_replayed', { payment_id: row.id, order_id: row.order_id, status: row.status });
        return answer(row, true);
      }

      return answer(await settleCharge(p, row, body), false);
    },
  });
}

export function listPayments({ kit: { api }, store }: Payments): void {
  api.route({
    ...operations.listPayments,
    async handler({ query }) {
      return {
        body: { order_id: query.order_id, payments: (await store.byOrder(query.order_id)).map(view) },
      };
    },
  });
}

export function exportPayments({ kit: { api }, store }: Payments): void {
  api.route({
    ...operations.exportPayments,
    async handler({ query }) {
      const rows = await store.page(query.after, query.limit);
      const last = rows.length === query.limit ? rows.at(-1) : undefined;
      return {
        body: {
          payments: rows.map((r) => ({ ...view(r), idempotency_key: r.idempotency_key })),
          next_after: last?.id ?? null,
        },
      };
    },
  });
}

export function getPayment({ kit: { api }, store }: Payments): void {
  api.route({
    ...operations.getPayment,
    async handler({ params }) {
      const row = await store.byId(params.id);
      if (!row) throw notFound(`unknown payment ${params.id}`);
      return { body: view(row) };
    },
  });
}

export function refund({ kit: { api, audit, metrics }, store }: Payments): void {
  const refunds = metrics.counter('refunds');
  api.route({
    ...operations.refund,
    idempotencyScope: ({ params }) => params.id,
    async handler({ params, body }) {
      const { row, changed } = await store.refund(params.id, body.reason);
      if (!row) throw notFound(`unknown payment ${params.id}`);
      if (!changed && row.status !== 'refunded') {
        throw conflict('not_refundable', `payment ${params.id} is ${row.status} and cannot be refunded`, {
          status: row.status,
        });
      }
      if (changed) {
        refunds.inc({ kind: 'refund' });
        audit.emit('payment_refunded', {
          payment_id: row.id,
          order_id: row.order_id,
          amount: toDollars(row.amount_cents),
          reason: body.reason,
        });
      }
      return { body: view(row) };
    },
  });
}

export function voidPayment({ kit: { api, audit, metrics }, store }: Payments): void {
  const refunds = metrics.counter('refunds');
  api.route({
    ...operations.voidPayment,
    idempotencyScope: ({ body }) => body.idempotency_key,
    async handler({ body }) {
      const { row, action } = await store.voidByKey(body.idempotency_key, body.reason);
      if (action !== 'none') {
        refunds.inc({ kind: action === 'refunded' ? 'refund' : 'void' });
        audit.emit(action === 'refunded' ? 'payment_refunded' : 'payment_voided', {
          payment_id: row.id,
          order_id: row.order_id,
          idempotency_key: body.idempotency_key,
          action,
          reason: body.reason,
        });
      }
      return { body: { ...view(row), action } };
    },
  });
}
