// The audit on live services: it reads order, payment and inventory through their APIs, passes a
// run of real orders (confirmed, declined, replayed), and catches violations made through the same
// APIs: a second capture for a confirmed order, and stock moved behind the orders' back.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startStoreServices, type StoreServices } from '../../test/support/store-services.ts';
import { audit, type AuditInput, type Snapshot } from './audit.ts';
import { readSnapshot, waitTerminal, type ServiceUrls } from './reader.ts';

let s: StoreServices;
let urls: ServiceUrls;
let before: Snapshot;
beforeAll(async () => {
  s = await startStoreServices({ SAGA_RECOVERY_INTERVAL_MS: '100000' });
  urls = { order: s.order.url, payment: s.payment.url, inventory: s.inventory.url };
  before = await readSnapshot(urls);
});
afterAll(() => s.close());

const input = (after: Snapshot): AuditInput => ({
  before: {
    stock: before.stock,
    order_ids: before.orders.map((o) => o.order_id),
    payment_ids: before.payments.map((p) => p.payment_id),
  },
  after,
});

const place = (key: string, quantity: number, fault?: string) =>
  json(`${s.order.url}/orders`, {
    body: { customer_id: 'audit-reader', items: [{ product_id: 'SUP-LEASH-005', quantity }] },
    headers: { 'idempotency-key': key, ...(fault ? { 'x-fault': fault } : {}) },
  });

describe('the audit against live services', () => {
  it('passes real orders (confirmed, declined, a replay), then catches a second capture and moved stock', async () => {
    const key = randomUUID();
    const confirmed = await place(key, 2);
    expect(confirmed.status).toBe(201);
    expect((await place(key, 2)).body.order_id).toBe(confirmed.body.order_id);
    expect((await place(randomUUID(), 1, 'payment.decline')).status).toBe(402);
    expect(await waitTerminal(urls, 5000)).toBeGreaterThanOrEqual(0);

    const clean = audit(input(await readSnapshot(urls)));
    expect(clean.violations).toEqual([]);
    expect(clean.orders).toMatchObject({ audited: 2, confirmed: 1, failed: 1 });

    // Money taken twice for the confirmed order (another key), and a unit sold outside any order.
    const orderId = String(confirmed.body.order_id);
    const second = await json(`${s.payment.url}/payments`, {
      body: { order_id: orderId, customer_id: 'audit-reader', amount: Number(confirmed.body.total_amount) },
      headers: { 'idempotency-key': `second-${orderId}` },
    });
    expect(second.status).toBe(201);
    const rogue = await json(`${s.inventory.url}/reservations`, {
      body: {
        reservation_id: `rogue-${randomUUID()}`,
        items: [{ product_id: 'SUP-LEASH-005', quantity: 1 }],
      },
    });
    await json(`${s.inventory.url}/reservations/${String(rogue.body.reservation_id)}/commit`, {
      method: 'POST',
    });

    const dirty = audit(input(await readSnapshot(urls)));
    expect(dirty.violations).toEqual([
      expect.objectContaining({
        invariant: 'stock_conserved',
        ids: { sku: 'SUP-LEASH-005' },
        message: 'SUP-LEASH-005: sold moved by 3, confirmed orders hold 2 units',
      }),
      expect.objectContaining({
        invariant: 'one_capture_per_confirmed_order',
        ids: { order_id: orderId, payment_ids: expect.stringContaining(String(second.body.payment_id)) },
      }),
    ]);
  });
});
