// The one check set every scenario uses. Check names are fixed strings so the summary aggregates them
// across scenarios and steps; the intended outcome decides what "right" means for an order.
import { check } from 'k6';
import type { Response } from './response.ts';
import { jsonBody } from './store.ts';
import { orderFailures, ordersConfirmed, ordersFailed, unintendedOutcomes } from './metrics.ts';

export type IntendedOutcome = 'confirmed' | 'declined';

export const STATUS_FOR: Readonly<Record<IntendedOutcome, number>> = { confirmed: 201, declined: 402 };

/** Header lookup without depending on how the HTTP stack canonicalises names. */
export function header(res: Response, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(res.headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** What every answer must carry: the transaction's correlation ID and the serving version. */
export function commonChecks(res: Response, correlationId: string): Record<string, (r: Response) => boolean> {
  return {
    'correlation id echoed': () => header(res, 'X-Correlation-ID') === correlationId,
    'service version header set': () => (header(res, 'X-Service-Version') ?? '') !== '',
  };
}

/** Checks a POST /orders answer against the intended outcome and records the order metrics. */
export function checkOrder(res: Response, correlationId: string, intended: IntendedOutcome): boolean {
  const body = jsonBody(res);
  const asIntended = res.status === STATUS_FOR[intended];
  const ok = check(res, {
    'order answered as intended': () => asIntended,
    'order body matches its outcome': () =>
      intended === 'confirmed'
        ? typeof body?.['order_id'] === 'string' &&
          body['order_id'].startsWith('ORD-') &&
          body['status'] === 'confirmed' &&
          body['correlation_id'] === correlationId
        : body?.['error'] === 'payment_declined' &&
          body['status'] === 'failed' &&
          typeof body['order_id'] === 'string',
    ...commonChecks(res, correlationId),
  });
  const confirmed = res.status === STATUS_FOR.confirmed;
  orderFailures.add(!confirmed);
  unintendedOutcomes.add(!asIntended);
  if (confirmed) ordersConfirmed.add(1);
  else ordersFailed.add(1, { status: String(res.status) });
  return ok;
}

/** Checks a read (GET) answer: 200 with a JSON body. */
export function checkRead(res: Response, correlationId: string): boolean {
  return check(res, {
    'read answered 200': (r) => r.status === 200,
    'read body is JSON': () => jsonBody(res) !== undefined || isJsonArray(res),
    ...commonChecks(res, correlationId),
  });
}

function isJsonArray(res: Response): boolean {
  try {
    return typeof res.body === 'string' && Array.isArray(JSON.parse(res.body));
  } catch {
    return false;
  }
}

/** The order ID of a confirmed order, if the answer carries one. */
export function orderIdOf(res: Response): string | undefined {
  const id = jsonBody(res)?.['order_id'];
  return typeof id === 'string' ? id : undefined;
}
