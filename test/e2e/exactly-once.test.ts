// Exactly-once checkout, end to end on real processes: the order service and the storefront each get
// the same request twice (one order, a byte-identical replay), with another body (422), ten times at
// once (one order), after a restart (the replay comes from the database), and after a kill -9 in the
// middle of the saga (the retry with the same key finishes the one order the first request created).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../tools/stack/stack.ts';
import { json } from '../support/store-services.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

let test: TestStack;
let stack: Stack;

beforeAll(async () => {
  test = await startTestStack(['inventory', 'payment', 'order', 'petstore'], {
    env: { LATENCY_SCALE: '0.05', IDEMPOTENCY_LEASE_MS: '1500' },
    serviceEnv: {
      // Recovery only after the retried request had its chance, so the kill test below is deterministic.
      order: { SAGA_LEASE_MS: '8000', SAGA_RECOVERY_INTERVAL_MS: '600000' },
      payment: { LATENCY_SCALE: '1' },
    },
    readyTimeoutMs: 60_000,
  });
  stack = test.stack;
}, 120_000);
afterAll(() => test?.close());

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

const cart = (quantity = 1) => [{ product_id: 'SUP-HAY-003', quantity }];

async function post(
  url: string,
  body: unknown,
  key: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A client that retries lost requests, 503s and "retry after" answers with the same key. */
async function untilFinal(send: () => Promise<Answer>, timeoutMs = 30_000): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  for (;;) {
    const answer = await send().catch(() => undefined);
    const retryAfter = answer?.headers.get('retry-after');
    if (answer && answer.status !== 503 && !retryAfter) return answer;
    seen.push(answer ? `${answer.status} ${answer.text.slice(0, 160)}` : 'connection lost');
    if (Date.now() > deadline) throw new Error(`no final answer; got:\n${seen.join('\n')}`);
    await new Promise((r) => setTimeout(r, retryAfter ? Number(retryAfter) * 1000 : 300));
  }
}

async function ordersOf(customer: string): Promise<{ order_id: string; status: string }[]> {
  const r = await json(`${stack.url('order')}/orders?customer_id=${customer}&limit=100`);
  return r.body.orders as { order_id: string; status: string }[];
}

const TARGETS = [
  { name: 'order service', service: 'order' },
  { name: 'storefront', service: 'petstore' },
] as const;

describe.each(TARGETS)('exactly-once POST /orders on the $name', ({ service }) => {
  const url = () => `${stack.url(service)}/orders`;
  const customer = (what: string) => `exactly-${service}-${what}-${Date.now().toString(36)}`;

  it('same key and body: one order and a byte-identical replay; another body: 422', async () => {
    const who = customer('replay');
    const key = randomUUID();
    const first = await post(url(), { customer_id: who, items: cart() }, key);
    expect(first.status).toBe(201);
    const again = await post(url(), { items: cart(), customer_id: who }, key); // key order is irrelevant
    expect({ status: again.status, text: again.text }).toEqual({ status: 201, text: first.text });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await post(url(), { customer_id: who, items: cart(2) }, key);
    expect(other.status).toBe(422);
    expect(JSON.parse(other.text)).toMatchObject({ error: 'idempotency_key_reused' });
    expect(await ordersOf(who)).toHaveLength(1);
  });

  it('ten concurrent duplicates: one order; the others are told to retry, then get the same answer', async () => {
    const who = customer('burst');
    const key = randomUUID();
    const body = { customer_id: who, items: cart() };
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(url(), body, key)));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(409);
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    const settled = await untilFinal(() => post(url(), body, key));
    expect(new Set([...created.map((a) => a.text), settled.text]).size).toBe(1);
    expect(await ordersOf(who)).toHaveLength(1);
  });

  it('after a restart, the stored answer is replayed from the database', async () => {
    const who = customer('restart');
    const key = randomUUID();
    const body = { customer_id: who, items: cart() };
    const first = await post(url(), body, key);
    expect(first.status).toBe(201);
    await stack.stop(service);
    stack.start(service);
    await stack.waitReady(service);
    const again = await post(url(), body, key);
    expect({ status: again.status, text: again.text }).toEqual({ status: 201, text: first.text });
    expect(await ordersOf(who)).toHaveLength(1);
  });

  it('kill -9 of order mid-saga: retrying with the same key completes the one order', async () => {
    const who = customer('kill');
    const key = randomUUID();
    const body = { customer_id: who, items: cart() };
    // The bank takes 1.5 s, so the saga is charging when the order process dies.
    const slow = { 'x-fault': 'payment.latency_ms=1500' };
    const first = post(url(), body, key, slow).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 600));
    stack.kill('order');
    expect((await first)?.status ?? 'lost').not.toBe(201);
    stack.start('order');
    await stack.waitReady('order');
    const settled = await untilFinal(() => post(url(), body, key, slow));
    // Whoever came first finishes the order: this retry (rolls it forward: 201), or recovery after the
    // saga lease (compensates it: a final 409 order_failed). Either way: one order, and the answer,
    // the order and its payment agree; from now on the key replays that answer.
    const answer = JSON.parse(settled.text) as { order_id: string; error?: string };
    const orders = await ordersOf(who);
    expect(orders.map((o) => o.order_id)).toEqual([answer.order_id]);
    const payments = (await json(`${stack.url('payment')}/payments?order_id=${answer.order_id}`)).body
      .payments as { status: string }[];
    const captured = payments.filter((p) => p.status === 'succeeded').length;
    expect({ status: settled.status, error: answer.error, order: orders[0]?.status, captured }).toEqual(
      settled.status === 201
        ? { status: 201, error: undefined, order: 'confirmed', captured: 1 }
        : { status: 409, error: 'order_failed', order: 'failed', captured: 0 },
    );
    const again = await post(url(), body, key, slow);
    expect({ status: again.status, text: again.text }).toEqual({
      status: settled.status,
      text: settled.text,
    });
  }, 60_000);
});

describe('exactly-once delivery booking on the storefront', () => {
  it('a retried booking replays its answer instead of counting as a reschedule', async () => {
    const who = `exactly-delivery-${Date.now().toString(36)}`;
    const placed = await post(
      `${stack.url('petstore')}/orders`,
      { customer_id: who, items: cart() },
      randomUUID(),
    );
    const orderId = String(JSON.parse(placed.text).order_id);
    const url = `${stack.url('petstore')}/orders/${orderId}/delivery`;
    const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const key = randomUUID();
    const first = await post(url, { date, window: 'morning' }, key);
    expect(first.status).toBe(201);
    const again = await post(url, { date, window: 'morning' }, key);
    expect({ status: again.status, text: again.text }).toEqual({ status: 201, text: first.text });
    expect((await post(url, { date, window: 'evening' }, key)).status).toBe(422);
    const moved = await post(url, { date, window: 'evening' }, randomUUID());
    expect({ status: moved.status, rescheduled: JSON.parse(moved.text).rescheduled }).toEqual({
      status: 200,
      rescheduled: true,
    });
  });
});
