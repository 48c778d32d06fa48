import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import { fingerprint, isFinal, readKey, wire } from './protocol.ts';

describe('the Idempotency-Key header', () => {
  it('accepts a bare token or an RFC 8941 string, and is optional unless required', () => {
    expect(readKey('8e03978e-40d5-43e8-bc93-6894a57f9324', false)).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(readKey('"ORD-1:charge"', true)).toBe('ORD-1:charge');
    expect(readKey(undefined, false)).toBeUndefined();
  });

  it('refuses a missing required key and a malformed one with a 400 naming the rule', () => {
    expect(() => readKey(undefined, true)).toThrow(/Idempotency-Key header is required/);
    for (const bad of ['', 'spaces are bad', 'x'.repeat(129), '"unterminated', 'ünïcode']) {
      try {
        readKey(bad, false);
        expect.unreachable(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(HttpError);
        expect((err as HttpError).status).toBe(400);
        expect((err as HttpError).message).toMatch(/Idempotency-Key must be 1-128 characters/);
      }
    }
  });
});

describe('request fingerprints', () => {
  it('ignore key order and whitespace, and tell apart bodies, paths and methods', () => {
    const a = fingerprint('post', '/orders', { customer_id: 'c', items: [{ product_id: 'P', quantity: 1 }] });
    const b = fingerprint('POST', '/orders', { items: [{ quantity: 1, product_id: 'P' }], customer_id: 'c' });
    expect(a).toBe(b);
    expect(
      fingerprint('POST', '/orders', { customer_id: 'c', items: [{ product_id: 'P', quantity: 2 }] }),
    ).not.toBe(a);
    expect(fingerprint('POST', '/orders/ORD-1/delivery', {})).not.toBe(
      fingerprint('POST', '/orders/ORD-2/delivery', {}),
    );
    expect(fingerprint('PUT', '/orders', {})).not.toBe(fingerprint('POST', '/orders', {}));
  });
});

describe('which answers are stored', () => {
  it('final: 2xx and 4xx; not stored: 5xx and anything that says "retry after"', () => {
    expect(isFinal(wire(201, { ok: true }))).toBe(true);
    expect(isFinal(wire(402, { error: 'payment_declined' }))).toBe(true);
    expect(isFinal(wire(409, { error: 'insufficient_stock' }))).toBe(true);
    expect(isFinal(wire(409, { error: 'order_in_progress' }, { 'Retry-After': '1' }))).toBe(false);
    expect(isFinal(wire(503, { error: 'dependency_unavailable' }))).toBe(false);
    expect(isFinal(wire(500, { error: 'internal_error' }))).toBe(false);
  });

  it('serialise the body once, so a replay is byte-identical', () => {
    expect(wire(200, { b: 1, a: [1, 2] }).body).toBe('{"b":1,"a":[1,2]}');
    expect(wire(204, undefined).body).toBeNull();
  });
});
