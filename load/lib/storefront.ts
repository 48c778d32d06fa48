// The storefront (petstore) API as k6 calls it: the eight journey steps of docs/journey.md. Every
// request goes to PETSTORE_URL and is tagged `target: petstore`, `step` (the journey step, also the
// `op`) and `name` (the route template), so the summary shows latency and failures per step.
import http from 'k6/http';
import type { OrderRequest } from './carts.ts';
import { baseUrl } from './env.ts';
import { sendWithRetries, withKey } from './idempotency.ts';
import type { Response } from './response.ts';
import { counted, params, type Call } from './store.ts';

import { JOURNEY_STEPS, type JourneyStep } from '../../catalog/journey.ts';

export const STEPS = JOURNEY_STEPS;
export type Step = JourneyStep;

export const STEP_TAG = 'step';

export const DELIVERY_WINDOWS = ['morning', 'afternoon', 'evening'] as const;

export interface PetsQuery {
  readonly category?: string;
  readonly max_price?: number;
  readonly living_situation?: string;
  readonly page_size?: number;
}

export interface DeliveryRequest {
  readonly date: string;
  readonly window: (typeof DELIVERY_WINDOWS)[number];
}

function get(step: Step, route: string, path: string, call: Call): Response {
  const p = params('petstore', step, route, { ...call, tags: { [STEP_TAG]: step, ...call.tags } }, false);
  return counted(http.get(`${baseUrl('petstore')}${path}`, p), 'petstore');
}

/**
 * Every storefront POST (checkout, delivery) goes under a fresh Idempotency-Key and is retried with
 * the same key and body after a lost request, a 5xx or a "retry after" answer (idempotency.ts).
 */
function post(step: Step, route: string, path: string, body: unknown, call: Call): Response {
  const p = params('petstore', step, route, { ...call, tags: { [STEP_TAG]: step, ...call.tags } }, true);
  const keyed = { ...p, headers: withKey(p.headers) };
  const text = JSON.stringify(body);
  return sendWithRetries(() => counted(http.post(`${baseUrl('petstore')}${path}`, text, keyed), 'petstore'))
    .res;
}

function query(fields: Readonly<Record<string, string | number | undefined>>): string {
  const parts = Object.entries(fields)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

const id = encodeURIComponent;

export function getStatus(call: Call): Response {
  return get('health', 'GET /status', '/status', call);
}

export function getRecommendations(customerId: string, maxResults: number, call: Call): Response {
  const path = `/recommendations${query({ customer_id: customerId, max_results: maxResults })}`;
  return get('ml_recommendations', 'GET /recommendations', path, call);
}

export function browsePets(q: PetsQuery, call: Call): Response {
  return get('browse_pets', 'GET /pets', `/pets${query({ ...q })}`, call);
}

export function getPet(petId: string, call: Call): Response {
  return get('pet_details', 'GET /pets/{id}', `/pets/${id(petId)}`, call);
}

export function checkout(order: OrderRequest, call: Call): Response {
  return post('create_order', 'POST /orders', '/orders', order, call);
}

export function getPayment(orderId: string, call: Call): Response {
  return get('process_payment', 'GET /orders/{id}/payment', `/orders/${id(orderId)}/payment`, call);
}

export function scheduleDelivery(orderId: string, body: DeliveryRequest, call: Call): Response {
  const route = 'POST /orders/{id}/delivery';
  return post('schedule_delivery', route, `/orders/${id(orderId)}/delivery`, body, call);
}

export function getTracking(orderId: string, call: Call): Response {
  return get('track_order', 'GET /orders/{id}/tracking', `/orders/${id(orderId)}/tracking`, call);
}

/** A calendar date (YYYY-MM-DD, UTC) `days` from `now`: inside every delivery window from 2 days on. */
export function dateInDays(days: number, now: Date = new Date()): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The customer profiles the advisor knows (not a journey step: setup reads them once). */
export function getProfiles(call: Call): Response {
  const p = params('petstore', 'list_profiles', 'GET /profiles', call, false);
  return counted(http.get(`${baseUrl('petstore')}/profiles`, p), 'petstore');
}
