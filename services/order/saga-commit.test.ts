// Regression (found by make chaos): a paid order whose stock commit gets no answer must roll forward,
// never compensate. Inventory here is slow enough that every commit times out on the order side while
// inventory still commits it, as when inventory dies after committing. Compensating then refunded
// the customer and left the order 'compensating' forever (a committed reservation cannot be
// released) with the stock sold; now the order stays paid and is confirmed once inventory answers.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { json, startStoreServices, type StoreServices } from '../../test/support/store-services.ts';

let s: StoreServices;
beforeAll(async () => {
  s = await startStoreServices({
    ADMIN_ENABLED: 'true',
    // 60 s of injected latency become 3 s: over the order service's 2 s timeout for inventory calls.
    LATENCY_SCALE: '0.05',
    SAGA_LEASE_MS: '1500',
    SAGA_RECOVERY_INTERVAL_MS: '300',
  });
});
afterAll(() => s.close());

const SKU = 'SUP-ORTHO-BED-009';
const stock = async () =>
  (await json(`${s.inventory.url}/stock/${SKU}`)).body as { sold: number; reserved: number };
const inventoryLatency = (ms: number) =>
  json(`${s.inventory.url}/admin/faults`, { method: 'PUT', body: { latency_ms: ms } });

async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (t: T) => boolean,
  ms = 45_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

it('a paid order whose commit gets no answer is confirmed, charged once and sold once', async () => {
  const before = await stock();
  const key = randomUUID();
  const customer = 'commit-unanswered';
  // The bank call takes 3 s: time to slow inventory down between the reservation and the commit.
  const placing = json(`${s.order.url}/orders`, {
    body: { customer_id: customer, items: [{ product_id: SKU, quantity: 2 }] },
    headers: { 'idempotency-key': key, 'x-fault': 'payment.latency_ms=60000' },
  });
  const listed = () => json(`${s.order.url}/orders?customer_id=${customer}`);
  await until(
    'order reserved',
    listed,
    (r) => (r.body.orders as { status: string }[])[0]?.status === 'reserved',
  );
  await inventoryLatency(60_000);
  const first = await placing;
  expect(first.status).toBe(409);
  expect(first.body).toMatchObject({ error: 'order_in_progress', status: 'paid' });
  expect(first.headers.get('retry-after')).toMatch(/^\d+$/);
  const orderId = String(first.body.order_id);
  // Inventory committed (after its delay) although no answer reached the order service.
  await until(
    'reservation committed',
    () => json(`${s.inventory.url}/reservations/RSV-${orderId}`),
    (r) => r.body.status === 'committed',
  );
  expect((await json(`${s.order.url}/orders/${orderId}`)).body.status).toBe('paid');

  await inventoryLatency(0);
  const done = await until(
    'order confirmed',
    () => json(`${s.order.url}/orders/${orderId}`),
    (r) => r.body.status === 'confirmed',
  );
  expect(done.body.status).toBe('confirmed');
  const payments = (await json(`${s.payment.url}/payments?order_id=${orderId}`)).body.payments as {
    status: string;
  }[];
  expect(payments.map((p) => p.status)).toEqual(['succeeded']);
  expect(await stock()).toMatchObject({ sold: before.sold + 2, reserved: before.reserved });
  // The client's retry with its key now gets the outcome.
  const retried = await json(`${s.order.url}/orders`, {
    body: { customer_id: customer, items: [{ product_id: SKU, quantity: 2 }] },
    headers: { 'idempotency-key': key, 'x-fault': 'payment.latency_ms=60000' },
  });
  expect(retried).toMatchObject({ status: 201, body: { order_id: orderId, status: 'confirmed' } });
});
