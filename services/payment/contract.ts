import { z } from 'zod';
import { IDEMPOTENCY_KEY_PATTERN, operation, text } from '../kit/contract.ts';

const ID = /^[A-Za-z0-9_-]{1,80}$/;

export const money = z
  .number({ message: 'amount must be a number' })
  .min(0.01, 'amount must be at least 0.01')
  .max(1_000_000, 'amount must not exceed 1000000')
  .multipleOf(0.01, 'amount must have at most 2 decimals');

export const chargeBody = z
  .strictObject({
    order_id: z.string().regex(ID, 'expected letters, digits, _ or -').optional(),
    customer_id: text('customer_id', 80),
    amount: money,
    currency: z.literal('USD', { message: 'only USD is supported' }).default('USD'),
    card: z
      .strictObject({
        number: z.string().regex(/^[0-9]{12,19}$/, 'card.number must be 12-19 digits'),
        cvv: z.string().regex(/^[0-9]{3,4}$/, 'card.cvv must be 3 or 4 digits'),
        expiry: z.string().regex(/^(0[1-9]|1[0-2])\/[0-9]{2}$/, 'card.expiry must be MM/YY'),
      })
      .optional(),
  })
  .meta({
    examples: [
      {
        order_id: 'ORD-1A2B3C4D5E6F',
        customer_id: 'family-pet-seeker-1',
        amount: 25.98,
        currency: 'USD',
        card: { number: '4111111111111111', cvv: '123', expiry: '12/30' },
      },
    ],
  });
/** @public The request body as a caller builds it. */
export type ChargeBody = z.infer<typeof chargeBody>;

export const paymentParams = z.strictObject({ id: z.string().regex(ID, 'expected a payment id') });
export const refundBody = z.strictObject({ reason: text('reason', 200).default('refund requested') });
export const voidBody = z.strictObject({
  idempotency_key: z
    .string()
    .regex(new RegExp(IDEMPOTENCY_KEY_PATTERN), 'expected the idempotency key of the charge'),
  reason: text('reason', 200).default('void requested'),
});

export const listQuery = z.strictObject({
  order_id: z.string().regex(ID, 'order_id must be letters, digits, _ or -'),
});

/** Keyset paging over every payment (by id), for audits; `after` is the last payment_id of the previous page. */
export const exportQuery = z.strictObject({
  after: z.string().regex(ID, 'after must be a payment id').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

// The operations: what each route accepts and answers (service.ts binds a handler to each).
export const operations = {
  charge: operation({
    method: 'post',
    path: '/payments',
    summary: 'Charge a customer once per Idempotency-Key: fraud check, then the bank',
    body: chargeBody,
    business: true,
    idempotencyKey: 'required',
    links: {
      201: {
        GetPayment: { operation: 'GET /payments/:id', parameters: { id: '$response.body#/payment_id' } },
        Refund: { operation: 'POST /payments/:id/refund', parameters: { id: '$response.body#/payment_id' } },
      },
    },
    responses: {
      201: 'payment succeeded (or a replay of it)',
      402: 'declined, failed at the bank, or rejected by the fraud check',
      409: 'in progress, or voided, under this key',
      422: 'the key was used before with a different request',
    },
  }),
  listPayments: operation({
    method: 'get',
    path: '/payments',
    summary: 'Payments of an order (every attempt, with its status)',
    query: listQuery,
    responses: { 200: 'payments', 400: 'missing order_id' },
  }),
  exportPayments: operation({
    method: 'get',
    path: '/export/payments',
    summary:
      'Every payment (tombstones of voided keys included) with its Idempotency-Key, in payment_id order, a page at a time (read-only, for audits such as make chaos)',
    query: exportQuery,
    responses: {
      200: 'a page of payments and the cursor of the next page (null on the last)',
      400: 'invalid cursor or limit',
    },
  }),
  getPayment: operation({
    method: 'get',
    path: '/payments/:id',
    summary: 'Look up a payment',
    params: paymentParams,
    responses: { 200: 'the payment', 404: 'unknown payment' },
  }),
  refund: operation({
    method: 'post',
    path: '/payments/:id/refund',
    summary: 'Refund a succeeded payment (idempotent)',
    params: paymentParams,
    body: refundBody,
    business: true,
    idempotencyKey: 'optional',
    responses: { 200: 'refunded', 404: 'unknown payment', 409: 'not refundable in its state' },
  }),
  voidPayment: operation({
    method: 'post',
    path: '/payments/void',
    summary: 'Void whatever was charged under an Idempotency-Key (saga compensation; idempotent)',
    body: voidBody,
    business: true,
    idempotencyKey: 'optional',
    responses: { 200: 'voided, refunded, or nothing to do' },
  }),
};
