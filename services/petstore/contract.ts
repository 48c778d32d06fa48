// Storefront inputs. Strict like every API of the store: unknown fields and query parameters are
// rejected with a message naming them. Checkout reuses the order service's schema, so the storefront
// cannot accept an order the order service would refuse for its shape.
import { z } from 'zod';
import {
  EXPERIENCES,
  LEVELS,
  LIVING_SITUATIONS,
  PET_CATEGORIES,
  SPECIAL_TRAITS,
} from '../../catalog/products.ts';
import { createOrderBody, orderParams } from '../order/contract.ts';
import { operation, text } from '../kit/contract.ts';

export { orderParams };
import { recommendationRequestSchema } from '../ml-advisor/contract.ts';

export { recommendationRequestSchema };

const oneOf = (field: string, values: readonly string[]) => ({
  message: `${field} must be one of ${values.join(', ')}`,
});
const price = (field: string) =>
  z.coerce
    .number({ message: `${field} must be a number` })
    .min(0, `${field} must be >= 0`)
    .max(1_000_000, `${field} must be <= 1000000`);

export const CUSTOMER_ID = /^[A-Za-z0-9_.@-]{1,80}$/;
const customerId = z
  .string({ message: 'customer_id is required' })
  .regex(CUSTOMER_ID, 'customer_id must be 1-80 characters of A-Z a-z 0-9 _ . @ -');

export const petsQuery = z
  .strictObject({
    category: z.enum(PET_CATEGORIES, oneOf('category', PET_CATEGORIES)).optional(),
    min_price: price('min_price').optional(),
    max_price: price('max_price').optional(),
    living_situation: z.enum(LIVING_SITUATIONS, oneOf('living_situation', LIVING_SITUATIONS)).optional(),
    experience: z.enum(EXPERIENCES, oneOf('experience', EXPERIENCES)).optional(),
    activity_level: z.enum(LEVELS, oneOf('activity_level', LEVELS)).optional(),
    trait: z.enum(SPECIAL_TRAITS, oneOf('trait', SPECIAL_TRAITS)).optional(),
    sort: z
      .enum(
        ['catalog', 'price_asc', 'price_desc', 'name'],
        oneOf('sort', ['catalog', 'price_asc', 'price_desc', 'name']),
      )
      .default('catalog'),
    page: z.coerce
      .number({ message: 'page must be a number' })
      .int('page must be a whole number')
      .min(1, 'page must be >= 1')
      .max(10_000, 'page must be <= 10000')
      .default(1),
    page_size: z.coerce
      .number({ message: 'page_size must be a number' })
      .int('page_size must be a whole number')
      .min(1, 'page_size must be between 1 and 50')
      .max(50, 'page_size must be between 1 and 50')
      .default(10),
  })
  .refine((q) => q.min_price === undefined || q.max_price === undefined || q.min_price <= q.max_price, {
    message: 'min_price must not exceed max_price',
    path: ['min_price'],
  });
export type PetsQuery = z.output<typeof petsQuery>;

export const petParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'pet id must be 1-64 characters of a-z 0-9 - (e.g. golden-retriever-001)')
    .meta({ examples: ['golden-retriever-001'] }),
});

export const profileParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'profile id must be 1-64 characters of a-z 0-9 -')
    .meta({ examples: ['family-pet-seeker'] }),
});

export const recommendationsQuery = z.strictObject({
  customer_id: customerId,
  max_results: z.coerce
    .number({ message: 'max_results must be a number' })
    .int('max_results must be a whole number')
    .min(1, 'max_results must be between 1 and 20')
    .max(20, 'max_results must be between 1 and 20')
    .default(5),
});

/** The order service's body (its product ids are the catalog's SKUs). */
export const checkoutBody = createOrderBody;

export const DELIVERY_WINDOWS = ['morning', 'afternoon', 'evening'] as const;

export const deliveryBody = z
  .strictObject({
    // format: date in the document; zod's check is a calendar date too (no 2023-02-29).
    date: z.iso.date({
      error: (issue) =>
        issue.input === undefined
          ? 'date is required (YYYY-MM-DD)'
          : 'date must be a calendar date YYYY-MM-DD',
    }),
    window: z.enum(DELIVERY_WINDOWS, oneOf('window', DELIVERY_WINDOWS)),
    instructions: text('instructions', 200, { min: 0, multiline: true }).optional(),
  })
  .meta({ examples: [{ date: '2026-12-14', window: 'morning', instructions: 'Ring twice' }] });
export type DeliveryBody = z.output<typeof deliveryBody>;

export const journeyParams = z.strictObject({
  correlation_id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'correlation_id must be 1-128 characters of A-Z a-z 0-9 . _ : -'),
});

/** Where an order's id is in the answer that created it (for the links). */
const orderId = '$response.body#/order_id';

