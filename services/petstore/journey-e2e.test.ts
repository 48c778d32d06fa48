// End to end: the five services as real processes (tools/stack, as `make up` runs them, on free ports
// and a temporary run directory), the customer journey under one correlation ID, and every audit line
// it caused, read back from the five log files. Then ml-advisor is stopped and restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, type ServiceName } from '../../catalog/index.ts';
import {
  auditLines as readAuditLines,
  startTestStack,
  type AuditLine,
  type TestStack,
} from '../../test/support/test-stack.ts';
import type { Stack } from '../../tools/stack/stack.ts';

let test: TestStack;
let stack: Stack;
beforeAll(async () => {
  test = await startTestStack([...SERVICE_NAMES], {
    env: { LATENCY_SCALE: '0.05', LOG_LEVEL: 'info' },
    serviceEnv: { petstore: { CIRCUIT_HALF_OPEN_MS: '500', ADVISOR_PROBE_MS: '200' } },
    readyTimeoutMs: 60_000,
  });
  stack = test.stack;
}, 120_000);
afterAll(() => test?.close());

async function call(path: string, id: string, body?: unknown) {
  const res = await fetch(`${stack.url('petstore')}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'x-correlation-id': id,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  expect(res.headers.get('x-correlation-id')).toBe(id);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the customer journey across five services', () => {
  it('confirms an order, and every audit line it caused in every service carries its correlation ID', async () => {
    // Warm-up outside the journey (its audit lines are older than `since`): a cold first request to a
    // fresh process can be slower than the storefront's 300 ms advisor timeout on a busy machine.
    for (let i = 0; i < 3; i++) {
      await fetch(`${stack.url('ml-advisor')}/recommend/user/warm-up-${i}`);
      await fetch(`${stack.url('petstore')}/status`);
    }
    const id = `TXN-E2E-${Date.now().toString(36).toUpperCase()}`;
    const since = new Date().toISOString();
    expect((await call('/status', id)).body.status).toBe('ok');
    const recs = await call('/recommendations?customer_id=family-pet-seeker-e2e&max_results=3', id);
    expect(recs.body).toMatchObject({ source: 'ml-advisor', fallback_used: false });
    const pet = (recs.body.recommendations as { pet_id: string }[])[0]?.pet_id as string;
    expect((await call('/pets?category=dog&max_price=1500', id)).status).toBe(200);
    expect((await call(`/pets/${pet}`, id)).body).toMatchObject({ stock: { status: 'in_stock' } });
    const order = await call('/orders', id, {
      customer_id: 'family-pet-seeker-e2e',
      items: [
        { product_id: pet, quantity: 1 },
        { product_id: 'SUP-DOG-FOOD-007', quantity: 2 },
      ],
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'confirmed', correlation_id: id });
    const orderId = String(order.body.order_id);
    expect((await call(`/orders/${orderId}/payment`, id)).body).toMatchObject({
      payment: { status: 'captured' },
    });
    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect((await call(`/orders/${orderId}/delivery`, id, { date, window: 'afternoon' })).status).toBe(201);
    expect((await call(`/orders/${orderId}/tracking`, id)).body).toMatchObject({
      status: 'confirmed',
      delivery: { date, status: 'scheduled' },
    });

    const caused = Object.fromEntries(
      await Promise.all(
        SERVICE_NAMES.map(
          async (n) => [n, (await readAuditLines(stack, n)).filter((l) => l.time >= since)] as const,
        ),
      ),
    ) as Record<ServiceName, AuditLine[]>;
    for (const name of SERVICE_NAMES) {
      expect(caused[name].length, `${name} wrote no audit line for the journey`).toBeGreaterThan(0);
      for (const line of caused[name])
        expect({ service: name, event: line.event, id: line.correlation_id }).toEqual({
          service: name,
          event: line.event,
          id,
        });
    }
    const events = (n: ServiceName) => caused[n].map((l) => l.event);
    expect(events('petstore').filter((e) => e === 'journey_step')).toHaveLength(8);
    expect(events('petstore')).toContain('journey_converted');
    expect(events('ml-advisor')).toContain('recommendation_served');
    expect(events('order')).toContain('order_creation_completed');
    expect(events('payment').length).toBeGreaterThan(0);
    expect(events('inventory').length).toBeGreaterThan(0);
  });

  it('with ml-advisor stopped answers 200 within 1 s from the rules, opens the circuit, and recovers after restart', async () => {
    await stack.stop('ml-advisor');
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const res = await call(`/recommendations?customer_id=first-time-owner-${i}`, `TXN-E2E-DOWN-${i}`);
      expect(performance.now() - t).toBeLessThan(1000);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ fallback_used: true, source: 'storefront-fallback' });
    }
    const metrics = () => fetch(`${stack.url('petstore')}/metrics`).then((r) => r.text());
    const state = (s: string) =>
      new RegExp(`mmf_circuit_breaker_state\\{target="ml-advisor",state="${s}",app="petstore"[^}]*\\} 1`);
    expect(await metrics()).toMatch(state('open'));

    stack.start('ml-advisor');
    await stack.waitReady('ml-advisor');
    const deadline = Date.now() + 10_000;
    let text = await metrics();
    while (!state('closed').test(text) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      text = await metrics();
    }
    expect(text).toMatch(state('closed'));
    const back = await call('/recommendations?customer_id=first-time-owner-9', 'TXN-E2E-BACK');
    expect(back.body).toMatchObject({ fallback_used: false, source: 'ml-advisor' });
  });
});
