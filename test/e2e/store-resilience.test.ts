// Failure tests on the store services as real processes: kill -9 of the order service while sagas
// are in flight, and SIGTERM while load is in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../catalog/index.ts';
import type { Stack } from '../../tools/stack/stack.ts';
import { json } from '../support/store-services.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let test: TestStack;
let stack: Stack;

beforeAll(async () => {
  test = await startTestStack(['inventory', 'payment', 'order'], {
    env: { LATENCY_SCALE: '0.3' },
    serviceEnv: {
      order: { SAGA_LEASE_MS: '1500', SAGA_RECOVERY_INTERVAL_MS: '300', SHUTDOWN_DRAIN_DELAY_MS: '1500' },
    },
  });
  stack = test.stack;
}, 120_000);

afterAll(() => test?.close());

interface Order {
  order_id: string;
  status: string;
  items: { product_id: string; quantity: number }[];
}

const CARTS = [
  [{ product_id: 'sphynx-nova-012', quantity: 1 }], // $1900: slow fraud check
  [
    { product_id: 'SUP-LEASH-005', quantity: 2 },
    { product_id: 'SUP-HAY-003', quantity: 1 },
  ],
  [
    { product_id: 'parrot-kiwi-017', quantity: 1 },
    { product_id: 'SUP-AVIARY-015', quantity: 1 },
  ],
];

describe('crash and shutdown', () => {
  it('kill -9 of order mid-saga: every order ends confirmed or compensated, stock balances', async () => {
    const customer = 'crash-test';
    const sent = Array.from({ length: 30 }, (_, i) =>
      json(`${stack.url('order')}/orders`, {
        body: { customer_id: customer, items: CARTS[i % 3] },
        headers: i % 3 === 1 ? { 'x-fault': 'payment.decline' } : {},
      }).then(
        (r) => r.status,
        () => 'connection lost',
      ),
    );
    await new Promise((r) => setTimeout(r, 400));
    stack.kill('order');
    const answers = await Promise.all(sent);
    expect(answers.filter((a) => a === 'connection lost').length).toBeGreaterThan(0); // sagas were in flight

    stack.start('order');
    await stack.waitReady('order');

    // Recovery resolves every saga left behind once its lease (1.5 s) expires.
    let orders: Order[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      orders = (await json(`${stack.url('order')}/orders?customer_id=${customer}&limit=100`)).body
        .orders as Order[];
      if (orders.length && orders.every((o) => o.status === 'confirmed' || o.status === 'failed')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.filter((o) => o.status !== 'confirmed' && o.status !== 'failed')).toEqual([]);

    // No money taken for an order that is not confirmed; exactly one charge for each confirmed one.
    const sold = new Map<string, number>();
    for (const o of orders) {
      const payments = (await json(`${stack.url('payment')}/payments?order_id=${o.order_id}`)).body
        .payments as { status: string }[];
      const charged = payments.filter((p) => p.status === 'succeeded');
      expect({ order: o.order_id, status: o.status, charged: charged.length }).toEqual({
        order: o.order_id,
        status: o.status,
        charged: o.status === 'confirmed' ? 1 : 0,
      });
      if (o.status === 'confirmed')
        for (const i of o.items) sold.set(i.product_id, (sold.get(i.product_id) ?? 0) + i.quantity);
    }

    // Stock: nothing left held, sold = what confirmed orders bought, and the books balance.
    for (const sku of new Set(CARTS.flat().map((i) => i.product_id))) {
      const s = (await json(`${stack.url('inventory')}/stock/${sku}`)).body;
      const initial = PRODUCTS.find((p) => p.sku === sku)?.initialStock;
      expect({
        sku,
        reserved: s.reserved,
        sold: s.sold,
        books: (s.available as number) + (s.reserved as number) + (s.sold as number),
      }).toEqual({
        sku,
        reserved: 0,
        sold: sold.get(sku) ?? 0,
        books: initial,
      });
    }
    const metrics = await (await fetch(`${stack.url('order')}/metrics`)).text();
    expect(metrics).toMatch(/mmf_sagas_recovered_total\{resolution="(confirmed|compensated)"/);
  }, 90_000);

  it('SIGTERM while load is in flight: zero failed requests', async () => {
    const statuses: (number | string)[] = [];
    let active = 0;
    // Clients behave like a load balancer: they stop sending once /readyz turns 503.
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; ; i++) {
        const ready = await fetch(`${stack.url('order')}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) return;
        active++;
        const status = await json(`${stack.url('order')}/orders`, {
          body: { customer_id: `drain-${w}`, items: CARTS[i % 3 === 1 ? 1 : i % 3] },
        }).then(
          (r) => r.status,
          (e: Error) => `error: ${e.message}`,
        );
        active--;
        statuses.push(status);
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    // Load for 1.5 s, and until some orders went through (a busy machine can take longer).
    const deadline = Date.now() + 20_000;
    await new Promise((r) => setTimeout(r, 1500));
    while (statuses.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const inFlightAtSigterm = active;
    const stopped = stack.stop('order');
    await Promise.all(workers);
    await stopped;
    expect(inFlightAtSigterm).toBeGreaterThan(0);
    expect(statuses.length).toBeGreaterThan(inFlightAtSigterm);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect(stack.pid('order')).toBeUndefined();
    expect(stack.tail('order', 5)).toMatch(/shutdown complete/);
  }, 60_000);
});
