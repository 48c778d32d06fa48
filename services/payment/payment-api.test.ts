import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInputCases, ONE_MEGABYTE_JSON } from '../../test/support/bad-input.ts';
import { json, QUIET } from '../../test/support/store-services.ts';
import { testDatabaseEnv } from '../../test/support/test-database.ts';
import { startService, type RunningService } from '../kit/index.ts';
import payment from './service.ts';

let svc: RunningService;
beforeAll(async () => {
  svc = await startService(payment, { ...process.env, ...QUIET, ...(await testDatabaseEnv()) });
});
afterAll(() => svc.close());

let n = 0;
const key = (): string => `test-key-${Date.now()}-${++n}`;
const charge = (k: string, body: Record<string, unknown>, faults?: string) =>
  json(`${svc.url}/payments`, {
    body,
    headers: { 'idempotency-key': k, ...(faults ? { 'x-fault': faults } : {}) },
  });

describe('payment API', () => {
  it('charges once per idempotency key: a retry replays the stored answer', async () => {
    const k = key();
    const first = await charge(k, { customer_id: 'c1', amount: 42.5, order_id: 'ORD-1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'succeeded', amount: 42.5 });
    const again = await charge(k, { customer_id: 'c1', amount: 42.5, order_id: 'ORD-1' });
    expect(again.status).toBe(201);
    expect(again.body.payment_id).toBe(first.body.payment_id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/mmf_payments_total\{outcome="succeeded",app="payment",version="[^"]+"\} 1\n/);
  });

  it('concurrent charges with one key charge once', async () => {
    const k = key();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => charge(k, { customer_id: 'c2', amount: 10, order_id: 'ORD-2' })),
    );
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.payment_id));
    expect(ids.size).toBeLessThanOrEqual(1);
    for (const a of answers) expect([201, 409]).toContain(a.status);
  });

  it('declines through the fault header, and keeps card data out of responses', async () => {
    const d = await charge(
      key(),
      { customer_id: 'c3', amount: 20, card: { number: '4111111111111111', cvv: '123', expiry: '12/29' } },
      'payment.decline',
    );
    expect(d.status).toBe(402);
    expect(d.body).toMatchObject({ error: 'payment_declined', status: 'declined' });
    const row = await json(`${svc.url}/payments/${String(d.body.payment_id)}`);
    expect(row.body.card_last4).toBe('1111');
    expect(JSON.stringify(row.body)).not.toContain('4111111111111111');
  });

  it('voids: refunds a success, tombstones an unknown key so a late charge is refused', async () => {
    const k = key();
    await charge(k, { customer_id: 'c4', amount: 15, order_id: 'ORD-4' });
    const v = await json(`${svc.url}/payments/void`, { body: { idempotency_key: k } });
    expect(v.body).toMatchObject({ action: 'refunded', status: 'refunded' });
    const late = key();
    expect((await json(`${svc.url}/payments/void`, { body: { idempotency_key: late } })).body.action).toBe(
      'tombstone',
    );
    const refused = await charge(late, { customer_id: 'c4', amount: 15 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('payment_voided');
  });
});

describe('payment export (the audit reads every payment)', () => {
  it('pages through every payment in id order with its key, tombstones included', async () => {
    const charged = key();
    await charge(charged, { customer_id: 'c5', amount: 7.25, order_id: 'ORD-EXPORT' });
    const voided = key();
    await json(`${svc.url}/payments/void`, { body: { idempotency_key: voided } });
    const seen: Record<string, unknown>[] = [];
    let after: string | null = null;
    do {
      const page = await json(`${svc.url}/export/payments?limit=2${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.payments as Record<string, unknown>[]));
      after = page.body.next_after as string | null;
    } while (after);
    const ids = seen.map((p) => String(p.payment_id));
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.find((p) => p.idempotency_key === charged)).toMatchObject({
      order_id: 'ORD-EXPORT',
      status: 'succeeded',
      amount: 7.25,
    });
    expect(seen.find((p) => p.idempotency_key === voided)).toMatchObject({
      order_id: null,
      status: 'voided',
    });
  });
});

describe('payment bad input', () => {
  const ok = { customer_id: 'c9', amount: 10 };
  const withKey = { 'idempotency-key': 'bad-input-key' };
  badInputCases(
    () => svc.url,
    [
      {
        name: 'export with a zero limit',
        path: '/export/payments?limit=0',
        status: 400,
        message: /query\.limit/,
      },
      {
        name: 'missing Idempotency-Key',
        path: '/payments',
        body: ok,
        status: 400,
        message: /Idempotency-Key header is required/,
      },
      {
        name: 'invalid Idempotency-Key',
        path: '/payments',
        headers: { 'idempotency-key': 'spaces are bad' },
        body: ok,
        status: 400,
        message: /Idempotency-Key must be/,
      },
      {
        name: 'zero amount',
        path: '/payments',
        headers: withKey,
        body: { ...ok, amount: 0 },
        status: 400,
        message: /amount must be at least 0.01/,
      },
      {
        name: 'negative amount',
        path: '/payments',
        headers: withKey,
        body: { ...ok, amount: -5 },
        status: 400,
        message: /amount must be at least 0.01/,
      },
      {
        name: 'amount as string',
        path: '/payments',
        headers: withKey,
        body: { ...ok, amount: '10' },
        status: 400,
        message: /amount must be a number/,
      },
      {
        name: 'amount with 3 decimals',
        path: '/payments',
        headers: withKey,
        body: { ...ok, amount: 1.005 },
        status: 400,
        message: /at most 2 decimals/,
      },
      {
        name: 'huge amount',
        path: '/payments',
        headers: withKey,
        body: { ...ok, amount: 5_000_000 },
        status: 400,
        message: /must not exceed/,
      },
      {
        name: 'infinite amount',
        path: '/payments',
        headers: withKey,
        body: '{"customer_id":"c9","amount":1e400}',
        status: 400,
        message: /body\.amount/,
      },
      {
        name: 'missing customer',
        path: '/payments',
        headers: withKey,
        body: { amount: 10 },
        status: 400,
        message: /body\.customer_id/,
      },
      {
        name: 'wrong currency',
        path: '/payments',
        headers: withKey,
        body: { ...ok, currency: 'EUR' },
        status: 400,
        message: /only USD/,
      },
      {
        name: 'card number with letters',
        path: '/payments',
        headers: withKey,
        body: { ...ok, card: { number: '4111abcd11111111', cvv: '123', expiry: '12/29' } },
        status: 400,
        message: /card\.number must be 12-19 digits/,
      },
      {
        name: 'bad cvv',
        path: '/payments',
        headers: withKey,
        body: { ...ok, card: { number: '4111111111111111', cvv: '12', expiry: '12/29' } },
        status: 400,
        message: /card\.cvv/,
      },
      {
        name: 'unknown field',
        path: '/payments',
        headers: withKey,
        body: { ...ok, tip: 5 },
        status: 400,
        message: /Unrecognized key.*tip/,
      },
      {
        name: 'malformed JSON',
        path: '/payments',
        headers: withKey,
        body: '{"amount":',
        status: 400,
        message: /not valid JSON/,
      },
      {
        name: 'JSON null body',
        path: '/payments',
        headers: withKey,
        body: 'null',
        status: 400,
        message: /not valid JSON/,
      },
      {
        name: 'text/plain body',
        path: '/payments',
        headers: { ...withKey, 'content-type': 'text/plain' },
        body: 'pay',
        status: 415,
        message: /Content-Type/,
      },
      {
        name: '1 MB body',
        path: '/payments',
        headers: withKey,
        body: ONE_MEGABYTE_JSON,
        status: 413,
        message: /exceeds the limit/,
      },
      {
        name: 'unknown payment',
        path: '/payments/PAY-nope',
        status: 404,
        message: /unknown payment PAY-nope/,
      },
      { name: 'bad payment id', path: '/payments/no%20spaces', status: 400, message: /params\.id/ },
      {
        name: 'refund unknown payment',
        path: '/payments/PAY-nope/refund',
        body: {},
        status: 404,
        message: /unknown payment/,
      },
      {
        name: 'void without key',
        path: '/payments/void',
        body: {},
        status: 400,
        message: /body\.idempotency_key/,
      },
      {
        name: 'fault header naming an unknown fault',
        path: '/payments/PAY-x',
        headers: { 'x-fault': 'payment.explode' },
        status: 400,
        message: /unknown fault "explode"/,
      },
      {
        name: 'correlation id too long',
        path: '/payments/PAY-x',
        headers: { 'x-correlation-id': 'x'.repeat(200) },
        status: 400,
        message: /X-Correlation-ID/,
      },
    ],
  );

  it('refuses a reused key with a different request, and a refund of a declined payment', async () => {
    const k = key();
    await charge(k, { customer_id: 'c5', amount: 10 });
    const reused = await charge(k, { customer_id: 'c5', amount: 11 });
    expect(reused.status).toBe(422);
    expect(reused.body.message).toMatch(/used with a different request/);
    const declined = await charge(key(), { customer_id: 'c5', amount: 10 }, 'payment.decline');
    const refund = await json(`${svc.url}/payments/${String(declined.body.payment_id)}/refund`, { body: {} });
    expect(refund.status).toBe(409);
    expect(refund.body.message).toMatch(/is declined and cannot be refunded/);
  });
});

describe('contract edges', () => {
  it('answers an undeclared method on a declared path with 405 and the allowed methods', async () => {
    const res = await json(`${svc.url}/payments/void`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.body).toMatchObject({ error: 'method_not_allowed' });
    expect((await json(`${svc.url}/payments/PAY-1`, { method: 'DELETE' })).headers.get('allow')).toBe(
      'GET, HEAD',
    );
  });

  it('documents the error body and the kit answers on every operation', async () => {
    const doc = (await json(`${svc.url}/openapi.json`)).body as {
      components: { schemas: { Error: { required: string[] } } };
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    };
    expect(doc.components.schemas.Error.required).toEqual(['error', 'message', 'correlation_id']);
    const charge = doc.paths['/payments']?.post;
    expect(Object.keys(charge?.responses ?? {})).toEqual(
      expect.arrayContaining(['400', '413', '415', '503']),
    );
    expect(charge?.responses['400']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/Error' } },
    });
  });
});

it('answers OPTIONS on a declared path with 405 and exactly its methods', async () => {
  const res = await json(`${svc.url}/payments/void`, { method: 'OPTIONS' });
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe('POST');
});
