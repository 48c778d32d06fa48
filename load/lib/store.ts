// The store API as k6 calls it: every request carries a correlation ID (one per transaction) and
// tags: `target` (the service it hits, for per-service SLO thresholds), `op` (the operation, a
// selector-friendly key for thresholds) and `name` (the route template, so IDs in URLs do not
// explode the metric series).
import http from 'k6/http';
import type { OrderRequest, OrderSize } from './carts.ts';
import { baseUrl, HTTP_TIMEOUT } from './env.ts';
import { FAULT_HEADER } from './faults.ts';
import { sendWithRetries, withKey } from './idempotency.ts';
import { serverErrors } from './metrics.ts';
import type { Response } from './response.ts';

export interface Call {
  readonly correlationId: string;
  /** Statuses this call is meant to get; anything else counts in http_req_failed. */
  readonly expect?: readonly number[];
  /** X-Fault header value, e.g. 'payment.decline' (needs FAULT_HEADERS_ENABLED=true on the services). */
  readonly fault?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Request parameters: correlation ID, fault header, tags and the statuses that count as success. */
export function params(target: string, op: string, name: string, call: Call, json: boolean) {
  const headers: Record<string, string> = { 'X-Correlation-ID': call.correlationId };
  if (json) headers['Content-Type'] = 'application/json';
  if (call.fault !== undefined) headers[FAULT_HEADER] = call.fault;
  return {
    headers,
    timeout: HTTP_TIMEOUT,
    tags: { target, op, name, ...call.tags },
    responseCallback: http.expectedStatuses(...(call.expect ?? [200, 201])),
  };
}

/** Counts a 5xx answer in server_errors (never intended, whatever a scenario injects). */
export function counted(res: Response, target: string): Response {
  if (res.status >= 500) serverErrors.add(1, { target, status: String(res.status) });
  return res;
}

/**
 * Places an order under a fresh Idempotency-Key; a lost request, a 5xx or a "retry after" answer is
 * sent again with the same key and body (load/lib/idempotency.ts), so a retry never buys twice.
 */
export function placeOrder(order: OrderRequest, size: OrderSize, call: Call): Response {
  const p = params('order', 'place_order', 'POST /orders', { ...call, tags: { size, ...call.tags } }, true);
  const keyed = { ...p, headers: withKey(p.headers) };
  const body = JSON.stringify(order);
  return sendWithRetries(() => counted(http.post(`${baseUrl('order')}/orders`, body, keyed), 'order')).res;
}

export function getOrder(orderId: string, call: Call): Response {
  const url = `${baseUrl('order')}/orders/${encodeURIComponent(orderId)}`;
  return counted(http.get(url, params('order', 'get_order', 'GET /orders/{id}', call, false)), 'order');
}

export function listStock(call: Call): Response {
  return counted(
    http.get(`${baseUrl('inventory')}/stock`, params('inventory', 'list_stock', 'GET /stock', call, false)),
    'inventory',
  );
}

export function getStock(sku: string, call: Call): Response {
  const url = `${baseUrl('inventory')}/stock/${encodeURIComponent(sku)}`;
  return counted(
    http.get(url, params('inventory', 'get_stock', 'GET /stock/{sku}', call, false)),
    'inventory',
  );
}

/** Parsed JSON body, or undefined when the body is not a JSON object. */
export function jsonBody(res: Response): Record<string, unknown> | undefined {
  if (typeof res.body !== 'string' || res.body === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(res.body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
