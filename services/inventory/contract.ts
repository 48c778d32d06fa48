import { z } from 'zod';
import { PRODUCT_SKUS } from '../../catalog/products.ts';
import { operation, text } from '../kit/contract.ts';

/** A product the store sells (the catalog's SKUs, an enum in the document): anything else is a 400. */
export const productId = z.enum(PRODUCT_SKUS, {
  error: (issue) => `unknown product '${String(issue.input)}': product_id must be a catalog SKU (GET /stock)`,
});

const SKU_PATTERN = '[A-Za-z0-9-]{1,64}';
export const SKU = z
  .string()
  .regex(new RegExp(`^${SKU_PATTERN}$`), 'expected a SKU (letters, digits, dashes)');
const SKU_LIST = new RegExp(`^${SKU_PATTERN}(?:,${SKU_PATTERN}){0,49}$`);
export const RESERVATION_ID = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'expected letters, digits, _ or -');

export const reserveBody = z
  .strictObject({
    reservation_id: RESERVATION_ID.optional(),
    order_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,80}$/, 'expected letters, digits, _ or -')
      .optional(),
    items: z
      .array(
        z.strictObject({
          product_id: productId,
          quantity: z
            .number()
            .int('quantity must be a whole number')
            .positive('quantity must be at least 1')
            .max(1000),
        }),
      )
      .min(1, 'at least one item is required')
      .max(50),
  })
  .meta({
    examples: [{ order_id: 'ORD-1A2B3C4D5E6F', items: [{ product_id: 'SUP-CHEW-TOY-001', quantity: 2 }] }],
  });
/** @public The request body as a caller builds it. */
export type ReserveBody = z.infer<typeof reserveBody>;

export const releaseBody = z.strictObject({
  reason: text('reason', 200).default('released by caller'),
});

export const idParams = z.strictObject({ id: RESERVATION_ID });
export const skuParams = z.strictObject({ sku: SKU.meta({ examples: ['SUP-CHEW-TOY-001'] }) });
export const stockQuery = z.strictObject({
  kind: z.enum(['pet', 'supply']).optional(),
  sku: z
    .string()
    .regex(SKU_LIST, 'sku must be a comma-separated list of at most 50 SKUs (letters, digits, dashes)')
    .transform((v) => v.split(','))
    .optional(),
});

/** Where a reservation's id is in the answer that created it (for the links). */
const reservationId = '$response.body#/reservation_id';

// The operations: what each route accepts and answers (service.ts binds a handler to each).
export const operations = {
  listStock: operation({
    method: 'get',
    path: '/stock',
    summary: 'Stock levels and prices of every product (filter by kind or a comma-separated sku list)',
    query: stockQuery,
    responses: { 200: 'stock list', 400: 'invalid filter' },
  }),
  getStock: operation({
    method: 'get',
    path: '/stock/:sku',
    summary: 'Stock level and price of one product',
    params: skuParams,
    responses: { 200: 'stock of the product', 404: 'unknown product' },
  }),
  reserve: operation({
    method: 'post',
    path: '/reservations',
    summary: 'Reserve all items or none; replaying a reservation_id returns the same reservation',
    body: reserveBody,
    business: true,
    links: {
      201: {
        GetReservation: { operation: 'GET /reservations/:id', parameters: { id: reservationId } },
        Commit: { operation: 'POST /reservations/:id/commit', parameters: { id: reservationId } },
        Release: { operation: 'POST /reservations/:id/release', parameters: { id: reservationId } },
      },
    },
    responses: {
      201: 'reservation held',
      200: 'replay of an existing reservation',
      409: 'insufficient stock, or the reservation id was released',
      422: 'a product missing from the stock table (the catalog was not seeded)',
    },
  }),
  getReservation: operation({
    method: 'get',
    path: '/reservations/:id',
    summary: 'Look up a reservation',
    params: idParams,
    responses: { 200: 'the reservation', 404: 'unknown reservation' },
  }),
  commitReservation: operation({
    method: 'post',
    path: '/reservations/:id/commit',
    summary: 'Turn held units into sold units (idempotent)',
    params: idParams,
    business: true,
    responses: { 200: 'committed', 404: 'unknown reservation', 409: 'released or expired' },
  }),
  releaseReservation: operation({
    method: 'post',
    path: '/reservations/:id/release',
    summary: 'Put held units back on sale (idempotent; an unknown id is tombstoned)',
    params: idParams,
    body: releaseBody,
    business: true,
    responses: { 200: 'released', 409: 'already committed' },
  }),
};
