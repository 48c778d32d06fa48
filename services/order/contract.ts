import { z } from 'zod';
import { operation, text } from '../kit/contract.ts';
import { productId } from '../inventory/contract.ts';

export const createOrderBody = z
  .strictObject({
    customer_id: z
      .string({ message: 'customer_id is required' })
      .regex(/^[A-Za-z0-9_.@-]{1,80}$/, 'customer_id must be 1-80 characters of A-Z a-z 0-9 _ . @ -'),
    items: z
      .array(
        z.strictObject({
          product_id: productId,
          quantity: z
            .number({ message: 'quantity must be a number' })
            .int('quantity must be a whole number')
            .positive('quantity must be at least 1')
            .max(100, 'quantity must be at most 100'),
        }),
        { message: 'items must be an array' },
      )
      .min(1, 'at least one item is required')
      .max(20, 'at most 20 items per order'),
    shipping_address: z
      .strictObject({
        name: text('shipping_address.name', 120).optional(),
        street: text('shipping_address.street', 200),
        city: text('shipping_address.city', 100),
        postal_code: z
          .string()
          .regex(/^[A-Za-z0-9 -]{2,12}$/, 'postal_code must be 2-12 letters, digits, spaces or dashes'),
        country: z.string().regex(/^[A-Z]{2}$/, 'country must be an ISO 3166 alpha-2 code such as US'),
      })
      .optional(),
  })
  .meta({
    examples: [
      {
        customer_id: 'family-pet-seeker-1',
        items: [{ product_id: 'SUP-CHEW-TOY-001', quantity: 2 }],
        shipping_address: {
          name: 'Ada',
          street: '1 Main St',
          city: 'Springfield',
          postal_code: '12345',
          country: 'US',
        },
      },
    ],
  });
/** @public The request body as a caller builds it. */
export type CreateOrderBody = z.infer<typeof createOrderBody>;

export const orderParams = z.strictObject({
  id: z
    .string()
    .regex(/^ORD-[A-Z0-9]{1,40}$/, 'expected an order id such as ORD-1A2B3C4D5E6F')
    .meta({ examples: ['ORD-1A2B3C4D5E6F'] }),
});

/** Keyset paging over every order (by id), for audits; `after` is the last order_id of the previous page. */
export const exportQuery = z.strictObject({
  after: orderParams.shape.id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const listQuery = z.strictObject({
  customer_id: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,80}$/, 'customer_id must be 1-80 characters of A-Z a-z 0-9 _ . @ -'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

// The operations: what each route accepts and answers (service.ts binds a handler to each).
export const operations = {
  createOrder: operation({
    method: 'post',
    path: '/orders',
    summary:
      'Place an order: reserve stock, charge the customer, commit the stock (or compensate); send an Idempotency-Key to retry safely',
    body: createOrderBody,
    business: true,
    idempotencyKey: 'optional',
    links: {
      201: { GetOrder: { operation: 'GET /orders/:id', parameters: { id: '$response.body#/order_id' } } },
    },
    responses: {
      201: 'order confirmed',
      400: 'invalid request',
      402: 'payment declined, failed or rejected by the fraud check (order failed, stock released)',
      409: "insufficient stock or reservation expired (order failed); with an Idempotency-Key, also order_failed (the key's order failed on our side and was rolled back) or order_in_progress with Retry-After (another process is finishing it)",
      422: 'a product inventory does not stock (order failed)',
      503: 'a dependency is unavailable (order failed, or compensating until it is back)',
    },
  }),
  getOrder: operation({
    method: 'get',
    path: '/orders/:id',
    summary: 'Look up an order and the state of its saga',
    params: orderParams,
    responses: { 200: 'the order', 404: 'unknown order' },
  }),
  exportOrders: operation({
    method: 'get',
    path: '/export/orders',
    summary:
      'Every order with its saga state and Idempotency-Key, in order_id order, a page at a time (read-only, for audits such as make chaos)',
    query: exportQuery,
    responses: {
      200: 'a page of orders and the cursor of the next page (null on the last)',
      400: 'invalid cursor or limit',
    },
  }),
  listOrders: operation({
    method: 'get',
    path: '/orders',
    summary: "A customer's orders, newest first",
    query: listQuery,
    responses: { 200: 'orders', 400: 'missing or invalid customer_id' },
  }),
};
