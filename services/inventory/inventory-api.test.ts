import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInputCases, ONE_MEGABYTE_JSON } from '../../test/support/bad-input.ts';
import { json, QUIET } from '../../test/support/store-services.ts';
import { testDatabaseEnv } from '../../test/support/test-database.ts';
import { startService, type RunningService } from '../kit/index.ts';
import inventory from './service.ts';

let svc: RunningService;
beforeAll(async () => {
  svc = await startService(inventory, { ...process.env, ...QUIET, ...(await testDatabaseEnv()) });
});
afterAll(() => svc.close());

const reserve = (items: unknown, extra: Record<string, unknown> = {}) => ({ items, ...extra });

describe('inventory API', () => {
  it('reserves, commits and releases with stock moving between available, reserved and sold', async () => {
    const before = (await json(`${svc.url}/stock/SUP-HAY-003`)).body;
    const r = await json(`${svc.url}/reservations`, {
      body: reserve([{ product_id: 'SUP-HAY-003', quantity: 3 }]),
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'held', total_amount: 38.97 });
    const held = (await json(`${svc.url}/stock/SUP-HAY-003`)).body;
    expect(held).toMatchObject({ available: (before.available as number) - 3, reserved: 3 });
    const id = r.body.reservation_id as string;
    expect((await json(`${svc.url}/reservations/${id}/commit`, { method: 'POST' })).status).toBe(200);
    expect((await json(`${svc.url}/stock/SUP-HAY-003`)).body).toMatchObject({ reserved: 0, sold: 3 });
    // A committed reservation cannot be released.
    expect((await json(`${svc.url}/reservations/${id}/release`, { body: {} })).status).toBe(409);
  });

  it('publishes stock gauges per SKU', async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/mmf_stock_available\{sku="SUP-HAY-003",app="inventory",version="[^"]+"\} \d+/);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await json(`${svc.url}/openapi.json`)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/stock', '/stock/{sku}', '/reservations', '/reservations/{id}/commit']),
    );
    expect(JSON.stringify(doc.paths['/reservations']?.post)).toContain('"quantity"');
  });
});

describe('inventory bad input', () => {
  badInputCases(
    () => svc.url,
    [
      {
        name: 'malformed JSON',
        path: '/reservations',
        body: '{"items": [',
        status: 400,
        message: /not valid JSON/,
      },
      {
        name: 'JSON scalar body',
        path: '/reservations',
        body: '"items"',
        status: 400,
        message: /not valid JSON/,
      },
      {
        name: 'text/plain body',
        path: '/reservations',
        body: 'items',
        headers: { 'content-type': 'text/plain' },
        status: 415,
        message: /Content-Type must be application\/json/,
      },
      { name: 'empty JSON body', path: '/reservations', body: '', status: 400, message: /^body/ },
      { name: 'array body', path: '/reservations', body: [], status: 400, message: /^body/ },
      { name: 'missing items', path: '/reservations', body: {}, status: 400, message: /body\.items/ },
      {
        name: 'empty items',
        path: '/reservations',
        body: reserve([]),
        status: 400,
        message: /at least one item/,
      },
      {
        name: 'zero quantity',
        path: '/reservations',
        body: reserve([{ product_id: 'SUP-HAY-003', quantity: 0 }]),
        status: 400,
        message: /quantity must be at least 1/,
      },
      {
        name: 'negative quantity',
        path: '/reservations',
        body: reserve([{ product_id: 'SUP-HAY-003', quantity: -2 }]),
        status: 400,
        message: /quantity must be at least 1/,
      },
      {
        name: 'fractional quantity',
        path: '/reservations',
        body: reserve([{ product_id: 'SUP-HAY-003', quantity: 1.5 }]),
        status: 400,
        message: /whole number/,
      },
      {
        name: 'quantity as string',
        path: '/reservations',
        body: reserve([{ product_id: 'SUP-HAY-003', quantity: '2' }]),
        status: 400,
        message: /body\.items\.0\.quantity/,
      },
      {
        name: 'product id with spaces',
        path: '/reservations',
        body: reserve([{ product_id: 'drop table', quantity: 1 }]),
        status: 400,
        message: /body\.items\.0\.product_id/,
      },
      {
        name: 'unknown product',
        path: '/reservations',
        body: reserve([{ product_id: 'UNICORN-999', quantity: 1 }]),
        status: 400,
        message: /unknown product 'UNICORN-999'/,
      },
      {
        name: 'more than in stock',
        path: '/reservations',
        body: reserve([{ product_id: 'persian-cat-002', quantity: 1000 }]),
        status: 409,
        message: /insufficient stock for persian-cat-002/,
      },
      {
        name: 'unknown top-level field',
        path: '/reservations',
        body: reserve([{ product_id: 'SUP-HAY-003', quantity: 1 }], { discount: 50 }),
        status: 400,
        message: /Unrecognized key.*discount/,
      },
      {
        name: 'unknown item field',
        path: '/reservations',
        body: reserve([{ product_id: 'SUP-HAY-003', quantity: 1, price: 0.01 }]),
        status: 400,
        message: /Unrecognized key.*price/,
      },
      {
        name: 'bad reservation id',
        path: '/reservations',
        body: reserve([{ product_id: 'SUP-HAY-003', quantity: 1 }], { reservation_id: 'a b' }),
        status: 400,
        message: /body\.reservation_id/,
      },
      {
        name: '1 MB body',
        path: '/reservations',
        body: ONE_MEGABYTE_JSON,
        status: 413,
        message: /exceeds the limit/,
      },
      {
        name: 'unknown SKU lookup',
        path: '/stock/UNICORN-999',
        status: 404,
        message: /unknown product UNICORN-999/,
      },
      { name: 'bad kind filter', path: '/stock?kind=robot', status: 400, message: /query\.kind/ },
      {
        name: 'unknown query parameter',
        path: '/stock?colour=red',
        status: 400,
        message: /Unrecognized key.*colour/,
      },
      {
        name: 'unknown reservation',
        path: '/reservations/RSV-NOPE',
        status: 404,
        message: /unknown reservation RSV-NOPE/,
      },
      {
        name: 'commit unknown reservation',
        method: 'POST',
        path: '/reservations/RSV-NOPE/commit',
        status: 404,
        message: /unknown reservation/,
      },
      {
        name: 'invalid correlation id',
        path: '/stock',
        headers: { 'x-correlation-id': 'has spaces in it' },
        status: 400,
        message: /X-Correlation-ID/,
      },
      {
        name: 'malformed fault header',
        path: '/stock',
        headers: { 'x-fault': 'everything-broken' },
        status: 400,
        message: /X-Fault/,
      },
      { name: 'unknown route', path: '/warehouse', status: 404, message: /no route for GET \/warehouse/ },
    ],
  );
});