// The operations: what each route accepts and answers (service.ts binds a handler to each).
export const operations = {
  status: operation({
    method: 'get',
    path: '/status',
    summary: 'Journey step "health": the storefront and the readiness of the services it calls',
    responses: { 200: 'status (degraded when a dependency is not ready)' },
  }),
  listProfiles: operation({
    method: 'get',
    path: '/profiles',
    summary: 'Customer profiles the advisor knows (a customer id starting with a profile id gets it)',
    responses: { 200: 'profiles' },
  }),
  getProfile: operation({
    method: 'get',
    path: '/profiles/:id',
    summary: 'One customer profile',
    params: profileParams,
    responses: { 200: 'the profile', 404: 'unknown profile' },
  }),
  recommendationsForCustomer: operation({
    method: 'get',
    path: '/recommendations',
    summary:
      'Journey step "ml_recommendations": pets for a customer from their profile and order history (its own catalog picks when the advisor is slow or down)',
    query: recommendationsQuery,
    business: true,
    responses: { 200: 'recommendations (fallback_used/source say who answered)', 400: 'invalid query' },
  }),
  recommendForPreferences: operation({
    method: 'post',
    path: '/recommendations',
    summary:
      'Journey step "ml_recommendations": pets for stated preferences (same body as the ml-advisor; its own catalog picks when it is slow or down)',
    body: recommendationRequestSchema,
    business: true,
    responses: {
      200: 'recommendations',
      400: 'invalid preferences',
      422: 'budget_range.min exceeds budget_range.max',
    },
  }),
  listPets: operation({
    method: 'get',
    path: '/pets',
    summary:
      'Journey step "browse_pets": the pet catalog, filtered (category, price, home, experience, activity, trait), sorted and paginated',
    query: petsQuery,
    business: true,
    responses: { 200: 'a page of pets', 400: 'invalid filter', 422: 'min_price exceeds max_price' },
  }),
  getPet: operation({
    method: 'get',
    path: '/pets/:id',
    summary: 'Journey step "pet_details": one pet with live stock and price from inventory',
    params: petParams,
    business: true,
    responses: { 200: 'the pet (stock.status unknown when inventory cannot answer)', 404: 'unknown pet' },
  }),
  checkout: operation({
    method: 'post',
    path: '/orders',
    summary:
      'Journey step "create_order": checkout through the order service (reserve stock, charge, commit; or compensate)',
    body: checkoutBody,
    business: true,
    idempotencyKey: 'optional',
    links: {
      201: {
        OrderPayment: { operation: 'GET /orders/:id/payment', parameters: { id: orderId } },
        ScheduleDelivery: { operation: 'POST /orders/:id/delivery', parameters: { id: orderId } },
        TrackOrder: { operation: 'GET /orders/:id/tracking', parameters: { id: orderId } },
      },
    },
    responses: {
      201: 'order confirmed',
      400: 'invalid order',
      402: 'payment declined or rejected (order failed)',
      409: "insufficient stock (order failed); with an Idempotency-Key also order_failed (the key's order failed on our side) or order_in_progress with Retry-After",
      503: 'the order service (or one it needs) is unavailable',
    },
  }),
  orderPayment: operation({
    method: 'get',
    path: '/orders/:id/payment',
    summary: 'Journey step "process_payment": the payment of an order, as the order saga settled it',
    params: orderParams,
    business: true,
    responses: { 200: 'payment state of the order', 404: 'unknown order' },
  }),
  scheduleDelivery: operation({
    method: 'post',
    path: '/orders/:id/delivery',
    summary:
      'Journey step "schedule_delivery": pick a delivery date and window for a confirmed order (again to reschedule)',
    params: orderParams,
    body: deliveryBody,
    business: true,
    idempotencyKey: 'optional',
    responses: {
      201: 'delivery scheduled',
      200: 'delivery rescheduled',
      400: 'invalid date or window',
      404: 'unknown order',
      409: 'order not confirmed',
      422: 'date outside the delivery range',
    },
  }),
  trackOrder: operation({
    method: 'get',
    path: '/orders/:id/tracking',
    summary: 'Journey step "track_order": order status, payment, delivery and a timeline',
    params: orderParams,
    business: true,
    responses: { 200: 'tracking', 404: 'unknown order' },
  }),
  getJourney: operation({
    method: 'get',
    path: '/journeys/:correlation_id',
    summary: 'The journey steps served under one correlation ID (by any replica), with outcome and timing',
    params: journeyParams,
    responses: { 200: 'the journey', 404: 'no journey with that correlation ID (or long forgotten)' },
  }),
  listJourneys: operation({
    method: 'get',
    path: '/journeys',
    summary: 'Journeys started and converted (confirmed order), across all storefront replicas',
    responses: { 200: 'conversion summary' },
  }),
};
