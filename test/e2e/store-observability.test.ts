// The three store services as real processes (the local stack) with a real OTLP receiver: one order
// is one trace across all three, every audit line carries its correlation id, state survives a
// restart, and the analytics report finds the deliberate fraud-check bottleneck.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../tools/stack/stack.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';
import { json } from '../support/store-services.ts';
import { auditLines, startTestStack, type TestStack } from '../support/test-stack.ts';

const receiver = new OtlpReceiver();
let test: TestStack;
let stack: Stack;

beforeAll(async () => {
  const endpoint = await receiver.start();
  test = await startTestStack(['inventory', 'payment', 'order'], {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, LATENCY_SCALE: '1' },
  });
  stack = test.stack;
}, 120_000);

afterAll(async () => {
  await test?.close();
  await receiver.stop();
});

const linesOf = async (correlationId: string) =>
  (await Promise.all(stack.services.map((n) => auditLines(stack, n))))
    .flat()
    .filter((l) => l.correlation_id === correlationId);

describe('store services as processes', () => {
  let orderId: string;

  it('places an order whose audit lines and spans form one trace across three services', async () => {
    const res = await json(`${stack.url('order')}/orders`, {
      body: { customer_id: 'cust-e2e', items: [{ product_id: 'SUP-LEASH-005', quantity: 1 }] },
      headers: { 'x-correlation-id': 'TXN-CHECK-1' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'confirmed',
      correlation_id: 'TXN-CHECK-1',
      total_amount: 24.99,
    });
    expect(res.headers.get('x-correlation-id')).toBe('TXN-CHECK-1');
    orderId = res.body.order_id as string;

    const lines = await linesOf('TXN-CHECK-1');
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(['order', 'payment', 'inventory']));
    const traceIds = new Set(lines.map((l) => l.trace_id));
    expect(traceIds.size).toBe(1);
    const [traceId] = [...traceIds] as string[];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    // Spans arrive in batches (1 s schedule per process), so one service's later spans (inventory's
    // commit) can come a batch after the rest. Wait for a complete trace: spans of all three
    // services, one root, every parent present and every expected business span.
    const expectedNames = [
      'payment.fraud_check',
      'payment.bank_call',
      'inventory.reserve',
      'inventory.commit',
      'POST /payments',
      'POST /reservations',
    ];
    const complete = () => {
      const spans = receiver.spans.filter((s) => s.traceId === traceId);
      const ids = new Set(spans.map((s) => s.spanId));
      const roots = spans.filter((s) => !ids.has(s.parentSpanId));
      const names = new Set(spans.map((s) => s.name));
      const done =
        new Set(spans.map((s) => s.service)).size === 3 &&
        roots.length === 1 &&
        expectedNames.every((n) => names.has(n));
      return { spans, roots, services: new Set(spans.map((s) => s.service)), done };
    };
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !complete().done) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const { spans, roots, services } = complete();
    expect(services).toEqual(new Set(['order', 'payment', 'inventory']));
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ service: 'order', name: 'POST /orders', parentSpanId: '' });
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(expectedNames));
  });

  it('keeps the order after the stack is stopped and started again', async () => {
    await stack.down();
    expect(stack.services.map((n) => stack.pid(n))).toEqual([undefined, undefined, undefined]);
    await stack.up();
    const again = await json(`${stack.url('order')}/orders/${orderId}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      order_id: orderId,
      status: 'confirmed',
      correlation_id: 'TXN-CHECK-1',
    });
  }, 60_000);

  it('names fraud_check as the slowest payment operation after orders over $1000', async () => {
    await fetch(`${stack.url('payment')}/analytics/reset`, { method: 'POST' });
    const orders = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        json(`${stack.url('order')}/orders`, {
          body: { customer_id: `big-${i}`, items: [{ product_id: 'sphynx-nova-012', quantity: 1 }] },
        }),
      ),
    );
    for (const o of orders) expect(o.status).toBe(201);
    const report = (await json(`${stack.url('payment')}/analytics/report`)).body as {
      slowest_operation: { operation: string; avg_ms: number };
      service_performance: Record<string, { count: number; avg_ms: number; p95_ms: number }>;
      recommendations: string[];
    };
    expect(report.slowest_operation.operation).toBe('fraud_check');
    const fraud = report.service_performance.fraud_check;
    // Real timings: the deliberate delay is 500-1500 ms for orders over $1000.
    expect(fraud?.count).toBe(4);
    expect(fraud?.avg_ms).toBeGreaterThanOrEqual(500);
    expect(fraud?.p95_ms).toBeLessThanOrEqual(1700);
    expect(report.service_performance.bank_call?.avg_ms).toBeLessThan(fraud?.avg_ms ?? 0);
  }, 30_000);
});
