// The units of work scenarios are made of. Each is one transaction under one fresh correlation ID.
import { browseSku, cart, orderRequest, type OrderSize } from './carts.ts';
import { checkOrder, checkRead, orderIdOf, type IntendedOutcome } from './checks.ts';
import { correlationId } from './correlation.ts';
import { PAYMENT_DECLINE } from './faults.ts';
import { getOrder, getStock, listStock, placeOrder } from './store.ts';

/**
 * Typical latency of each transaction on the local stack at LATENCY_SCALE=1, for sizing VU pools:
 * a small order is dominated by the simulated bank call (100-800 ms), a large one adds the fraud
 * check (500-1500 ms).
 */
export const EXPECTED_SECONDS = { smallOrder: 1.5, largeOrder: 3, read: 0.3 } as const;

export interface OrderOptions {
  readonly size: OrderSize;
  /** Inject a payment decline through the fault header: the intended answer is then 402. */
  readonly decline?: boolean;
}

/** Places one order and checks it; returns the order ID when it was confirmed. */
export function buy({ size, decline = false }: OrderOptions): string | undefined {
  const id = correlationId();
  const intended: IntendedOutcome = decline ? 'declined' : 'confirmed';
  const res = placeOrder(orderRequest(cart(size)), size, {
    correlationId: id,
    expect: decline ? [402] : [201],
    ...(decline ? { fault: PAYMENT_DECLINE } : {}),
  });
  checkOrder(res, id, intended);
  return intended === 'confirmed' ? orderIdOf(res) : undefined;
}

/** Looks up an order as a customer tracking it would. */
export function track(orderId: string): void {
  const id = correlationId();
  checkRead(getOrder(orderId, { correlationId: id }), id);
}

/** Browses stock: the whole list, then one product's level. */
export function browse(): void {
  const id = correlationId();
  checkRead(listStock({ correlationId: id }), id);
  checkRead(getStock(browseSku(), { correlationId: id }), id);
}
