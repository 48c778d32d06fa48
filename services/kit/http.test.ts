// The HTTP front every service shares (http.ts, api.ts's reply path), on a tiny service: what each
// request gets (correlation id, version, metrics), probes, HEAD, 404/405, plugin routes after the
// service's own, and handlers that answer synchronously, asynchronously or throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { METRICS } from '../../catalog/index.ts';
import { QUIET } from '../../test/support/store-services.ts';
import { CORRELATION_ID_PATTERN } from './correlation.ts';
import { HttpError } from './errors.ts';
import { defineService, startService, type RunningService } from './index.ts';

const front = defineService({
  name: 'ml-advisor',
  config: {},
  auditEvents: [],
  plugins: () => [
    {
      name: 'echo-plugin',
      version: '1.0.0',
      routes(router) {
        router.get('/plugin/hello', (_req, res) => {
          res.json({ from: 'plugin' });
        });
      },
    },
  ],
  setup({ api }) {
    api.route({
      method: 'get',
      path: '/things/:id',
      summary: 'a thing, answered synchronously',
      params: z.strictObject({ id: z.string().regex(/^[a-z]+$/) }),
      responses: { 200: 'the thing' },
      handler: ({ params }) => ({ body: { id: params.id, kind: 'sync' } }),
    });
    api.route({
      method: 'get',
      path: '/slow',
      summary: 'answered after a promise turn, with a header',
      responses: { 202: 'accepted' },
      handler: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return { status: 202, body: { kind: 'async' }, headers: { 'x-extra': 'yes' } };
      },
    });
    api.route({
      method: 'get',
      path: '/empty',
      summary: 'no body',
      responses: { 204: 'nothing' },
      handler: () => ({ status: 204 }),
    });
    api.route({
      method: 'get',
      path: '/throws',
      summary: 'fails synchronously',
      responses: { 409: 'conflict' },
      handler: () => {
        throw new HttpError(409, 'conflict', 'always in conflict');
      },
    });
    api.route({
      method: 'get',
      path: '/rejects',
      summary: 'fails asynchronously with an unexpected error',
      responses: { 200: 'never' },
      handler: async () => {
        await Promise.resolve();
        throw new Error('boom');
      },
    });
  },
});

let svc: RunningService;
beforeAll(async () => {
  svc = await startService(front, { ...process.env, ...QUIET, SERVICE_VERSION: '9.9.9' });
});
afterAll(() => svc.close());

const get = (path: string, init?: RequestInit) => fetch(`${svc.url}${path}`, init);

describe('every request', () => {
  it('gets a new correlation id and the service version, and a valid given id is kept', async () => {
    const res = await get('/things/abc');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ id: 'abc', kind: 'sync' });
    expect(res.headers.get('x-correlation-id')).toMatch(/^TXN-\d{8}-\d{6}-[0-9a-z]{6}$/);
    expect(res.headers.get('x-service-version')).toBe('9.9.9');
    const given = await get('/things/abc', { headers: { 'x-correlation-id': 'client-id_1:2.3' } });
    expect(given.headers.get('x-correlation-id')).toBe('client-id_1:2.3');
  });

  it('answers 400 naming the header when the given correlation id is unusable, with a fresh one', async () => {
    const res = await get('/things/abc', { headers: { 'x-correlation-id': 'has spaces' } });
    expect(res.status).toBe(400);
    const fresh = res.headers.get('x-correlation-id') ?? '';
    expect(CORRELATION_ID_PATTERN.test(fresh)).toBe(true);
    expect(await res.json()).toMatchObject({ error: 'invalid_correlation_id', correlation_id: fresh });
  });

  it('is counted by route template and status; probes are not', async () => {
    await get('/things/xyz');
    await get('/healthz');
    const text = await (await get('/metrics')).text();
    const counts = text.split('\n').filter((l) => l.startsWith(`${METRICS.httpServerDuration.name}_count{`));
    const things = counts.find((l) => l.includes('route="/things/:id"') && l.includes('status_code="200"'));
    expect(things).toContain('method="GET"');
    expect(Number(things?.split(' ').at(-1))).toBeGreaterThanOrEqual(1);
    expect(counts.some((l) => l.includes('route="/healthz"'))).toBe(false);
  });
});

describe('replies', () => {
  it('HEAD carries the length GET would send, and no body', async () => {
    const body = await (await get('/things/abc')).text();
    const head = await get('/things/abc', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await head.text()).toBe('');
  });

  it('asynchronous handlers set status, headers and body; 204 has no body', async () => {
    const res = await get('/slow');
    expect(res.status).toBe(202);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await res.json()).toEqual({ kind: 'async' });
    const empty = await get('/empty');
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('errors thrown synchronously or asynchronously become JSON answers', async () => {
    const conflict = await get('/throws');
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: 'conflict', message: 'always in conflict' });
    const boom = await get('/rejects');
    expect(boom.status).toBe(500);
    expect(await boom.json()).toMatchObject({ error: 'internal_error' });
  });

  it('validates params before the handler runs (400 naming the part)', async () => {
    const res = await get('/things/ABC');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'validation_failed', message: /params\.id/ });
  });
});

describe('routing', () => {
  it('serves the probes to GET and HEAD', async () => {
    expect(await (await get('/healthz')).json()).toEqual({
      status: 'ok',
      service: 'ml-advisor',
      version: '9.9.9',
    });
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/healthz', { method: 'HEAD' })).status).toBe(200);
    expect((await get('/openapi.json')).status).toBe(200);
  });

  it('answers 404 for unknown paths and 405 with Allow for undeclared methods', async () => {
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const wrong = await get('/things/abc', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves plugin routes (mounted after the service’s own)', async () => {
    const res = await get('/plugin/hello');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ from: 'plugin' });
  });
});
